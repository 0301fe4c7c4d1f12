"""A park with two enterprises, statements of record for 2024 and 2025, appointed top management."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from carbonms.inventory.models import CalculationRun, InventoryStatement
from carbonms.management.models import Appointment
from carbonms.performance import services
from carbonms.performance.models import CountingBasis
from tests.factories import RoleAssignmentFactory, UserFactory

CATS = ["stationary_combustion", "purchased_electricity"]


def make_statement(world, year, by_category, *, enterprise=None, by_enterprise=None, denominators=None, gwp="SAR"):
    user = world.users["park_carbon_officer"]
    run = CalculationRun.objects.create(park=world.park_a, enterprise=enterprise, year=year, gwp_set=gwp, fuel_set="default",
                                        run_by=user, totals={"by_category": by_category})
    gross = sum(by_category.values())
    totals = {"by_category": by_category, "gross": gross, "energy_tce": gross / 2}
    if by_enterprise is not None:
        totals["by_enterprise"] = {str(k): v for k, v in by_enterprise.items()}
    return InventoryStatement.objects.create(park=world.park_a, enterprise=enterprise, year=year, run=run, gwp_set=gwp,
                                             status="approved", totals=totals, denominators=denominators or {},
                                             drafted_by=user, approved_by=world.users["reviewer"])


@pytest.fixture
def park(world):
    """Statements: park 2024 = 1000 t (E1 600 counted, E2 400); park 2025 = 950 t; E1's own 2024 = 650 t (it buys
    50 t of in-park electricity), 2025 = 640 t. Top management: ``park_top`` for the park, ``ent_top`` for E1."""
    w = world
    e1, e2 = w.e1.enterprise, w.e2.enterprise
    w.st = {
        "park24": make_statement(w, 2024, {"stationary_combustion": 700.0, "purchased_electricity": 300.0},
                                 by_enterprise={e1.pk: 600.0, e2.pk: 400.0}, denominators={"value_added_10k_yuan": "500"}),
        "park25": make_statement(w, 2025, {"stationary_combustion": 690.0, "purchased_electricity": 260.0},
                                 by_enterprise={e1.pk: 580.0, e2.pk: 370.0}, denominators={"value_added_10k_yuan": "560"}),
        "e1_24": make_statement(w, 2024, {"stationary_combustion": 400.0, "purchased_electricity": 250.0}, enterprise=e1),
        "e1_25": make_statement(w, 2025, {"stationary_combustion": 400.0, "purchased_electricity": 240.0}, enterprise=e1),
    }
    w.park_top = UserFactory(username="park_top")
    RoleAssignmentFactory(user=w.park_top, role="reviewer", park=w.park_a)
    Appointment.objects.create(park=w.park_a, enterprise=None, person=w.park_top, role="top_management")
    w.ent_top = UserFactory(username="ent_top")
    RoleAssignmentFactory(user=w.ent_top, role="enterprise_admin", park=w.park_a, enterprise=e1)
    Appointment.objects.create(park=w.park_a, enterprise=e1, person=w.ent_top, role="top_management")
    return w


def park_baseline(w, **over):
    data = {"name": "园区基准", "period_start": dt.date(2024, 1, 1), "period_end": dt.date(2024, 12, 31), "value": Decimal("1000"),
            "categories": CATS, "gwp_set": "SAR", "counting_basis": CountingBasis.PARK_TOTAL, "statement": w.st["park24"]}
    data.update(over)
    b = services.baseline_save(actor=w.users["park_carbon_officer"], park=w.park_a, data=data)
    return services.baseline_approve(actor=w.users["park_reviewer"], baseline=b)


def enterprise_baseline(w, ent, value, **over):
    data = {"name": f"基准 {ent.pk}", "period_start": dt.date(2024, 1, 1), "period_end": dt.date(2024, 12, 31),
            "value": Decimal(str(value)), "categories": CATS, "gwp_set": "SAR", "counting_basis": CountingBasis.PARK_COUNTED,
            "statement": w.st["park24"]}
    data.update(over)
    b = services.baseline_save(actor=w.users["park_carbon_officer"], park=w.park_a, enterprise=ent, data=data)
    return services.baseline_approve(actor=w.users["park_reviewer"], baseline=b)


def published_park_target(w, baseline=None, **over):
    baseline = baseline or park_baseline(w)
    data = {"code": "P1", "title": "园区2030年下降20%", "categories": CATS, "gwp_set": "SAR",
            "counting_basis": CountingBasis.PARK_TOTAL, "baseline": baseline, "target_year": 2030, "method": "reduction_pct",
            "reduction_pct": Decimal("20"), "reserve": Decimal("40")}
    data.update(over)
    t = services.target_save(actor=w.users["park_carbon_officer"], park=w.park_a, data=data)
    services.target_step(actor=w.users["park_reviewer"], target=t, step="review")
    services.target_step(actor=w.park_top, target=t, step="approve")
    return services.target_publish(actor=w.users["park_carbon_officer"], target=t, published_to="公告栏")
