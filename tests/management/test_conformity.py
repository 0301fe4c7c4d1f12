"""Live clause conformity, the evidence pack, the reminder job and the task list."""
from __future__ import annotations

import io
import zipfile

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import Client

from carbonms.conformity.checks import standard_conformity, topic_checks
from carbonms.conformity.models import Task
from carbonms.conformity.reminders import run_reminders
from carbonms.management import services

from .helpers import appoint_top, days, ent_system, obligation, submitted_policy

pytestmark = pytest.mark.django_db


def _row(result, number):
    return next(r for r in result["rows"] if r["clause"].number == number)


def test_conformity_changes_when_evidence_appears(world):
    s = ent_system(world)
    before = standard_conformity(s, "t-cieccpa-061-2023")
    assert _row(before, "5.2")["status"] == "fail"
    assert _row(before, "8.2.5")["status"] == "not_assessed"  # no check here: not assessed, not "n/a"
    top = world.users["reviewer"]
    appoint_top(world, top)
    services.policy_approve(actor=top, policy=submitted_policy(world))
    after = standard_conformity(s, "t-cieccpa-061-2023")
    assert _row(after, "5.2.1")["status"] == "ok"
    assert after["score"] > before["score"]
    assert "Policy v1 approved" in topic_checks(s)["policy"].text


def test_obligations_evaluated_on_schedule(world):
    s = ent_system(world)
    ob = obligation(world, evaluation_months=6)
    assert topic_checks(s)["compliance_evaluation"].status == "fail"
    services.evaluation_record(actor=world.users["enterprise_admin"], obligation=ob,
                               data={"evaluated_on": days(-30), "result": "compliant"})
    assert topic_checks(s)["compliance_evaluation"].status == "ok"
    obligation(world, title="地方能耗双控目标", evaluation_months=12)
    assert topic_checks(s)["compliance_evaluation"].status == "warn"


def test_park_is_assessed_against_the_park_standards(world):
    from carbonms.conformity.checks import standards_for

    from .helpers import park_system

    assert standards_for(park_system(world)) == ["t-cses-2023", "t-cpqs-zc001-2025"]
    assert standards_for(ent_system(world)) == ["t-cieccpa-061-2023"]


def test_evidence_pack_holds_the_workbook_and_the_files(world):
    from django.core.files.uploadedfile import SimpleUploadedFile

    s = ent_system(world)
    admin, top = world.users["enterprise_admin"], world.users["reviewer"]
    doc = services.document_save(actor=admin, park=s.park, enterprise=s.enterprise,
                                 data={"identifier": "M-1", "title": "手册", "kind": "manual"})
    v = services.version_add(actor=admin, document=doc, version="1", file=SimpleUploadedFile("m.pdf", b"%PDF manual"))
    services.version_approve(actor=top, version=v)
    services.version_put_in_force(actor=admin, version=v)
    c = Client()
    c.force_login(world.users["external_verifier"])
    resp = c.get(f"/conformity/ent-{s.enterprise.pk}/t-cieccpa-061-2023/evidence-pack.zip")
    assert resp.status_code == 200 and resp["Content-Type"] == "application/zip"
    z = zipfile.ZipFile(io.BytesIO(resp.content))
    names = z.namelist()
    assert "conformity.xlsx" in names and any(n.startswith("documents/M-1-v1") for n in names)
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(z.read("conformity.xlsx")))
    assert wb["条款符合性"]["A3"].value == "4"


