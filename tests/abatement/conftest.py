"""Fixtures of the abatement tests: rows of the accounting core and statements in force."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

COAL = {"category": "stationary_combustion", "method": "fuel_combustion", "material": "烟煤", "unit": "t"}
POWER = {"category": "purchased_electricity", "method": "emission_factor", "material": "电力", "unit": "MWh"}


def opportunity_data(**over):
    data = {"code": "O-1", "title": "锅炉节能改造", "category": "efficiency", "stage": "process",
            "activity_before": [{**COAL, "amount": 1000}], "activity_after": [{**COAL, "amount": 900}],
            "gwp_set": "AR5", "factor_year": 2025, "capex": Decimal("500000"), "delta_opex": Decimal("-60000"),
            "lifetime_years": 10, "discount_rate_pct": Decimal("8")}
    return {**data, **over}


def action_data(world, **over):
    data = {"code": "A-1", "measure": "锅炉节能改造", "kind": "process_efficiency", "department": "能源部",
            "responsible": world.users["enterprise_admin"], "verification_method": "改造前后计量比较（IPMVP 方案 B）",
            "start_date": dt.date(2026, 1, 1), "end_date": dt.date(2026, 12, 31), "budget": Decimal("500000"),
            "activity_before": [{**COAL, "amount": 1000}], "activity_after": [{**COAL, "amount": 900}],
            "gwp_set": "AR5", "factor_year": 2025}
    return {**data, **over}


def make_statement(world, *, year, gross, enterprise=None, energy=100.0, value_added=None, by_enterprise=None,
                   energy_by_enterprise=None):
    """A statement in force with the given figures (made directly: the statement workflow has its own tests)."""
    from carbonms.inventory.models import CalculationRun, InventoryStatement

    user = world.users["park_carbon_officer"]
    run = CalculationRun.objects.create(park=world.park_a, enterprise=enterprise, year=year, fuel_set="x", run_by=user)
    totals = {"gross": gross, "net": gross, "energy_tce": energy}
    if by_enterprise is not None:
        totals.update(by_enterprise=by_enterprise, energy_tce_by_enterprise=energy_by_enterprise)
    return InventoryStatement.objects.create(
        park=world.park_a, enterprise=enterprise, year=year, run=run, gwp_set="AR5", status="approved", drafted_by=user,
        totals=totals, denominators={"value_added_10k_yuan": value_added} if value_added is not None else {})


@pytest.fixture
def statements(world):
    """Two years for E1, E2 and the park: E1 grows output and saves energy; E2 shrinks."""
    e1, e2 = world.e1.enterprise, world.e2.enterprise
    make_statement(world, year=2024, gross=1000.0, enterprise=e1, energy=400.0, value_added="5000")
    make_statement(world, year=2025, gross=1050.0, enterprise=e1, energy=380.0, value_added="5600")
    make_statement(world, year=2024, gross=500.0, enterprise=e2, energy=200.0, value_added="3000")
    make_statement(world, year=2025, gross=450.0, enterprise=e2, energy=190.0, value_added="2900")
    for year, g1, g2, t1, t2 in ((2024, 1000.0, 500.0, 400.0, 200.0), (2025, 1050.0, 450.0, 380.0, 190.0)):
        make_statement(world, year=year, gross=g1 + g2, energy=t1 + t2,
                       by_enterprise={str(e1.pk): g1, str(e2.pk): g2},
                       energy_by_enterprise={str(e1.pk): t1, str(e2.pk): t2})
    return world
