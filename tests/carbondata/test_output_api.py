"""The output and economic data API (issue 10 item 3): the same services and workflow as the pages, bad input
answered 400 naming the field, foreign ids refused, four-eyes on /transition/."""
from __future__ import annotations

from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from carbonms.carbondata.models import EconomicRecord, Product, ProductionRecord

from .output_helpers import S, economic, product, production

pytestmark = pytest.mark.django_db


def _api(user):
    c = APIClient()
    c.force_authenticate(user)
    return c


def test_product_and_production_through_the_api(world):
    e1, clerk = world.e1.enterprise, world.users["data_clerk"]
    resp = _api(clerk).post("/api/v1/products/", {"enterprise": e1.pk, "code": "P1", "name": "钢材", "unit": "t"}, format="json")
    assert resp.status_code == 201, resp.content
    pid = resp.json()["id"]
    resp = _api(clerk).post("/api/v1/production/", {"product": pid, "year": 2025, "month": 1, "quantity": "1.2", "unit": "万吨"},
                            format="json")
    assert resp.status_code == 201 and resp.json()["quantity"] == "12000.000000" and resp.json()["unit"] == "t"
    assert resp.json()["status"] == "draft" and resp.json()["enterprise"] == e1.pk
    listed = _api(clerk).get("/api/v1/production/", {"year": 2025}).json()
    assert [r["id"] for r in listed["results"]] == [resp.json()["id"]]
    assert _api(clerk).get("/api/v1/production/", {"year": "x"}).status_code == 400


@pytest.mark.parametrize("payload,field,text", [
    ({"quantity": "5", "unit": "MWh"}, "unit", "单位“MWh”错误：产品 P1 的产量单位是 t。"),  # the user's language
    ({"quantity": "-5"}, "quantity", "产量不能为负数。"),
    ({"quantity": "5", "month": 13}, "month", None),
])
def test_bad_production_is_400_naming_the_field(world, payload, field, text):
    p = product(world.e1.enterprise)
    resp = _api(world.users["data_clerk"]).post("/api/v1/production/", {"product": p.pk, "year": 2025, "month": 1, **payload},
                                                format="json")
    assert resp.status_code == 400 and field in resp.json(), resp.content
    if text:
        assert resp.json()[field] == [text]
    assert not ProductionRecord.objects.exists()


def test_value_added_without_price_basis_is_400(world):
    resp = _api(world.users["data_clerk"]).post("/api/v1/economic/", {
        "enterprise": world.e1.enterprise.pk, "year": 2025, "value_added_10k_yuan": "1000"}, format="json")
    assert resp.json() == {"price_basis": ["填写增加值时必须注明价格口径：当年价，或基年不变价。"]}
    resp = _api(world.users["data_clerk"]).post("/api/v1/economic/", {
        "enterprise": world.e1.enterprise.pk, "year": 2025, "value_added_10k_yuan": "1000", "price_basis": "current",
        "employees": 120}, format="json")
    assert resp.status_code == 201 and resp.json()["park"] == world.park_a.pk and resp.json()["employees"] == 120
    assert EconomicRecord.objects.get().value_added_10k_yuan == Decimal("1000")


