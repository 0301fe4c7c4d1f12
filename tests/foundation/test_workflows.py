"""Workflows are declared once (carbonms/common/workflow.py) and the service, the page, the API and the
templates all follow the declaration (issue 9): a page never offers a step the service refuses, and the
API can take every step the page can."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import translation
from rest_framework.test import APIClient

from carbonms.carbondata.models import ActivityRecord, UserFactor
from carbonms.carbondata.workflows import ACTIVITY
from carbonms.common.workflow import REGISTRY, workflow_of
from carbonms.management.models import Policy
from tests.management.helpers import appoint_top, ent_system, submitted_policy


@pytest.fixture(autouse=True)
def _english():
    """Reasons are matched in English (the source language)."""
    with translation.override("en"):
        yield


def _client(user, api=False):
    c = APIClient() if api else Client()
    c.force_login(user)
    return c


def _activity(world, status="submitted", entered_by=None):
    from carbonms.carbondata.models import Source

    src = Source.objects.create(
        enterprise=world.e1.enterprise, code="S1", name="锅炉", category="stationary_combustion", method="fuel_combustion",
        material="烟煤", activity_unit="t", data_source="ledger", effective_from=dt.date(2020, 1, 1))
    clerk = entered_by or world.users["data_clerk"]
    return ActivityRecord.objects.create(source=src, enterprise=world.e1.enterprise, year=2025, month=1,
                                         amount=Decimal("10"), unit="t", entered_by=clerk, submitted_by=clerk,
                                         status=status)


def test_every_workflow_step_has_a_runner_and_a_page():
    """The API's transition endpoint and the pages run every declared step (no step only one side knows)."""
    assert {m.__name__ for m in REGISTRY} >= {"ActivityRecord", "MonitoringPlan", "Policy", "DocumentVersion", "Audit",
                                              "Nonconformity", "ManagementReview"}
    for model, wf in REGISTRY.items():
        for t in wf.transitions:
            assert t.name in wf._runners, (model.__name__, t.name)
            assert t.url_name or wf.url_name, (model.__name__, t.name)
            assert t.source and t.label and t.action, (model.__name__, t.name)


def test_service_refuses_what_the_declaration_refuses(world):
    rec = _activity(world, status="draft")
    reviewer, clerk = world.users["reviewer"], world.users["data_clerk"]
    from carbonms.carbondata import services

    with pytest.raises(ValidationError, match="not waiting for review"):  # wrong source status
        services.activity_approve(actor=reviewer, records=[rec])
    with pytest.raises(PermissionDenied):  # role without the permission
        services.activity_approve(actor=world.users["viewer"], records=[rec])
    services.activity_submit(actor=clerk, records=[rec])
    admin = _approver_who_entered(world, rec)
    assert ACTIVITY.permitted(admin, rec, "approve")  # the role may approve, but not what he entered
    with pytest.raises(ValidationError, match="entered or submitted yourself"):  # four eyes
        services.activity_approve(actor=admin, records=[rec])
    services.activity_approve(actor=reviewer, records=[rec])
    rec.refresh_from_db()
    assert rec.status == "approved"


def _approver_who_entered(world, rec):
    """An enterprise admin (who may approve) who entered the value himself."""
    admin = world.users["enterprise_admin"]
    rec.entered_by = admin
    rec.save()
    return admin


def test_policy_page_offers_approve_only_to_who_may_approve(world):
    """Before: the approve button was drawn for every user as soon as the policy was submitted."""
    p = submitted_policy(world)
    url = reverse("management:policy", args=[p.pk])
    body = _client(world.users["viewer"]).get(url).content.decode()
    assert 'data-testid="approve"' not in body
    top = world.users["reviewer"]
    appoint_top(world, top)
    body = _client(top).get(url).content.decode()
    assert 'data-testid="approve"' in body
    assert 'data-testid="submit"' not in body  # a submitted policy cannot be submitted again


def test_page_step_refused_by_the_role_is_403_and_nothing_changes(world):
    p = submitted_policy(world)
    resp = _client(world.users["viewer"]).post(reverse("management:policy_action", args=[p.pk, "approve"]))
    assert resp.status_code == 403
    p.refresh_from_db()
    assert p.status == Policy.Status.SUBMITTED


def test_unknown_step_is_404(world):
    p = submitted_policy(world)
    resp = _client(world.users["enterprise_admin"]).post(reverse("management:policy_action", args=[p.pk, "delete"]))
    assert resp.status_code == 404


