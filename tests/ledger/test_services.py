"""The carbon-asset ledger: maker-checker, holdings from movements, units used once, prices (issue 13 items 1–2)."""
from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from carbonms.accounts.roles import Role
from carbonms.ledger import selectors, services
from carbonms.ledger.models import Movement, PriceQuote
from tests.factories import RoleAssignmentFactory, UserFactory

from .conftest import ccer_lot, cea, enter_approved

pytestmark = pytest.mark.django_db


def test_purchase_is_entered_by_one_and_approved_by_another(world):
    clerk, reviewer = world.users[Role.DATA_CLERK], world.users[Role.REVIEWER]
    park, ent = world.park_a, world.e1.enterprise
    inst = cea(clerk, park, ent, 2025)
    m = services.movement_enter(actor=clerk, park=park, enterprise=ent, data={
        "kind": "purchase", "instrument": inst, "date": "2025-03-01", "quantity_t": "1000", "price_yuan_per_t": "80.00",
        "fees_yuan": "120", "counterparty": "某交易方", "trade_method": "listed_agreement"})
    assert m.status == Movement.Status.ENTERED and m.amount_yuan == Decimal("80000.00")
    assert selectors.holdings(park=park, enterprise=ent) == []  # not counted before approval
    with pytest.raises(ValidationError) as exc:  # the maker may not check
        _approve_as(clerk, m)
    assert "status" in exc.value.message_dict or exc.value.messages
    services.movement_approve(actor=reviewer, movement=m)
    [h] = selectors.holdings(park=park, enterprise=ent)
    assert h["quantity_t"] == 1000 and h["book_value_yuan"] == Decimal("80120.00")


def _approve_as(user, m):
    # the clerk has no assets.approve at all: the workflow answers 403; an enterprise admin (who has it) gets the
    # four-eyes refusal, tested below
    try:
        return services.movement_approve(actor=user, movement=m)
    except PermissionDenied:
        raise ValidationError({"status": "no permission"})


def test_the_person_who_entered_a_trade_may_not_approve_it(world):
    admin = world.users[Role.ENTERPRISE_ADMIN]
    park, ent = world.park_a, world.e1.enterprise
    inst = cea(admin, park, ent, 2025)
    m = services.movement_enter(actor=admin, park=park, enterprise=ent, data={
        "kind": "pre_allocation", "instrument": inst, "date": "2025-06-30", "quantity_t": 500})
    with pytest.raises(ValidationError) as exc:
        services.movement_approve(actor=admin, movement=m)
    assert "somebody else" in " ".join(exc.value.messages) or "其他人" in " ".join(exc.value.messages)
    m.refresh_from_db()
    assert m.status == Movement.Status.ENTERED


def test_a_sale_of_more_than_is_held_is_refused_and_nothing_is_written(world):
    clerk, reviewer = world.users[Role.DATA_CLERK], world.users[Role.REVIEWER]
    park, ent = world.park_a, world.e1.enterprise
    inst = cea(clerk, park, ent, 2025)
    enter_approved(clerk, reviewer, park, ent, kind="pre_allocation", instrument=inst, date="2025-06-30", quantity_t=300)
    before = Movement.objects.count()
    with pytest.raises(ValidationError) as exc:
        services.movement_enter(actor=clerk, park=park, enterprise=ent, data={
            "kind": "sale", "instrument": inst, "date": "2025-07-01", "quantity_t": 500, "price_yuan_per_t": 90,
            "counterparty": "X", "trade_method": "block_agreement"})
    assert "quantity_t" in exc.value.message_dict and "300" in exc.value.message_dict["quantity_t"][0]
    assert Movement.objects.count() == before
    # a surrender dated before the allocation is refused too (holdings on the movement's date)
    with pytest.raises(ValidationError) as exc:
        services.movement_enter(actor=clerk, park=park, enterprise=ent, data={
            "kind": "surrender", "instrument": inst, "date": "2025-01-01", "quantity_t": 100, "compliance_year": 2024})
    assert "quantity_t" in exc.value.message_dict


