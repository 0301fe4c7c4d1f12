"""The management REST endpoints: writes through the services, refusals as 400 with the reason, scope."""
from __future__ import annotations

import pytest
from django.test import Client

from .helpers import ALL_COMMITMENTS, appoint_top

pytestmark = pytest.mark.django_db


def _client(user):
    c = Client()
    c.force_login(user)
    return c


def test_register_entry_is_created_through_the_service(world):
    e = world.e1.enterprise
    c = _client(world.users["enterprise_admin"])
    resp = c.post("/api/v1/ms/risks/", {"park": e.park_id, "enterprise": e.pk, "title": "碳价上涨", "category": "financial",
                                        "likelihood": 5, "consequence": 4, "response": "transfer"},
                  content_type="application/json")
    assert resp.status_code == 201, resp.content
    assert resp.json()["significance"] == "high"
    resp = c.post("/api/v1/ms/risks/", {"park": e.park_id, "enterprise": e.pk, "title": "x", "category": "financial",
                                        "likelihood": 9, "consequence": 4, "response": "transfer"},
                  content_type="application/json")
    assert resp.status_code == 400 and "likelihood" in resp.json()
    other = world.e2.enterprise
    resp = c.post("/api/v1/ms/risks/", {"park": other.park_id, "enterprise": other.pk, "title": "x", "category": "financial",
                                        "likelihood": 1, "consequence": 1, "response": "accept"},
                  content_type="application/json")
    assert resp.status_code == 400  # another enterprise does not exist for this caller


def test_policy_workflow_through_the_api(world):
    e = world.e1.enterprise
    admin, reviewer = world.users["enterprise_admin"], world.users["reviewer"]
    resp = _client(admin).post("/api/v1/ms/policies/", {"park": e.park_id, "enterprise": e.pk, "title": "方针", "text": "…",
                                                        "commitments": ALL_COMMITMENTS}, content_type="application/json")
    assert resp.status_code == 201, resp.content
    pk = resp.json()["id"]
    url = f"/api/v1/ms/policies/{pk}/transition/"
    assert _client(admin).post(url, {"step": "submit"}, content_type="application/json").json()["status"] == "submitted"
    resp = _client(reviewer).post(url, {"step": "approve"}, content_type="application/json")
    assert resp.status_code == 400 and "最高管理者" in resp.json()["approved_by"][0]  # the API answers in Chinese by default
    appoint_top(world, reviewer)
    resp = _client(reviewer).post(url, {"step": "approve"}, content_type="application/json")
    assert resp.status_code == 200 and resp.json()["status"] == "approved"


def test_tasks_endpoint_lists_only_the_callers_tasks(world):
    from carbonms.conformity.models import Task

    e = world.e1.enterprise
    mine = Task.objects.create(park=e.park, enterprise=e, user=world.users["enterprise_admin"], kind="review", ref="a",
                               title="t", url="/", due_on="2026-01-01")
    Task.objects.create(park=e.park, enterprise=e, user=world.users["viewer"], kind="review", ref="b", title="t", url="/",
                        due_on="2026-01-01")
    ids = [t["id"] for t in _client(world.users["enterprise_admin"]).get("/api/v1/ms/tasks/").json()["results"]]
    assert ids == [mine.pk]


def test_api_writes_follow_the_roles_and_the_scope(world):
    from carbonms.management.models import Risk

    def risk(org):
        e = org.enterprise
        return Risk.objects.create(park=e.park, enterprise=e, title="r", category="financial", likelihood=2, consequence=2,
                                   significance="low", response="accept")

    inside, outside = risk(world.e1), risk(world.e2)
    expected = {"enterprise_admin": 200, "park_admin": 200, "park_carbon_officer": 200, "viewer": 403, "reviewer": 403,
                "data_clerk": 403, "internal_auditor": 403, "external_verifier": 403}
    for role, status in expected.items():
        c = _client(world.users[role])
        resp = c.patch(f"/api/v1/ms/risks/{inside.pk}/", {"likelihood": 5}, content_type="application/json")
        assert resp.status_code == status, (role, resp.status_code)
        if role in ("enterprise_admin", "viewer"):
            resp = c.patch(f"/api/v1/ms/risks/{outside.pk}/", {"likelihood": 5}, content_type="application/json")
            assert resp.status_code == 404, role
    inside.refresh_from_db()
    assert inside.likelihood == 5 and inside.significance == "medium"
