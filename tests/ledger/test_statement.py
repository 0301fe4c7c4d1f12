"""The asset statement (碳资产报表, T/CPQS 9.2.4 a)): roll-forward of 财会〔2019〕22号, book value at weighted-average
cost, market value at a chosen price, restricted lots, the compliance position and the budget; the page, the XLSX
and the API answer the same figures."""
from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from carbonms.accounts.roles import Role
from carbonms.ledger import selectors, services
from carbonms.ledger.statement import asset_statement

from .conftest import ccer_lot, cea, enter_approved

pytestmark = pytest.mark.django_db


@pytest.fixture
def book(world):
    """A covered enterprise: 2023 lot bought in 2024 (never carried over), 2025 free allocation, two purchases of 2025
    allowances at different prices, a sale at weighted-average cost, CCER with serials; one purchase pending."""
    clerk, reviewer = world.users[Role.DATA_CLERK], world.users[Role.REVIEWER]
    park, ent = world.park_a, world.e1.enterprise
    ent.carbon_market_covered = True
    ent.save()
    old, new = cea(clerk, park, ent, 2023), cea(clerk, park, ent, 2025)
    lot = ccer_lot(clerk, park, ent, "CN-CCER-2024-0009-", 1, 500)
    enter_approved(clerk, reviewer, park, ent, kind="purchase", instrument=old, date="2024-05-01", quantity_t=100,
                   price_yuan_per_t=90, counterparty="甲", trade_method="listed_agreement")
    enter_approved(clerk, reviewer, park, ent, kind="pre_allocation", instrument=new, date="2025-04-10", quantity_t=1000)
    enter_approved(clerk, reviewer, park, ent, kind="purchase", instrument=new, date="2025-05-01", quantity_t=200,
                   price_yuan_per_t=60, fees_yuan=100, counterparty="乙", trade_method="block_agreement")
    enter_approved(clerk, reviewer, park, ent, kind="purchase", instrument=new, date="2025-06-01", quantity_t=300,
                   price_yuan_per_t=80, counterparty="丙", trade_method="single_auction")
    enter_approved(clerk, reviewer, park, ent, kind="sale", instrument=new, date="2025-07-01", quantity_t=150,
                   price_yuan_per_t=85, counterparty="丁", trade_method="listed_agreement")
    enter_approved(clerk, reviewer, park, ent, kind="purchase", instrument=lot, date="2025-08-01", quantity_t=500,
                   price_yuan_per_t=70, counterparty="业主", trade_method="listing_selection",
                   serial_first="CN-CCER-2024-0009-000001", serial_last="CN-CCER-2024-0009-000500")
    services.movement_enter(actor=clerk, park=park, enterprise=ent, data={  # pending: not counted
        "kind": "purchase", "instrument": new, "date": "2025-09-01", "quantity_t": 999, "price_yuan_per_t": 1,
        "counterparty": "x", "trade_method": "other"})
    services.price_save(actor=world.users[Role.PARK_CARBON_OFFICER], park=park, data={
        "date": "2025-12-31", "product": "CEA", "close": "74.60", "source": "演示"})
    return world


def _statement(w, **kw):
    park, ent = w.park_a, w.e1.enterprise
    return asset_statement(park=park, enterprise=ent, year=2025, quotes=selectors.prices(w.users[Role.ENTERPRISE_ADMIN], park=park,
                                                                                          enterprise=ent), **kw)


def test_roll_forward_reconciles_quantities_and_book_value(book):
    st = _statement(book)
    rows = st["rows"]
    assert rows["opening"] == {"quantity_t": 100, "amount_yuan": Decimal("9000")}
    assert rows["free"]["quantity_t"] == 1000 and rows["free"]["amount_yuan"] == 0
    # purchases at cost with fees: 200 × 60 + 100, 300 × 80, 500 × 70
    assert rows["purchased"] == {"quantity_t": 1000, "amount_yuan": Decimal("12100") + Decimal("24000") + Decimal("35000")}
    # the sale releases the weighted-average cost of the 2025 pool: (12100 + 24000) / 1500 × 150
    assert rows["sold"]["quantity_t"] == 150 and rows["sold"]["amount_yuan"] == Decimal("3610")
    assert st["sales_gain_yuan"] == Decimal("150") * 85 - Decimal("3610")
    closing = rows["closing"]
    assert closing["quantity_t"] == 100 + 1000 + 1000 - 150
    assert closing["amount_yuan"] == Decimal("9000") + Decimal("71100") - Decimal("3610")
    assert st["reconciles"] and st["totals"]["quantity_t"] == closing["quantity_t"]
    assert st["totals"]["book_value_yuan"] == closing["amount_yuan"]
    assert st["pending"] == 1