def test_a_serial_range_is_used_once_across_entities_and_the_park(world):
    clerk, reviewer = world.users[Role.DATA_CLERK], world.users[Role.REVIEWER]
    officer, park_reviewer = world.users[Role.PARK_CARBON_OFFICER], world.users["park_reviewer"]
    park, ent = world.park_a, world.e1.enterprise
    lot = ccer_lot(clerk, park, ent, "CN-CCER-2024-0001-", 1, 1000)
    enter_approved(clerk, reviewer, park, ent, kind="purchase", instrument=lot, date="2025-02-01", quantity_t=1000,
                   price_yuan_per_t=70, counterparty="项目业主", trade_method="listing_selection",
                   serial_first="CN-CCER-2024-0001-000001", serial_last="CN-CCER-2024-0001-001000")
    enter_approved(clerk, reviewer, park, ent, kind="cancellation", instrument=lot, date="2025-12-01", quantity_t=100,
                   claim_year=2025, certificate_no="ZX-1", serial_first="CN-CCER-2024-0001-000001",
                   serial_last="CN-CCER-2024-0001-000100")
    with pytest.raises(ValidationError) as exc:
        services.movement_enter(actor=clerk, park=park, enterprise=ent, data={
            "kind": "surrender", "instrument": lot, "date": "2026-03-01", "quantity_t": 11, "compliance_year": 2025,
            "serial_first": "CN-CCER-2024-0001-000090", "serial_last": "CN-CCER-2024-0001-000100"})
    msg = exc.value.message_dict["serial_first"][0]
    assert "000090" in msg and "000001" in msg and ent.name in msg  # names both uses
    # the park itself cannot record a lot over retired units, nor use them
    with pytest.raises(ValidationError) as exc:
        ccer_lot(officer, park, None, "CN-CCER-2024-0001-", 50, 60)
    assert "serial_first" in exc.value.message_dict
    # the direct check (what the compliance app calls) refuses too, whoever asks
    with pytest.raises(ValidationError):
        services.serial_use_check(park=park, enterprise=None, kind="cancellation", date=dt.date(2026, 1, 1),
                                  serial_first="CN-CCER-2024-0001-000100", serial_last="CN-CCER-2024-0001-000100")
    # the next units are free
    rng = services.serial_use_check(park=park, enterprise=ent, kind="surrender", date=dt.date(2026, 1, 1),
                                    serial_first="CN-CCER-2024-0001-000101", serial_last="CN-CCER-2024-0001-000200")
    assert (rng.first, rng.last) == (101, 200)
    assert park_reviewer  # park staff exist for the other tests


def test_serials_must_match_the_quantity_and_the_lot(world):
    clerk = world.users[Role.DATA_CLERK]
    park, ent = world.park_a, world.e1.enterprise
    lot = ccer_lot(clerk, park, ent, "CN-CCER-2024-0002-", 1, 100)
    with pytest.raises(ValidationError) as exc:
        services.movement_enter(actor=clerk, park=park, enterprise=ent, data={
            "kind": "purchase", "instrument": lot, "date": "2025-02-01", "quantity_t": 100, "price_yuan_per_t": 70,
            "counterparty": "x", "trade_method": "other", "serial_first": "CN-CCER-2024-0002-000001",
            "serial_last": "CN-CCER-2024-0002-000050"})
    assert "quantity_t" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        services.movement_enter(actor=clerk, park=park, enterprise=ent, data={
            "kind": "purchase", "instrument": lot, "date": "2025-02-01", "quantity_t": 100, "price_yuan_per_t": 70,
            "counterparty": "x", "trade_method": "other", "serial_first": "CN-CCER-2024-0002-000201",
            "serial_last": "CN-CCER-2024-0002-000300"})
    assert "serial_first" in exc.value.message_dict


def test_a_price_in_another_currency_or_unit_is_refused(world):
    clerk = world.users[Role.DATA_CLERK]
    park, ent = world.park_a, world.e1.enterprise
    inst = cea(clerk, park, ent, 2025)
    with pytest.raises(ValidationError) as exc:
        services.movement_enter(actor=clerk, park=park, enterprise=ent, data={
            "kind": "purchase", "instrument": inst, "date": "2025-03-01", "quantity_t": 10, "price_yuan_per_t": 10,
            "currency": "USD", "counterparty": "x", "trade_method": "other"})
    assert "currency" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        services.price_save(actor=clerk, park=park, enterprise=ent, data={
            "date": "2025-03-01", "product": "CEA", "close": 70, "currency": "EUR", "source": "x"})
    assert "currency" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        services.price_save(actor=clerk, park=park, enterprise=ent, data={
            "date": "2025-03-01", "product": "CEA", "close": 70, "unit": "MWh", "source": "x"})
    assert "unit" in exc.value.message_dict
    q = services.price_save(actor=clerk, park=park, enterprise=ent, data={
        "date": "2025-03-01", "product": "cea", "close": 70, "currency": "元", "unit": "元/吨", "source": "交易所收盘价"})
    assert (q.product, q.currency, q.unit) == ("CEA", "CNY", "tCO2")