@pytest.mark.parametrize("prefix", ["=", "+", "-", "@", "\t", "\r"])
def test_evidence_pack_workbook_escapes_formula_prefixes(world, prefix):
    from openpyxl import load_workbook

    from carbonms.conformity.pack import build_pack

    s = ent_system(world)
    type(s.enterprise).objects.filter(pk=s.enterprise.pk).update(name=f"{prefix}HYPERLINK(\"http://evil\")")
    s.enterprise.refresh_from_db()
    z = zipfile.ZipFile(io.BytesIO(build_pack(s, "t-cieccpa-061-2023")))
    wb = load_workbook(io.BytesIO(z.read("conformity.xlsx")))
    assert wb["条款符合性"]["A1"].value == f"'{prefix}HYPERLINK(\"http://evil\")"
    cells = [c for ws in wb.worksheets for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    assert all(c.data_type == "s" and not c.value.startswith(("=", "+", "-", "@", "\t", "\r")) for c in cells)


def test_reminders_create_and_close_tasks_and_email(world, settings):
    from carbonms.audits import services as a

    admin = world.users["enterprise_admin"]
    admin.email = "chen@example.com"
    admin.save()
    nc = a.nc_save(actor=admin, system=ent_system(world), data={"title": "t", "source": "complaint", "description": "d"})
    act = a.action_save(actor=admin, nc=nc, data={"description": "整改", "owner": admin, "due_on": days(-2)})
    obligation(world, owner=admin, next_review_on=days(3))
    result = run_reminders(email=True)
    assert result["created"] == 2 and result["emailed"] == 2
    assert len(mail.outbox) == 2 and "CarbonMS" in mail.outbox[0].subject
    tasks = Task.objects.filter(user=admin, done_at__isnull=True)
    assert {t.kind for t in tasks} == {"action", "evaluation"}
    assert tasks.get(kind="action").overdue
    a.action_save(actor=admin, action=act, data={"done_on": days(0)})
    assert run_reminders()["closed"] == 1
    call_command("send_reminders", stdout=io.StringIO())
    c = Client()
    c.force_login(admin)
    body = c.get("/conformity/tasks/").content.decode()
    assert "碳排放权交易管理暂行条例" in body
    task = Task.objects.get(user=admin, done_at__isnull=True)
    assert c.post(f"/conformity/tasks/{task.pk}/done/").status_code == 302
    task.refresh_from_db()
    assert task.done_at is not None
    other = Client()
    other.force_login(world.users["viewer"])
    assert other.post(f"/conformity/tasks/{task.pk}/done/").status_code == 404


def test_the_daily_job_runs_as_a_celery_task_and_is_change_logged(world):
    from carbonms.changelog.models import ChangeRecord
    from carbonms.conformity.tasks import daily_reminders

    admin = world.users["enterprise_admin"]
    obligation(world, owner=admin, next_review_on=days(-1))
    assert daily_reminders.delay().get()["created"] == 1
    rec = ChangeRecord.objects.filter(content_type__model="task").first()
    assert rec is not None and rec.source_kind == "job"


def test_a_user_can_ask_for_reminders_by_email(world):
    from carbonms.conformity.models import ReminderSubscription

    admin, viewer = world.users["enterprise_admin"], world.users["viewer"]
    for u, addr in ((admin, "chen@example.com"), (viewer, "huang@example.com")):
        u.email = addr
        u.save()
    c = Client()
    c.force_login(admin)
    assert c.post("/conformity/tasks/", {"email": "on"}).status_code == 302
    assert ReminderSubscription.objects.get(user=admin).email
    obligation(world, owner=admin, next_review_on=days(1))
    obligation(world, title="另一义务", owner=viewer, next_review_on=days(1))
    assert run_reminders(email=False)["emailed"] == 1
    assert mail.outbox[-1].to == ["chen@example.com"]
    c.post("/conformity/tasks/", {})
    assert not ReminderSubscription.objects.get(user=admin).email


def test_monitoring_plan_equipment_calibrated(world):
    from tests.carbondata.factories import CalibrationFactory, InstrumentFactory, MonitoringPlanFactory

    s = ent_system(world)
    e = s.enterprise
    assert topic_checks(s)["monitoring_plan"].status == "fail"
    MonitoringPlanFactory(enterprise=e, status="approved", prepared_by=world.users["enterprise_admin"])
    meter = InstrumentFactory(enterprise=e)
    assert "not calibrated" in topic_checks(s)["monitoring_plan"].text
    cal = CalibrationFactory(instrument=meter, performed_on=days(-300), due_on=days(5))
    assert topic_checks(s)["monitoring_plan"].status == "warn"
    assert run_reminders()["created"] == 1
    assert Task.objects.get(kind="calibration").user == world.users["enterprise_admin"]
    cal.due_on = days(200)
    cal.save()
    assert topic_checks(s)["monitoring_plan"].status == "ok"
    assert _row(standard_conformity(s, "t-cieccpa-061-2023"), "8.2.4")["status"] == "ok"
    assert run_reminders()["closed"] == 1


def test_review_inputs_show_emission_trends_from_the_inventory(world):
    """The trend comes from the inventory statements in force (issue 10), never from the latest runs."""
    from carbonms.audits import services as a
    from carbonms.inventory.models import CalculationRun, InventoryStatement

    s = ent_system(world)
    admin = world.users["enterprise_admin"]
    for year, gross in ((2024, 1000.0), (2025, 900.0)):
        run = CalculationRun.objects.create(park=s.park, enterprise=s.enterprise, year=year, fuel_set="x", run_by=admin,
                                            totals={"gross": gross, "energy_tce": 400.0})
        InventoryStatement.objects.create(park=s.park, enterprise=s.enterprise, year=year, run=run, gwp_set="SAR",
                                          status="approved", drafted_by=admin, totals=run.totals,
                                          coverage={"fraction": 1.0, "complete": True})
    CalculationRun.objects.create(park=s.park, enterprise=s.enterprise, year=2025, fuel_set="x", run_by=admin,
                                  totals={"gross": 5.0, "energy_tce": 1.0})  # a later partial run: not the figure
    review = a.review_create(actor=admin, system=s, data={"title": "评审", "held_on": days(0)})
    perf = review.inputs["performance"]
    assert perf["available"] and "2025: 900.0 tCO2e" in perf["items"][1] and "-10.0%" in perf["items"][1]


def test_task_titles_are_stored_in_the_default_language(world):
    from django.utils import translation

    from carbonms.management.models import Training

    s = ent_system(world)
    admin = world.users["enterprise_admin"]
    services.register_save(actor=admin, model=Training, park=s.park, enterprise=s.enterprise,
                           data={"title": "内审员复训", "planned_on": days(2), "owner": admin})
    with translation.override("en"):
        run_reminders()
    assert Task.objects.get(kind="training").title == "实施培训：内审员复训"


def test_a_clause_without_a_check_is_not_assessed_and_the_coverage_is_shown(world):
    s = ent_system(world)
    result = standard_conformity(s, "t-cieccpa-061-2023")
    row = _row(result, "8.2.5.2")  # mass balance: assessed by no check of the management system
    assert row["status"] == "not_assessed" and row["not_assessed_topics"] == ["accounting"]
    counts = result["counts"]
    assert "na" not in counts and counts["not_assessed"] > 0
    assert result["total"] == sum(counts.values())
    assert result["coverage"] == round(100 * result["assessed"] / result["total"]) < 100
    # a clause with a checked and an unchecked topic is at best "partly"
    assert all(r["status"] != "ok" for r in result["rows"] if r["not_assessed_topics"] and r["checks"])


def test_a_chapter_status_derives_from_its_clauses(world):
    s = ent_system(world)
    appoint_top(world, world.users["reviewer"])
    services.policy_approve(actor=world.users["reviewer"], policy=submitted_policy(world))
    result = standard_conformity(s, "t-cieccpa-061-2023")
    assert _row(result, "5.2.1")["status"] == "ok"
    assert _row(result, "5.2.3")["status"] != "ok"  # the policy is not communicated yet
    parent = _row(result, "5.2")
    assert parent["derived"] and parent["status"] == _row(result, "5.2.3")["status"]
    # chapters are shown but not counted: the counts cover the clauses without sub-clauses only
    leaves = [r for r in result["rows"] if not r["derived"]]
    assert sum(result["counts"].values()) == len(leaves) < len(result["rows"])


def test_marking_one_review_held_does_not_flatter_the_park_score(world):
    """The T/CSES case of issue 11: marking one management review held raised the park's score from
    68 % to 87 %. A review marked held without its inputs, decisions and record is only "partly"; the
    clauses it cannot evidence stay as they were, and the share of clauses assessed does not move."""
    from carbonms.audits.models import ManagementReview

    from .helpers import park_system

    s = park_system(world)
    before = standard_conformity(s, "t-cses-2023")
    ManagementReview.objects.create(park=s.park, enterprise=None, title="管理评审", held_on=days(0), status="held")
    after = standard_conformity(s, "t-cses-2023")
    for number in ("9.5", "9.5.1", "9.5.2"):
        assert _row(after, number)["status"] == "warn"
    became_ok = [r["clause"].number for r, b in zip(after["rows"], before["rows"], strict=True) if r["status"] == "ok" != b["status"]]
    assert became_ok == []
    assert after["coverage"] == before["coverage"] and after["total"] == before["total"]
    assert topic_checks(s)["management_review"].text.startswith("Management review held on") or "管理评审" in \
        topic_checks(s)["management_review"].text