def test_api_lists_only_the_steps_the_caller_may_take(world):
    p = submitted_policy(world)
    url = f"/api/v1/ms/policies/{p.pk}/transition/"
    data = _client(world.users["viewer"], api=True).get(url).json()
    assert data["status"] == "submitted" and data["steps"] == []
    approve = next(t for t in data["transitions"] if t["step"] == "approve")
    assert approve["allowed"] is False and approve["reason"]
    top = world.users["reviewer"]
    appoint_top(world, top)
    assert _client(top, api=True).get(url).json()["steps"] == ["approve"]


def test_api_can_return_activity_data_as_the_review_page_can(world):
    """Before: the review page could return a value, the API could not."""
    rec = _activity(world)
    api = _client(world.users["reviewer"], api=True)
    resp = api.post(f"/api/v1/activity/{rec.pk}/return/", {"comment": "发票金额不符"}, format="json")
    assert resp.status_code == 200, resp.content
    assert resp.json()["status"] == "rejected"
    steps = api.get(f"/api/v1/activity/{rec.pk}/transition/").json()["steps"]
    assert steps == []  # the reviewer may not submit (no change right) and nothing is waiting for review
    assert _client(world.users["data_clerk"], api=True).get(f"/api/v1/activity/{rec.pk}/transition/").json()["steps"] == ["submit"]


def test_activity_page_step_and_api_step_use_the_same_declaration(world):
    rec = _activity(world, status="draft")
    clerk = world.users["data_clerk"]
    body = _client(clerk).get(reverse("carbondata:activity", args=[rec.pk])).content.decode()
    assert reverse("carbondata:activity_action", args=[rec.pk, "submit"]) in body
    assert reverse("carbondata:activity_action", args=[rec.pk, "approve"]) not in body
    resp = _client(clerk).post(reverse("carbondata:activity_action", args=[rec.pk, "submit"]))
    assert resp.status_code == 302
    rec.refresh_from_db()
    assert rec.status == "submitted"
    # The author may not approve it, on the page or through the API; a reviewer may.
    resp = _client(world.users["enterprise_admin"], api=True).get(f"/api/v1/activity/{rec.pk}/transition/")
    assert "approve" in resp.json()["steps"]
    body = _client(world.users["reviewer"]).get(reverse("carbondata:activity", args=[rec.pk])).content.decode()
    assert reverse("carbondata:activity_action", args=[rec.pk, "approve"]) in body


def test_a_held_review_cannot_be_held_again(world):
    """Before: ``review_hold`` accepted a review in any status and rewrote the record of a held review."""
    from carbonms.audits import services

    admin = world.users["enterprise_admin"]
    r = services.review_create(actor=admin, system=ent_system(world), data={"title": "2025 评审", "held_on": dt.date(2025, 12, 1),
                                                                           "chair": admin, "attendees": ""})
    services.review_hold(actor=admin, review=r, minutes="结论")
    with pytest.raises(ValidationError, match="already been held"):
        services.review_hold(actor=admin, review=r, minutes="改写")
    r.refresh_from_db()
    assert r.minutes == "结论"
    assert workflow_of(r).available(admin, r) == []


def test_factor_form_does_not_copy_another_enterprises_factor(world):
    """Issue 9: ``?key=<E2's key>`` on E1's factor form read E2's factor and its source document."""
    e2 = world.e2.enterprise
    UserFactor.objects.create(park=e2.park, enterprise=e2, key="E2-secret", kind="ef", material="外购电",
                              ef=0.123456, ef_unit="tCO2/MWh", source_document="E2 供应商合同 2025-17",
                              created_by=world.users["park_admin"])
    resp = _client(world.users["data_clerk"]).get(
        reverse("carbondata:factor_create", args=[world.e1.enterprise.pk]) + "?key=E2-secret")
    assert resp.status_code == 200
    body = resp.content.decode()
    assert "E2 供应商合同" not in body and "0.123456" not in body


def test_an_acknowledged_anomaly_cannot_be_acknowledged_again(world):
    """Before: ``anomaly_acknowledge`` had no status rule and overwrote the first reviewer and note."""
    from carbonms.monitoring import services
    from tests.matrix.monitoring import _anomaly

    a = _anomaly(world.e1)
    admin, clerk = world.users["enterprise_admin"], world.users["data_clerk"]
    services.anomaly_acknowledge(actor=admin, anomaly=a, note="停电检修")
    with pytest.raises(ValidationError, match="already acknowledged"):
        services.anomaly_acknowledge(actor=clerk, anomaly=a, note="改写")
    a.refresh_from_db()
    assert a.reviewed_by == admin and a.note == "停电检修"
    # and the list page no longer offers the review
    body = _client(admin).get(reverse("monitoring:anomalies") + "?status=all").content.decode()
    assert reverse("monitoring:anomaly_review", args=[a.pk]) not in body
