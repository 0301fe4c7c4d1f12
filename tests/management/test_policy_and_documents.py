"""Policy approval, document control and deletion protection: the rules and their refusals."""
from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from carbonms.common.services import record_delete
from carbonms.management import services
from carbonms.management.documents import DocumentVersion
from carbonms.management.models import ComplianceEvaluation, Policy

from .helpers import appoint_top, days, ent_system, obligation, submitted_policy

pytestmark = pytest.mark.django_db


def _msg(exc: pytest.ExceptionInfo, field: str) -> str:
    return " ".join(exc.value.message_dict[field])


def test_policy_needs_every_commitment_before_submission(world):
    s = ent_system(world)
    admin = world.users["enterprise_admin"]
    p = services.policy_save(actor=admin, park=s.park, enterprise=s.enterprise,
                             data={"title": "方针", "text": "…", "commitments": ["purpose"]})
    with pytest.raises(ValidationError) as exc:
        services.policy_submit(actor=admin, policy=p)
    assert "T/CIECCPA 5.2.4" in _msg(exc, "commitments") and "T/CSES" not in _msg(exc, "commitments")
    park = services.policy_save(actor=world.users["park_admin"], park=world.park_a, enterprise=None,
                                data={"title": "园区方针", "text": "…", "commitments": ["purpose"]})
    with pytest.raises(ValidationError) as exc:
        services.policy_submit(actor=world.users["park_admin"], policy=park)
    assert "T/CSES 5.2 l" in _msg(exc, "commitments") and "T/CPQS 6.2" in _msg(exc, "commitments")


def test_policy_approval_by_the_wrong_role_is_refused(world):
    p = submitted_policy(world)
    for role in ("viewer", "data_clerk", "internal_auditor"):
        with pytest.raises(ValidationError) as exc:
            services.policy_approve(actor=world.users[role], policy=p)
        assert "Only top management may approve the policy" in _msg(exc, "approved_by")
    # A reviewer may approve records, but is not top management until appointed so.
    with pytest.raises(ValidationError) as exc:
        services.policy_approve(actor=world.users["reviewer"], policy=p)
    assert "appointed as top management" in _msg(exc, "approved_by")
    p.refresh_from_db()
    assert p.status == Policy.Status.SUBMITTED


def test_policy_self_approval_is_refused(world):
    admin = world.users["enterprise_admin"]
    appoint_top(world, admin)
    p = submitted_policy(world, author=admin)
    with pytest.raises(ValidationError) as exc:
        services.policy_approve(actor=admin, policy=p)
    assert "You drafted this policy" in _msg(exc, "approved_by")


def test_only_the_approved_current_version_is_in_force(world):
    top = world.users["reviewer"]
    appoint_top(world, top)
    v1 = services.policy_approve(actor=top, policy=submitted_policy(world))
    assert v1.status == Policy.Status.APPROVED and v1.approved_by == top and v1.next_review_on > v1.approved_on
    v2 = services.policy_approve(actor=top, policy=submitted_policy(world))
    v1.refresh_from_db()
    assert (v1.version, v2.version) == (1, 2)
    assert v1.status == Policy.Status.SUPERSEDED
    assert list(Policy.objects.filter(status=Policy.Status.APPROVED)) == [v2]
    services.policy_publish(actor=world.users["enterprise_admin"], policy=v2, published_to="公司网站、宣传栏")
    with pytest.raises(ValidationError) as exc:
        services.policy_review(actor=top, policy=v2, next_review_on=days(-1))
    assert "future" in _msg(exc, "next_review_on")
    services.policy_review(actor=top, policy=v2, next_review_on=days(300))


def test_an_enterprise_user_cannot_write_another_enterprises_policy(world):
    other = world.e2.enterprise
    with pytest.raises(PermissionDenied):
        services.policy_save(actor=world.users["enterprise_admin"], park=other.park, enterprise=other,
                             data={"title": "x", "text": "y", "commitments": []})


def _document(world):
    s = ent_system(world)
    return services.document_save(actor=world.users["enterprise_admin"], park=s.park, enterprise=s.enterprise, data={
        "identifier": "CM-P-01", "title": "碳排放数据管理程序", "kind": "procedure", "retention_years": 5})