def test_market_value_restricted_lots_and_chosen_price(book):
    st = _statement(book)
    lots = {(lot["instrument"].kind, lot["instrument"].vintage): lot for lot in st["lots"]}
    old = lots[("cea", 2023)]
    assert old["restricted"] and old["market_value_yuan"] == 0  # un-carried 2019–2024 allowances: not for 2025+
    new = lots[("cea", 2025)]
    assert new["price_yuan_per_t"] == Decimal("74.60") and new["market_value_yuan"] == Decimal("1350") * Decimal("74.60")
    assert new["unrealised_yuan"] == new["market_value_yuan"] - new["book_value_yuan"]
    assert lots[("ccer", 2024)]["market_value_yuan"] is None  # no CCER price in the table
    chosen = _statement(book, prices={"CCER": Decimal("80")}, on=dt.date(2025, 12, 31))
    ccer = next(lot for lot in chosen["lots"] if lot["instrument"].kind == "ccer")
    assert ccer["market_value_yuan"] == Decimal("40000")


def test_position_from_the_statement_of_record(book, monkeypatch):
    from carbonms.ledger import statement as module

    monkeypatch.setattr(module, "obligation_of", lambda park, ent, year: {
        "quantity_t": Decimal("4000"), "basis": "verified", "basis_label": "核查", "status": "verified", "estimate": False,
        "statement_id": 1})
    p = _statement(book)["position"]
    assert p["obligation_t"] == 4000 and p["ccer_cap_t"] == 200  # floor(5 % × 4000)
    assert p["ccer_headroom_t"] == 200 and p["ccer_used_t"] == 200
    assert p["allowances_eligible_t"] == 1350  # the 2023 lot is excluded
    assert p["shortfall_t"] == 4000 - 200 - 1350 and p["surplus_deficit_t"] == -(4000 - 200 - 1350)
    assert p["cost_to_close_yuan"] == pytest.approx(2450 * 74.60)
    assert p["budget"]["expected_cost_yuan"] == p["cost_to_close_yuan"]
    assert p["penalty"]["min_yuan"] == pytest.approx(5 * 74.60 * 2450)


def test_page_xlsx_and_api_show_the_statement(book):
    from openpyxl import load_workbook

    c = Client()
    c.force_login(book.users[Role.VIEWER])
    ent = book.e1.enterprise
    page = c.get(reverse("ledger:statement_ent", args=[ent.pk]), {"year": 2025})
    assert page.status_code == 200 and "reconciles" in page.content.decode()
    assert c.get(reverse("ledger:statement_ent", args=[ent.pk]), {"year": 2025, "price_cea": "abc"}).status_code == 400
    x = c.get(reverse("ledger:statement_xlsx_ent", args=[ent.pk]), {"year": 2025})
    wb = load_workbook(io.BytesIO(b"".join(x.streaming_content) if x.streaming else x.content))
    values = [row for row in wb.worksheets[1].iter_rows(values_only=True)]
    closing = next(r for r in values if r[0] and str(r[0]).startswith("4 "))
    assert closing[1] == 1950 and closing[2] == pytest.approx(76490)
    api = c.get(reverse("api:ledger-instrument-statement"), {"park": book.park_a.pk, "enterprise": ent.pk, "year": 2025}).json()
    assert api["rows"]["closing"] == {"quantity_t": "1950", "amount_yuan": "76490"} and api["reconciles"] is True
    # another park's enterprise: 404
    other = c.get(reverse("api:ledger-instrument-statement"), {"park": book.park_b.pk, "enterprise": book.e3.enterprise.pk})
    assert other.status_code == 404


def test_a_movement_entered_by_api_is_approved_by_another_user(book):
    ent, park = book.e1.enterprise, book.park_a
    inst = selectors.instruments(book.users[Role.DATA_CLERK], park=park, enterprise=ent).filter(kind="cea", vintage=2025).get()
    clerk, reviewer = Client(), Client()
    clerk.force_login(book.users[Role.DATA_CLERK])
    reviewer.force_login(book.users[Role.REVIEWER])
    r = clerk.post(reverse("api:ledger-movement-list"), {
        "park": park.pk, "enterprise": ent.pk, "kind": "purchase", "instrument": inst.pk, "date": "2025-10-01",
        "quantity_t": "10", "price_yuan_per_t": "70", "counterparty": "x", "trade_method": "other", "currency": "USD"},
        content_type="application/json")
    assert r.status_code == 400 and "currency" in r.json()
    r = clerk.post(reverse("api:ledger-movement-list"), {
        "park": park.pk, "enterprise": ent.pk, "kind": "purchase", "instrument": inst.pk, "date": "2025-10-01",
        "quantity_t": "10", "price_yuan_per_t": "70", "counterparty": "x", "trade_method": "other"},
        content_type="application/json")
    assert r.status_code == 201, r.content
    mid = r.json()["id"]
    url = reverse("api:ledger-movement-transition", args=[mid])
    assert clerk.post(url, {"step": "approve"}, content_type="application/json").status_code == 403
    assert reviewer.post(url, {"step": "approve"}, content_type="application/json").json()["status"] == "approved"
    # a foreign instrument id is refused
    foreign = cea(book.users[Role.PARK_CARBON_OFFICER], park, book.e2.enterprise, 2025)
    r = clerk.post(reverse("api:ledger-movement-list"), {
        "park": park.pk, "enterprise": ent.pk, "kind": "pre_allocation", "instrument": foreign.pk, "date": "2025-10-01",
        "quantity_t": "10"}, content_type="application/json")
    assert r.status_code == 400 and "instrument" in r.json()
