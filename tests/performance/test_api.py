"""The API of targets and allocations: the same services and refusals as the pages, other enterprises' ids
refused, B8 (the enterprise accepts a park allocation through the workflow, never writes it)."""
from __future__ import annotations

from decimal import Decimal

from django.test import Client
from django.urls import reverse

from carbonms.performance.models import Target, TargetAllocation

from .conftest import CATS, enterprise_baseline, published_park_target


def _client(user):
    c = Client()
    c.force_login(user)
    return c


def test_enterprise_writes_its_target_but_not_with_another_enterprises_baseline(park):
    w = park
    e1, e2 = w.e1.enterprise, w.e2.enterprise
    b1, b2 = enterprise_baseline(w, e1, 600), enterprise_baseline(w, e2, 400)
    c = _client(w.users["enterprise_admin"])
    body = {"park": w.park_a.pk, "enterprise": e1.pk, "code": "E1-T", "title": "企业目标", "categories": CATS, "gwp_set": "SAR",
            "counting_basis": "park_counted", "target_year": 2030, "method": "reduction_pct", "reduction_pct": "15"}
    r = c.post(reverse("api:targets-targets-list"), {**body, "baseline": b2.pk}, content_type="application/json")
    assert r.status_code == 400 and "baseline" in r.json()
    r = c.post(reverse("api:targets-targets-list"), {**body, "enterprise": e2.pk, "baseline": b1.pk}, content_type="application/json")
    assert r.status_code in (400, 403)
    assert not Target.objects.exists()
    r = c.post(reverse("api:targets-targets-list"), {**body, "baseline": b1.pk}, content_type="application/json")
    assert r.status_code == 201, r.content
    assert r.json()["target_value"] == "510.000000" and r.json()["milestones"]["2024"] == 600
    progress = c.get(reverse("api:targets-targets-progress", args=[r.json()["id"]]))
    assert progress.status_code == 200 and progress.json() == []  # a draft is not tracked


def test_allocation_is_written_by_the_park_and_accepted_by_the_enterprise(park):
    w = park
    e1 = w.e1.enterprise
    pt = published_park_target(w)
    officer = _client(w.users["park_carbon_officer"])
    r = officer.post(reverse("api:targets-allocations-list"), {
        "park_target": pt.pk, "enterprise": e1.pk, "method": "uniform", "baseline": enterprise_baseline(w, e1, 600).pk},
        content_type="application/json")
    assert r.status_code == 201, r.content
    a = TargetAllocation.objects.get(pk=r.json()["id"])
    assert a.allocated_value == Decimal("456.000000")
    ent = _client(w.users["enterprise_admin"])
    r = ent.patch(reverse("api:targets-allocations-detail", args=[a.pk]), {"allocated_value": "600", "method": "negotiated"},
                  content_type="application/json")
    assert r.status_code == 400 and "status" in r.json()
    a.refresh_from_db()
    assert a.allocated_value == Decimal("456.000000") and a.method == "uniform"
    url = reverse("api:targets-allocations-transition", args=[a.pk])
    assert officer.post(url, {"step": "issue"}, content_type="application/json").status_code == 200
    assert ent.post(url, {"step": "accept"}, content_type="application/json").status_code == 400  # not top management
    r = _client(w.ent_top).post(url, {"step": "accept", "letter_number": "ZR-7"}, content_type="application/json")
    assert r.status_code == 200 and r.json()["status"] == "accepted"
    a.refresh_from_db()
    assert a.target.status == "published" and a.target.progress.filter(year=2025).exists()
    # a user of the other enterprise does not even see it
    from tests.factories import RoleAssignmentFactory, UserFactory

    e2_admin = UserFactory(username="e2_admin")
    RoleAssignmentFactory(user=e2_admin, role="enterprise_admin", park=w.park_a, enterprise=w.e2.enterprise)
    assert _client(e2_admin).get(reverse("api:targets-allocations-detail", args=[a.pk])).status_code == 404
    assert _client(e2_admin).post(url, {"step": "return", "return_reason": "x"},
                                  content_type="application/json").status_code == 404
