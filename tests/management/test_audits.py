"""Internal audit, nonconformity and corrective action, management review: rules and refusals."""
from __future__ import annotations

import zipfile

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from carbonms.audits import services as a
from carbonms.audits.models import Audit, ChecklistItem, Nonconformity
from carbonms.management import services as ms
from carbonms.management.models import Risk

from .helpers import days, ent_system, obligation, org_unit

pytestmark = pytest.mark.django_db


def _msg(exc, field):
    return " ".join(exc.value.message_dict[field])


def _plan(world, **extra):
    s = ent_system(world)
    auditor = world.users["internal_auditor"]
    data = {"title": "2026年内审", "kind": "internal", "standard": "t-cieccpa-061-2023", "objective": "符合性",
            "lead": auditor, "team": [auditor], "areas": [org_unit(world, members=[world.users["data_clerk"]])],
            "planned_start": days(1), "planned_end": days(2)}
    data.update(extra)
    return a.audit_plan(actor=auditor, system=s, data=data)


def test_auditing_your_own_area_is_refused(world):
    auditor = world.users["internal_auditor"]
    own = org_unit(world, name="质量部", members=[auditor])
    with pytest.raises(ValidationError) as exc:
        _plan(world, areas=[own])
    assert "it is their own area" in _msg(exc, "team")
    head_unit = org_unit(world, name="审计部")
    head_unit.head = world.users["park_internal_auditor"]
    head_unit.save()
    with pytest.raises(ValidationError) as exc:
        _plan(world, areas=[head_unit], team=[auditor, world.users["park_internal_auditor"]])
    assert "park_internal_auditor" in _msg(exc, "team") or "own area" in _msg(exc, "team")
    assert not Audit.objects.exists()


def test_audit_team_must_be_auditors_and_the_plan_must_be_complete(world):
    with pytest.raises(ValidationError) as exc:
        _plan(world, team=[world.users["viewer"]])
    assert "not an internal auditor" in _msg(exc, "team")
    with pytest.raises(ValidationError) as exc:
        _plan(world, planned_end=days(0))
    assert "end on or after" in _msg(exc, "planned_end")
    with pytest.raises(ValidationError) as exc:
        _plan(world, kind="third_party", lead=None, team=[])
    assert "audit body" in _msg(exc, "external_body")
    with pytest.raises(PermissionDenied):
        a.audit_plan(actor=world.users["enterprise_admin"], system=ent_system(world), data={})


def test_an_external_audit_is_recorded_the_same_way(world):
    audit = _plan(world, kind="third_party", lead=None, team=[], external_body="中环联合认证中心")
    assert a.checklist_generate(actor=world.users["internal_auditor"], audit=audit) > 20


def test_audit_runs_from_checklist_to_finding_to_report(world):
    auditor = world.users["internal_auditor"]
    audit = _plan(world)
    n = a.checklist_generate(actor=auditor, audit=audit)
    numbers = list(audit.checklist.values_list("number", flat=True))
    assert n == len(numbers) and "9.2" in numbers and "5.2" in numbers and not any(x.startswith("3") for x in numbers)
    with pytest.raises(ValidationError):
        a.checklist_generate(actor=auditor, audit=audit)
    item = audit.checklist.get(number="7.5")
    s = ent_system(world)
    doc = ms.document_save(actor=world.users["enterprise_admin"], park=s.park, enterprise=s.enterprise,
                           data={"identifier": "R-1", "title": "计量台账", "kind": "record"})
    v = ms.version_add(actor=world.users["enterprise_admin"], document=doc, version="1", file=SimpleUploadedFile("r.pdf", b"x"))
    with pytest.raises(ValidationError) as exc:
        a.finding_record(actor=auditor, audit=audit, data={"kind": "nonconformity", "description": "d", "evidence": " "})
    assert "evidence" in _msg(exc, "evidence")
    f = a.finding_record(actor=auditor, audit=audit, data={
        "item": item, "kind": "nonconformity", "description": "流量计检定过期", "evidence": "台账第12行", "evidence_version": v})
    item.refresh_from_db()
    assert item.result == ChecklistItem.Result.NONCONFORM
    nc = f.nonconformities.get()
    assert nc.source == "audit" and nc.number.startswith("NC-")
    with pytest.raises(ValidationError) as exc:
        a.audit_report(actor=auditor, audit=audit, overview="o", conclusion="c")
    assert "not checked yet" in _msg(exc, "conclusion")
    audit.checklist.exclude(pk=item.pk).update(result="conform")
    a.audit_report(actor=auditor, audit=audit, overview="概述", conclusion="基本符合")
    audit.refresh_from_db()
    assert audit.status == "reported" and len(audit.report_sha256) == 64
    import hashlib

    assert hashlib.sha256(audit.report_file.read()).hexdigest() == audit.report_sha256
    with pytest.raises(ValidationError):
        a.finding_record(actor=auditor, audit=audit, data={"kind": "observation", "description": "d", "evidence": "e"})


