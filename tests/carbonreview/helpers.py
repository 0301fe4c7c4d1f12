"""Builders for the carbonreview tests: statements in force made directly (their figures are what the indicators read)."""
from __future__ import annotations

from carbonms.inventory.models import CalculationRun, InventoryStatement
from carbonms.management import services as ms
from carbonms.management.models import Appointment
from carbonms.management.system import System


def ent_system(world, org=None) -> System:
    org = org or world.e1
    return System(org.enterprise.park, org.enterprise)


def statement(world, *, year: int, gross: float, energy_tce: float = 1000.0, value_added=None, products=(), org=None,
              park_level: bool = False, status: str = "approved") -> InventoryStatement:
    org = org or world.e1
    ent = None if park_level else org.enterprise
    park = org.enterprise.park
    run = CalculationRun.objects.create(park=park, enterprise=ent, year=year, fuel_set="CN-industry-other-2015",
                                        run_by=world.users["park_carbon_officer"], totals={"gross": gross})
    den = {"year": year, "products": [{"code": c, "name": c, "unit": "t", "quantity": str(q)} for c, q in products],
           "value_added_10k_yuan": None if value_added is None else str(value_added)}
    return InventoryStatement.objects.create(
        park=park, enterprise=ent, year=year, run=run, gwp_set="SAR", status=status, drafted_by=world.users["park_carbon_officer"],
        totals={"gross": gross, "direct": gross * 0.8, "indirect_energy": gross * 0.2, "energy_tce": energy_tce,
                "by_category": {"stationary_combustion": gross * 0.8, "purchased_electricity": gross * 0.2}},
        coverage={"fraction": 1.0, "complete": True}, denominators=den)


def appoint(world, user, role, system=None):
    system = system or ent_system(world)
    return ms.register_save(actor=world.users["enterprise_admin"] if system.enterprise else world.users["park_admin"],
                            model=Appointment, park=system.park, enterprise=system.enterprise, data={"role": role, "person": user})
