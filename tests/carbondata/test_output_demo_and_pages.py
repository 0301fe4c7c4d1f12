"""The demo's output and economic data, and the output pages end to end (Django test client)."""
from __future__ import annotations

from decimal import Decimal

import pytest
from django.db.models import F
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from carbonms.accounts.models import User
from carbonms.carbondata.models import EconomicRecord, Product, ProductionRecord
from carbonms.carbondata.selectors import denominators
from carbonms.demo.generator import build

from .output_helpers import S, product, production

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(db):
    return build(enterprises=30, seed=7, extensions=())  # the core park: output data need no app extension


def _client(user):
    c = Client()
    c.force_login(user if isinstance(user, User) else User.objects.get(username=user))
    return c


def test_demo_output_for_every_enterprise_and_the_park(demo):
    park, today = demo.park, timezone.localdate()
    ents = park.enterprises.filter(kind="enterprise")
    for year in (today.year - 2, today.year - 1):
        for e in ents:
            d = denominators(park=park, enterprise=e, year=year)
            assert d["products"] or d["electricity_exported_mwh"], (e.name, year)
            assert d["value_added_10k_yuan"] > 0 and d["price_basis"] == "constant:2020", (e.name, year)
        p = denominators(park=park, year=year)
        assert p["economic_source"] == "park_record" and p["gdp_10k_yuan"] > p["value_added_10k_yuan"] > 0
    steel = ents.get(industry_code="3120")
    crude = denominators(park=park, enterprise=steel, year=today.year - 1)["products"][0]
    assert crude["unit"] == "t" and Decimal("800000") < crude["quantity"] < Decimal("1800000")  # about 1.2 Mt a year
    cement = ents.get(industry_code="3011")
    clinker = next(p for p in denominators(park=park, enterprise=cement, year=today.year - 1)["products"] if p["code"] == "P-CLK")
    assert Decimal("1000000") < clinker["quantity"] < Decimal("2200000")
    chp = denominators(park=park, enterprise=ents.get(industry_code="4412"), year=today.year - 1)
    assert chp["electricity_exported_mwh"] > 100_000 and chp["heat_exported_gj"] > 1_000_000
    # the current year: months so far, the last one waiting for review
    if today.month > 1:
        assert ProductionRecord.objects.filter(year=today.year, month=today.month - 1, status=S.SUBMITTED).exists()
        assert not ProductionRecord.objects.filter(year=today.year, month__gte=today.month).exists()
    # four-eyes in the demo too: nobody reviewed figures they entered
    assert not EconomicRecord.objects.filter(reviewed_by=F("entered_by")).exists()
    assert not ProductionRecord.objects.filter(reviewed_by=F("entered_by")).exists()


def test_output_page_enter_submit_review_and_approve(world):
    e1, clerk, reviewer = world.e1.enterprise, world.users["data_clerk"], world.users["reviewer"]
    steel = product(e1, "P1", "t")
    url = reverse("carbondata:output", args=[e1.pk]) + "?year=2025"
    page = _client(clerk).get(url)
    assert page.status_code == 200 and "P1" in page.content.decode()
    resp = _client(clerk).post(url, {"year": "2025", f"q_{steel.pk}_1": "1500", f"q_{steel.pk}_2": "-3", "action": "submit"})
    assert resp.status_code == 200 and "P1 02" in resp.content.decode()  # the refused cell named; nothing saved
    assert not ProductionRecord.objects.exists()
    resp = _client(clerk).post(url, {"year": "2025", f"q_{steel.pk}_1": "1500", f"q_{steel.pk}_2": "1400", "action": "submit"})
    assert resp.status_code == 302
    assert set(ProductionRecord.objects.values_list("status", flat=True)) == {S.SUBMITTED}
    queue = _client(reviewer).get(reverse("carbondata:output_review"))
    assert queue.status_code == 200 and "1500" in queue.content.decode()
    ids = list(ProductionRecord.objects.values_list("pk", flat=True))
    _client(reviewer).post(reverse("carbondata:output_review"), {"production": ids, "action": "approve"})
    assert set(ProductionRecord.objects.values_list("status", flat=True)) == {S.APPROVED}
    page = _client(clerk).get(url).content.decode()
    assert 'data-testid="total-P1">2,900<' in page  # with its thousands separator


def test_economic_entry_form_refuses_value_added_without_price_basis(world):
    e1, clerk = world.e1.enterprise, world.users["data_clerk"]
    url = reverse("carbondata:economic_create", args=[e1.pk])
    resp = _client(clerk).post(url, {"year": "2025", "value_added_10k_yuan": "1000"})
    assert resp.status_code == 200 and "价格口径" in resp.content.decode()  # the page speaks Chinese by default
    assert not EconomicRecord.objects.exists()
    resp = _client(clerk).post(url, {"year": "2025", "value_added_10k_yuan": "1000", "price_basis": "current"})
    assert resp.status_code == 302
    rec = EconomicRecord.objects.get()
    detail = _client(clerk).get(rec.get_absolute_url()).content.decode()
    assert "1000" in detail and reverse("carbondata:economic_action", args=[rec.pk, "submit"]) in detail


def test_record_page_offers_approve_only_to_another_reviewer(world):
    e1, clerk, reviewer = world.e1.enterprise, world.users["data_clerk"], world.users["reviewer"]
    rec = production(product(e1), 1, 10, user=clerk, status=S.SUBMITTED)
    rec.submitted_by = clerk
    rec.save()
    approve = reverse("carbondata:production_action", args=[rec.pk, "approve"])
    assert approve not in _client(clerk).get(rec.get_absolute_url()).content.decode()
    assert approve in _client(reviewer).get(rec.get_absolute_url()).content.decode()
    assert _client(clerk).post(approve).status_code == 403
    _client(reviewer).post(approve)
    rec.refresh_from_db()
    assert rec.status == S.APPROVED


def test_park_page_lists_enterprises_and_the_park_denominators(world):
    from .output_helpers import economic

    officer = world.users["park_carbon_officer"]
    economic(world.park_a, world.e1.enterprise, user=world.users["data_clerk"], value_added_10k_yuan=Decimal("321.5"))
    page = _client(officer).get(reverse("carbondata:park_output", args=[world.park_a.pk]) + "?year=2025")
    assert page.status_code == 200
    text = page.content.decode()
    assert world.e1.enterprise.name in text and world.e3.enterprise.name not in text and "321.5" in text
    resp = _client(officer).post(reverse("carbondata:park_economic_create", args=[world.park_a.pk]),
                                 {"year": "2025", "gdp_10k_yuan": "90000", "value_added_10k_yuan": "50000",
                                  "price_basis": "constant", "price_base_year": "2020"})
    assert resp.status_code == 302
    assert EconomicRecord.objects.get(enterprise__isnull=True).gdp_10k_yuan == Decimal("90000")
    # an enterprise's user does not see the park page
    assert _client(world.users["data_clerk"]).get(reverse("carbondata:park_output", args=[world.park_a.pk])).status_code == 404


def test_product_form_refuses_an_unknown_unit(world):
    resp = _client(world.users["data_clerk"]).post(reverse("carbondata:product_create", args=[world.e1.enterprise.pk]),
                                                   {"code": "X1", "name": "x", "kind": "product", "unit": "furlongs",
                                                    "active": "on"})
    assert resp.status_code == 200 and not Product.objects.exists()
