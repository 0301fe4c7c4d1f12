"""Fixtures of the compliance tests: a covered enterprise E1 of the shared world with a verified 2025 statement
(direct 10 000 t), and helpers that put units in its ledger through the ledger's services (maker-checker)."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from carbonms.ledger import services as ledger

YEAR = 2025


def statement(w, org, *, status="verified", basis="management", direct=10000.0, gross=12000.0, year=YEAR):
    from carbonms.inventory.models import CalculationRun, InventoryStatement

    run = CalculationRun.objects.create(park=org.enterprise.park, enterprise=org.enterprise, year=year, fuel_set="CN-industry-other-2015",
                                        run_by=w.users["park_carbon_officer"], totals={"gross": gross})
    return InventoryStatement.objects.create(
        park=org.enterprise.park, enterprise=org.enterprise, year=year, run=run, gwp_set="AR5", status=status, basis=basis,
        drafted_by=w.users["park_carbon_officer"], totals={"gross": gross, "direct": direct, "by_gas": {"CO2": gross - 100},
                                                            "by_category": {"stationary_combustion": direct, "purchased_electricity": gross - direct}},
        coverage={"fraction": 1.0, "complete": True})


def lot(w, org, **data):
    return ledger.instrument_save(actor=w.users["enterprise_admin"], park=org.enterprise.park, enterprise=org.enterprise, data=data)


def move(w, org, **data):
    m = ledger.movement_enter(actor=w.users["enterprise_admin"], park=org.enterprise.park, enterprise=org.enterprise, data=data)
    return ledger.movement_approve(actor=w.users["reviewer"], movement=m)


@pytest.fixture
def covered(world):
    """E1 covered, with a verified 2025 statement (obligation 10 000 t: direct emissions), free 2025 allowances 9 000 t,
    un-carried 2024 allowances 300 t, eligible CCER 800 t (cap 500 t) and CCER registered before 2024-01-22."""
    w, org = world, world.e1
    ent = org.enterprise
    ent.carbon_market_covered = True
    ent.industry_code = "3120"
    ent.save()
    statement(w, org)
    cea = lot(w, org, kind="cea", vintage=YEAR)
    move(w, org, instrument=cea, kind="final_allocation", date=dt.date(2026, 9, 30), quantity_t=Decimal(9000))
    old = lot(w, org, kind="cea", vintage=2024)
    move(w, org, instrument=old, kind="final_allocation", date=dt.date(2025, 9, 30), quantity_t=Decimal(300))
    ccer = lot(w, org, kind="ccer", vintage=2024, project_id="P-1", methodology="CCER-14-001-V01", registered_on=dt.date(2024, 6, 1),
               serial_first="CN-A-000001", serial_last="CN-A-000800")
    move(w, org, instrument=ccer, kind="purchase", date=dt.date(2026, 2, 1), quantity_t=Decimal(800), price_yuan_per_t=Decimal(70),
         counterparty="X", trade_method="listing_selection", serial_first="CN-A-000001", serial_last="CN-A-000800")
    legacy = lot(w, org, kind="ccer", vintage=2023, project_id="P-0", methodology="CMS-002-V01", registered_on=dt.date(2023, 5, 1),
                 serial_first="CN-B-000001", serial_last="CN-B-000100")
    move(w, org, instrument=legacy, kind="purchase", date=dt.date(2025, 2, 1), quantity_t=Decimal(100), price_yuan_per_t=Decimal(60),
         counterparty="Y", trade_method="block_agreement", serial_first="CN-B-000001", serial_last="CN-B-000100")
    return {"w": w, "org": org, "ent": ent, "cea": cea, "old": old, "ccer": ccer, "legacy": legacy}
