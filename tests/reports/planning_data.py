"""Small fixtures of the review and assessment report tests: statements of record made directly (their workflow has
its own tests), opportunities and scenarios through the abatement services, a target with its progress."""
from __future__ import annotations

from decimal import Decimal

from carbonms.inventory.models import CalculationRun, InventoryStatement


def make_statement(world, *, year: int, gross: float, enterprise=None, by_enterprise=None, value_added=None,
                   status: str = "approved") -> InventoryStatement:
    user = world.users["park_carbon_officer"]
    run = CalculationRun.objects.create(park=world.park_a, enterprise=enterprise, year=year, fuel_set="x", run_by=user)
    totals = {"gross": gross, "net": gross, "direct": gross * 0.7, "indirect_energy": gross * 0.3, "other_indirect": 0,
              "removals": 0, "energy_tce": gross / 4,
              "by_category": {"stationary_combustion": gross * 0.7, "purchased_electricity": gross * 0.3},
              "by_gas_co2e": {"CO2": gross}}
    if by_enterprise is not None:
        totals["by_enterprise"] = by_enterprise
    intensities = {}
    if value_added is not None:
        intensities["per_value_added"] = {"value": gross / value_added, "unit": "tCO2e/10^4 yuan"}
    return InventoryStatement.objects.create(
        park=world.park_a, enterprise=enterprise, year=year, run=run, gwp_set="AR5", status=status, drafted_by=user,
        totals=totals, coverage={"fraction": 1.0, "complete": True}, intensities=intensities,
        denominators={"value_added_10k_yuan": value_added} if value_added is not None else {})


def park_years(world) -> dict[int, InventoryStatement]:
    """The park's statements of 2024 and 2025 (E1 and E2 inside), and E1's own."""
    e1, e2 = world.e1.enterprise, world.e2.enterprise
    out = {}
    for year, g1, g2 in ((2024, 1000.0, 500.0), (2025, 1050.0, 400.0)):
        make_statement(world, year=year, gross=g1, enterprise=e1, value_added=5000 + year - 2024)
        out[year] = make_statement(world, year=year, gross=g1 + g2, by_enterprise={str(e1.pk): g1, str(e2.pk): g2},
                                   value_added=8000)
    return out


COAL = {"category": "stationary_combustion", "method": "fuel_combustion", "material": "烟煤", "unit": "t"}


def opportunity(world, code: str, title: str, *, after: int, capex: str, opex: str, enterprise=None):
    from carbonms.abatement import services

    return services.opportunity_save(actor=world.users["park_carbon_officer"], park=world.park_a, enterprise=enterprise,
                                     data={"code": code, "title": title, "category": "efficiency", "stage": "process",
                                           "activity_before": [{**COAL, "amount": 1000}],
                                           "activity_after": [{**COAL, "amount": after}], "gwp_set": "AR5",
                                           "factor_year": 2025, "capex": Decimal(capex), "delta_opex": Decimal(opex),
                                           "lifetime_years": 10, "discount_rate_pct": Decimal("8")})


def scenario(world, name: str, kind: str, growth: str, intensity: str):
    from carbonms.abatement import services

    return services.scenario_save(actor=world.users["park_carbon_officer"], park=world.park_a, data={
        "name": name, "kind": kind, "horizon": 2060, "growth_pct": Decimal(growth),
        "intensity_change_pct": Decimal(intensity), "uncertainty_pp": Decimal("1"), "include_action_plans": False})


def off_track_target(world, statement):
    from carbonms.performance.models import Target, TargetProgress

    t = Target.objects.create(park=world.park_a, code="P-1", title="园区2030年排放下降", gwp_set="AR5", base_year=2024,
                              base_value=Decimal("1500"), start_year=2025, target_year=2030,
                              target_value=Decimal("1200"), status="published",
                              milestones={"2025": 1400, "2030": 1200})
    TargetProgress.objects.create(target=t, year=2025, actual=Decimal("1500"), expected=Decimal("1400"),
                                  progress_pct=Decimal("0"), status="off_track", statement=statement,
                                  emissions=Decimal("1500"))
    return t