def test_an_auditor_may_not_record_findings_in_their_own_area(world):
    audit = _plan(world)
    unit = audit.areas.get()
    unit.members.add(world.users["park_internal_auditor"])
    with pytest.raises(ValidationError) as exc:
        a.finding_record(actor=world.users["park_internal_auditor"], audit=audit,
                         data={"kind": "observation", "description": "d", "evidence": "e"})
    assert "own area" in _msg(exc, "team")


def _nc(world):
    return a.nc_save(actor=world.users["enterprise_admin"], system=ent_system(world), data={
        "title": "电量数据不一致", "source": "data_quality", "description": "月报与结算单差1.2%"})


def test_closing_a_corrective_action_without_an_effectiveness_review_is_refused(world):
    admin = world.users["enterprise_admin"]
    nc = _nc(world)
    nc = a.nc_save(actor=admin, nc=nc, data={"root_cause": "未建立比对机制", "five_whys": "…", "fishbone": "方法", "eight_d": "D4"})
    assert nc.status == "analysed"
    with pytest.raises(ValidationError) as exc:
        a.action_save(actor=admin, nc=nc, data={"description": "建立比对", "due_on": days(10)})
    assert "owner" in _msg(exc, "owner")
    act = a.action_save(actor=admin, nc=nc, data={"description": "建立比对", "owner": admin, "due_on": days(10)})
    with pytest.raises(ValidationError) as exc:
        a.nc_close(actor=admin, nc=nc)
    assert "without an effectiveness review" in _msg(exc, "effectiveness_review")
    with pytest.raises(ValidationError) as exc:
        a.nc_review_effectiveness(actor=admin, nc=nc, review="抽查", effective=True)
    assert "not done yet" in _msg(exc, "effectiveness_review")
    a.action_save(actor=admin, action=act, data={"done_on": days(0)})
    a.nc_review_effectiveness(actor=world.users["reviewer"], nc=nc, review="抽查三个月数据一致", effective=False)
    with pytest.raises(ValidationError) as exc:
        a.nc_close(actor=admin, nc=nc)
    assert "not effective" in _msg(exc, "effective")
    a.nc_review_effectiveness(actor=admin, nc=nc, review="再次抽查一致", effective=True)
    a.nc_close(actor=admin, nc=nc)
    nc.refresh_from_db()
    assert nc.status == Nonconformity.Status.CLOSED and nc.closed_on
    with pytest.raises(ValidationError):
        a.nc_save(actor=admin, nc=nc, data={"title": "x"})


def test_overdue_actions_are_flagged(world):
    from carbonms.audits.selectors import nonconformities

    admin = world.users["enterprise_admin"]
    nc = _nc(world)
    act = a.action_save(actor=admin, nc=nc, data={"description": "x", "owner": admin, "due_on": days(-3)})
    assert act.overdue
    row = nonconformities(admin, ent_system(world)).get(pk=nc.pk)
    assert row.n_overdue == 1