def test_a_document_without_approver_cannot_be_put_in_force(world):
    admin = world.users["enterprise_admin"]
    doc = _document(world)
    v = services.version_add(actor=admin, document=doc, version="1.0",
                             file=SimpleUploadedFile("p.pdf", b"%PDF-1.4 test", content_type="application/pdf"))
    with pytest.raises(ValidationError) as exc:
        services.version_put_in_force(actor=admin, version=v)
    assert "has no approver" in _msg(exc, "approver")
    import hashlib

    assert v.sha256 == hashlib.sha256(b"%PDF-1.4 test").hexdigest()


def test_document_approval_rules_and_obsolete_marking(world):
    admin, reviewer = world.users["enterprise_admin"], world.users["reviewer"]
    doc = _document(world)
    v1 = services.version_add(actor=admin, document=doc, version="1.0", file=SimpleUploadedFile("a.pdf", b"one"))
    with pytest.raises(ValidationError) as exc:
        services.version_approve(actor=admin, version=v1)
    assert "You wrote this version" in _msg(exc, "approver")
    with pytest.raises(ValidationError) as exc:
        services.version_approve(actor=world.users["data_clerk"], version=v1)
    assert "may not approve documents" in _msg(exc, "approver")
    services.version_approve(actor=reviewer, version=v1)
    services.version_put_in_force(actor=admin, version=v1)
    v2 = services.version_add(actor=admin, document=doc, version="2.0", file=SimpleUploadedFile("b.docx", b"two"))
    services.version_approve(actor=reviewer, version=v2)
    services.version_put_in_force(actor=admin, version=v2)
    v1.refresh_from_db()
    assert v1.status == DocumentVersion.Status.OBSOLETE and v1.obsolete_on is not None
    assert doc.in_force == v2
    with pytest.raises(ValidationError) as exc:
        services.version_add(actor=admin, document=doc, version="3.0", file=SimpleUploadedFile("c.exe", b"x"))
    assert "PDF, DOCX" in _msg(exc, "file")


def test_ledgers_are_kept_at_least_five_years(world):
    s = ent_system(world)
    with pytest.raises(ValidationError) as exc:
        services.document_save(actor=world.users["enterprise_admin"], park=s.park, enterprise=s.enterprise,
                               data={"identifier": "L-1", "title": "能源台账", "kind": "ledger", "retention_years": 3})
    assert "at least 5 years" in _msg(exc, "retention_years")


def test_deleting_a_record_another_depends_on_is_refused(world):
    admin = world.users["enterprise_admin"]
    ob = obligation(world)
    services.evaluation_record(actor=admin, obligation=ob, data={"evaluated_on": days(0), "result": "compliant"})
    with pytest.raises(ValidationError) as exc:
        record_delete(actor=admin, obj=ob)
    assert "cannot be deleted" in exc.value.messages[0] and "compliance evaluation" in exc.value.messages[0]
    ob.refresh_from_db()
    assert ob.next_review_on > days(300)
    ComplianceEvaluation.objects.all().delete()
    record_delete(actor=admin, obj=ob)


def test_risk_grade_and_response_rules(world):
    from carbonms.management.models import Risk

    s = ent_system(world)
    admin = world.users["enterprise_admin"]
    r = services.register_save(actor=admin, model=Risk, park=s.park, enterprise=s.enterprise, data={
        "title": "配额清缴缺口", "category": "financial", "likelihood": 4, "consequence": 5, "response": "reduce"})
    assert r.significance == "high" and "可能性" in r.criteria
    with pytest.raises(ValidationError) as exc:
        services.register_save(actor=admin, model=Risk, park=s.park, enterprise=s.enterprise, data={
            "title": "绿电交易", "category": "opportunity", "likelihood": 3, "consequence": 2, "response": "avoid"})
    assert "opportunity" in _msg(exc, "response")
    with pytest.raises(ValidationError) as exc:
        services.register_save(actor=admin, model=Risk, park=s.park, enterprise=s.enterprise, data={
            "title": "x", "category": "financial", "likelihood": 7, "consequence": 2, "response": "accept"})
    assert "1 to 5" in _msg(exc, "likelihood")