def test_foreign_ids_are_refused(world):
    e1, e2, e3 = world.e1.enterprise, world.e2.enterprise, world.e3.enterprise
    p2, p3 = product(e2, "P2"), product(e3, "P3")
    clerk, officer = world.users["data_clerk"], world.users["park_carbon_officer"]
    # an enterprise's user: another enterprise's product does not exist for them
    resp = _api(clerk).post("/api/v1/production/", {"product": p2.pk, "year": 2025, "month": 1, "quantity": "1"}, format="json")
    assert resp.status_code == 400 and "product" in resp.json()
    # park staff may see E2's product, but not put it in a record of E1
    resp = _api(officer).post("/api/v1/production/", {"enterprise": e1.pk, "product": p2.pk, "year": 2025, "month": 1,
                                                      "quantity": "1"}, format="json")
    assert resp.status_code == 400 and "product" in resp.json()
    # another park's product or enterprise: does not exist
    resp = _api(officer).post("/api/v1/production/", {"product": p3.pk, "year": 2025, "month": 1, "quantity": "1"}, format="json")
    assert resp.status_code == 400
    resp = _api(officer).post("/api/v1/economic/", {"enterprise": e3.pk, "year": 2025, "revenue_10k_yuan": "1"}, format="json")
    assert resp.status_code == 400 and "enterprise" in resp.json()
    resp = _api(officer).post("/api/v1/economic/", {"park": world.park_a.pk, "enterprise": e3.pk, "year": 2025,
                                                    "revenue_10k_yuan": "1"}, format="json")
    assert resp.status_code == 400
    # an enterprise's user cannot write the park's own figures
    resp = _api(clerk).post("/api/v1/economic/", {"park": world.park_a.pk, "year": 2025, "gdp_10k_yuan": "1"}, format="json")
    assert resp.status_code == 403
    assert not ProductionRecord.objects.exists() and not EconomicRecord.objects.exists()


def test_records_of_others_are_404(world):
    rec = production(product(world.e2.enterprise), 1, 1, user=world.users["data_clerk"])
    park_rec = economic(world.park_a, None, user=world.users["park_carbon_officer"], gdp_10k_yuan=Decimal("5"))
    clerk = _api(world.users["data_clerk"])
    assert clerk.get(f"/api/v1/production/{rec.pk}/").status_code == 404
    assert clerk.get(f"/api/v1/production/{rec.pk}/transition/").status_code == 404
    assert clerk.get(f"/api/v1/economic/{park_rec.pk}/").status_code == 404
    assert _api(world.users["park_viewer"]).get(f"/api/v1/economic/{park_rec.pk}/").status_code == 200


def test_transition_submit_approve_four_eyes_and_lock(world):
    admin, reviewer = world.users["enterprise_admin"], world.users["reviewer"]
    resp = _api(admin).post("/api/v1/economic/", {"enterprise": world.e1.enterprise.pk, "year": 2025,
                                                  "value_added_10k_yuan": "10", "price_basis": "constant",
                                                  "price_base_year": 2020}, format="json")
    url = f"/api/v1/economic/{resp.json()['id']}/transition/"
    assert "submit" in _api(admin).get(url).json()["steps"]
    assert _api(admin).post(url, {"step": "submit"}, format="json").json()["status"] == "submitted"
    state = _api(admin).get(url).json()
    assert "approve" not in state["steps"]
    refused = _api(admin).post(url, {"step": "approve"}, format="json")
    assert refused.status_code == 400 and "不能审核自己录入或提交的数据" in str(refused.json())
    assert _api(world.users["data_clerk"]).post(url, {"step": "approve"}, format="json").status_code == 403
    assert _api(reviewer).post(url, {"step": "approve"}, format="json").json()["status"] == "approved"
    assert _api(reviewer).post(url, {"step": "lock"}, format="json").json()["status"] == "locked"
    corrected = _api(admin).post(url, {"step": "correct", "revenue_10k_yuan": "99", "reason": "审计调整"}, format="json")
    assert corrected.status_code == 201 and corrected.json()["version"] == 2 and corrected.json()["status"] == "draft"


def test_production_correction_through_transition(world):
    rec = production(product(world.e1.enterprise), 1, 100, user=world.users["enterprise_admin"], status=S.APPROVED)
    url = f"/api/v1/production/{rec.pk}/transition/"
    bad = _api(world.users["data_clerk"]).post(url, {"step": "correct", "quantity": "90"}, format="json")
    assert bad.status_code == 400 and bad.json() == {"reason": ["更正必须填写原因。"]}
    ok = _api(world.users["data_clerk"]).post(url, {"step": "correct", "quantity": "90", "reason": "盘点"}, format="json")
    assert ok.status_code == 201 and ok.json()["quantity"] == "90.000000" and ok.json()["previous"] == rec.pk
    assert Product.objects.count() == 1