def test_management_review_inputs_come_from_live_data(world):
    admin = world.users["enterprise_admin"]
    s = ent_system(world)
    ob = obligation(world)
    ms.evaluation_record(actor=admin, obligation=ob, data={"evaluated_on": days(-5), "result": "partly", "findings": "f"})
    nc = _nc(world)
    a.action_save(actor=admin, nc=nc, data={"description": "x", "owner": admin, "due_on": days(-1)})
    review = a.review_create(actor=admin, system=s, data={"title": "管理评审", "held_on": days(0), "chair": admin})
    i = review.inputs
    assert i["compliance"]["by_result"]["partly"] == 1
    assert i["nonconformities"]["open"] == 1 and i["nonconformities"]["actions_overdue"] == 1
    assert i["context"]["obligations"] == [ob.title]
    ms.register_save(actor=admin, model=Risk, park=s.park, enterprise=s.enterprise, data={"title": "新风险", "category": "sudden", "likelihood": 5,
                                                                  "consequence": 5, "response": "reduce"})
    a.review_refresh_inputs(actor=admin, review=review)
    assert review.inputs["context"]["high_risks"] == 1
    with pytest.raises(ValidationError) as exc:
        a.output_save(actor=admin, review=review, data={"category": "targets", "decision": "下降3%"})
    assert "tracked action" in _msg(exc, "owner")
    a.output_save(actor=admin, review=review, data={"category": "targets", "decision": "下降3%", "owner": admin,
                                                   "due_on": days(30)})
    with pytest.raises(ValidationError):
        a.review_hold(actor=admin, review=review, minutes="")
    a.review_hold(actor=admin, review=review, minutes="体系有效")
    review.refresh_from_db()
    assert review.status == "held" and len(review.record_sha256) == 64
    with pytest.raises(ValidationError):
        a.review_refresh_inputs(actor=admin, review=review)
    later = a.review_create(actor=admin, system=s, data={"title": "下次评审", "held_on": days(200)})
    assert later.inputs["previous_actions"]["summary"]["total"] == 1


def test_review_record_export_holds_inputs_and_outputs(world):
    import io

    from docx import Document

    admin = world.users["enterprise_admin"]
    review = a.review_create(actor=admin, system=ent_system(world), data={"title": "评审", "held_on": days(0)})
    a.output_save(actor=admin, review=review, data={"category": "resources", "decision": "增配专员", "owner": admin,
                                                   "due_on": days(9)})
    a.review_hold(actor=admin, review=review, minutes="结论")
    text = "\n".join(p.text for p in Document(io.BytesIO(review.record_file.read())).paragraphs)
    assert "合规性评价结果" in text and "结论" in text
    assert zipfile.is_zipfile(io.BytesIO(review.record_file.open("rb").read()))


def test_frequency_suggestion_follows_risk_and_earlier_results(world):
    auditor = world.users["internal_auditor"]
    audit = _plan(world)
    a.finding_record(actor=auditor, audit=audit, data={"kind": "nonconformity", "description": "d", "evidence": "e"})
    rows = {r["area"].pk: r for r in a.frequency_suggestion(ent_system(world))}
    assert rows[audit.areas.get().pk]["per_year"] == 2


def test_an_area_that_an_audit_covers_cannot_be_deleted(world):
    from django.test import Client

    audit = _plan(world)
    area = audit.areas.get()
    with pytest.raises(ValidationError) as exc:
        ms.register_delete(actor=world.users["enterprise_admin"], obj=area)
    assert "cannot be deleted" in exc.value.messages[0] and "audit" in exc.value.messages[0]
    c = Client()
    c.force_login(world.users["enterprise_admin"])
    resp = c.delete(f"/api/v1/ms/organisation/{area.pk}/")
    assert resp.status_code == 400
    assert audit.areas.filter(pk=area.pk).exists()


def test_a_data_quality_nonconformity_links_its_activity_record(world):
    from django.test import Client

    from tests.carbondata.factories import ActivityRecordFactory, SourceFactory

    admin = world.users["enterprise_admin"]
    mine = ActivityRecordFactory(source=SourceFactory(enterprise=world.e1.enterprise), year=days(0).year)
    theirs = ActivityRecordFactory(source=SourceFactory(enterprise=world.e2.enterprise), year=days(0).year)
    with pytest.raises(ValidationError) as exc:
        a.nc_save(actor=admin, system=ent_system(world), data={"title": "t", "source": "data_quality", "description": "d",
                                                               "activity_record": theirs})
    assert "another management system" in _msg(exc, "activity_record")
    nc = a.nc_save(actor=admin, system=ent_system(world), data={"title": "电量偏差", "source": "data_quality",
                                                                "description": "d", "activity_record": mine})
    c = Client()
    c.force_login(admin)
    assert mine.get_absolute_url() in c.get(nc.get_absolute_url()).content.decode()
    form = c.get(f"/audit/ent-{world.e1.enterprise.pk}/nonconformities/new/").context["form"]
    assert mine in form.fields["activity_record"].queryset and theirs not in form.fields["activity_record"].queryset, [(r, r.enterprise_id) for r in form.fields["activity_record"].queryset]
    with pytest.raises(ValidationError):
        from carbonms.common.services import record_delete

        record_delete(actor=world.users["park_admin"], obj=mine)