def test_price_import_is_atomic_with_errors_by_row_and_field(world):
    officer = world.users[Role.PARK_CARBON_OFFICER]
    park = world.park_a
    bad = io.BytesIO("date,product,close,currency,source\n2025-12-31,CEA,74.63,CNY,演示\n2025-13-01,CEA,70,CNY,演示\n"
                     "2025-12-30,CCER,70,USD,演示\n".encode())
    bad.name = "p.csv"
    with pytest.raises(ValidationError) as exc:
        services.price_import(actor=officer, park=park, file=bad)
    errors = exc.value.message_dict["file"]
    assert any("3" in e and "date" in e for e in errors) and any("4" in e and "currency" in e for e in errors)
    assert PriceQuote.objects.count() == 0
    from openpyxl import Workbook

    wb = Workbook()
    wb.active.append(["日期", "品种", "开盘价", "最高价", "最低价", "收盘价", "成交量", "来源"])
    wb.active.append([dt.date(2025, 12, 31), "CEA", 74, 75.5, 73, 74.63, 100000, "演示数据"])
    buf = io.BytesIO()
    wb.save(buf)
    buf.seek(0)
    buf.name = "p.xlsx"
    [q] = services.price_import(actor=officer, park=park, file=buf)
    assert q.close == Decimal("74.63") and q.enterprise is None and q.volume_t == 100000


def test_another_enterprise_cannot_write_into_this_ledger(world):
    clerk, reviewer = world.users[Role.DATA_CLERK], world.users[Role.REVIEWER]
    park, ent, other = world.park_a, world.e1.enterprise, world.e2.enterprise
    with pytest.raises(PermissionDenied):
        services.account_save(actor=clerk, park=park, enterprise=other, data={
            "kind": "registry", "institution": "x", "number": "1"})
    inst_other = cea(world.users[Role.PARK_CARBON_OFFICER], park, other, 2025)
    with pytest.raises(ValidationError) as exc:  # an instrument of another holder
        services.movement_enter(actor=clerk, park=park, enterprise=ent, data={
            "kind": "pre_allocation", "instrument": inst_other, "date": "2025-06-30", "quantity_t": 5})
    assert "instrument" in exc.value.message_dict
    m = services.movement_enter(actor=world.users[Role.PARK_CARBON_OFFICER], park=park, enterprise=other, data={
        "kind": "pre_allocation", "instrument": inst_other, "date": "2025-06-30", "quantity_t": 5})
    with pytest.raises(PermissionDenied):  # a reviewer of E1 may not approve E2's movement
        services.movement_approve(actor=reviewer, movement=m)
    u = UserFactory(username="rev_b")
    RoleAssignmentFactory(user=u, role=Role.REVIEWER, park=world.park_b)
    with pytest.raises(PermissionDenied):
        services.movement_approve(actor=u, movement=m)


def test_carry_over_keeps_cost_and_moves_units(world):
    clerk, reviewer = world.users[Role.DATA_CLERK], world.users[Role.REVIEWER]
    park, ent = world.park_a, world.e1.enterprise
    old, new = cea(clerk, park, ent, 2023), cea(clerk, park, ent, 2025)
    enter_approved(clerk, reviewer, park, ent, kind="purchase", instrument=old, date="2024-03-01", quantity_t=100,
                   price_yuan_per_t=80, counterparty="x", trade_method="other")
    enter_approved(clerk, reviewer, park, ent, kind="carry_over", instrument=old, to_instrument=new, date="2026-05-01",
                   quantity_t=60)
    hold = {h["instrument"].vintage: h for h in selectors.holdings(park=park, enterprise=ent)}
    assert hold[2023]["quantity_t"] == 40 and hold[2025]["quantity_t"] == 60
    assert hold[2025]["book_value_yuan"] == Decimal("4800")
