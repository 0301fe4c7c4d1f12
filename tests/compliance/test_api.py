"""The compliance API: the live position, the surrender with the cap enforced (400, nothing written), another
enterprise's records (404), and a neutrality claim refused on a draft statement."""
from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from carbonms.compliance.holdings import lot_id
from carbonms.ledger.models import Movement

from .conftest import YEAR, statement

pytestmark = pytest.mark.django_db


def _api(user) -> APIClient:
    c = APIClient()
    c.force_authenticate(user)
    return c


def test_position_and_surrender_beyond_the_cap(covered):
    w, ent = covered["w"], covered["ent"]
    api = _api(w.users["enterprise_admin"])
    r = api.get("/api/v1/compliance-records/position/", {"enterprise": ent.pk, "year": YEAR, "price": "70"})
    assert r.status_code == 200 and r.json()["ccer_cap_t"] == 500 and r.json()["cost_to_close_yuan"] == 35000.0
    r = api.post("/api/v1/compliance-records/surrender/", {"enterprise": ent.pk, "year": YEAR,
                                                           "quantities": {lot_id(covered["ccer"]): 600}}, format="json")
    assert r.status_code == 400 and "CCER" in str(r.json())
    assert not Movement.objects.filter(kind="surrender").exists()
    r = api.post("/api/v1/compliance-records/surrender/", {"enterprise": ent.pk, "year": YEAR,
                                                           "quantities": {lot_id(covered["ccer"]): 500}}, format="json")
    assert r.status_code == 201 and r.json()["ccer_surrendered_t"].startswith("500")


def test_another_enterprise_is_not_found(covered, world):
    api = _api(world.users["enterprise_admin"])
    r = api.get("/api/v1/compliance-records/position/", {"enterprise": world.e3.enterprise.pk, "year": YEAR})
    assert r.status_code == 404
    r = api.post("/api/v1/compliance-records/surrender/", {"enterprise": world.e2.enterprise.pk, "year": YEAR,
                                                           "quantities": {"L1": 1}}, format="json")
    assert r.status_code == 400 and "enterprise" in r.json()


def test_claim_on_a_draft_statement_is_refused(world):
    statement(world, world.e1, status="draft")
    r = _api(world.users["enterprise_admin"]).post("/api/v1/neutrality-claims/", {"enterprise": world.e1.enterprise.pk, "year": YEAR},
                                                   format="json")
    assert r.status_code == 400 and "year" in r.json()
