"""Trend and pathways from the statements in force: LMDI-I decomposition, scenarios with action plans, peak and
net-zero year, target milestones (issue 12 item 7)."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from carbonms.abatement import selectors, services
from carbonms.management.system import System
from carbonms.planning import scenarios

from .conftest import action_data


def test_history_and_lmdi_of_the_park_and_an_enterprise(statements):
    w = statements
    park = System(w.park_a, None)
    assert selectors.history(park) == {2024: 1500.0, 2025: 1500.0}
    d = selectors.decomposition(park, 2024, 2025)
    assert d["sectors"] == 2 and d["left_out"] == []
    eff = d["effects"]
    # LMDI-I is exact: the four effects add up to the change
    assert eff["activity"] + eff["structure"] + eff["energy_intensity"] + eff["carbon_intensity"] == pytest.approx(0.0, abs=1e-9)
    assert eff["activity"] > 0 and eff["energy_intensity"] < 0  # output grew, energy per output fell
    ent = selectors.decomposition(System(w.park_a, w.e1.enterprise), 2024, 2025)
    assert ent["effects"]["structure"] == 0.0 and ent["effects"]["total"] == pytest.approx(50.0)
    assert selectors.decomposition(park, 2023, 2025)["error"] == "no_statement"


def test_a_sector_without_value_added_is_left_out_and_named(statements):
    from carbonms.inventory.models import InventoryStatement

    w = statements
    InventoryStatement.objects.filter(enterprise=w.e2.enterprise, year=2025).update(denominators={})
    d = selectors.decomposition(System(w.park_a, None), 2024, 2025)
    assert d["sectors"] == 1 and [x["name"] for x in d["left_out"]] == [w.e2.enterprise.name]


def test_pathway_counts_action_plans_from_their_completion_year(statements):
    w = statements
    officer = w.users["park_carbon_officer"]
    line = services.action_save(actor=officer, park=w.park_a, data=action_data(
        w, responsible=officer, end_date=dt.date(2027, 6, 30)))
    base = {"horizon": 2035, "growth_pct": Decimal("2"), "intensity_change_pct": Decimal("-1"), "uncertainty_pp": Decimal("1")}
    services.scenario_save(actor=officer, park=w.park_a, data={**base, "name": "BAU", "kind": "bau", "include_action_plans": False})
    services.scenario_save(actor=officer, park=w.park_a, data={**base, "name": "Policy", "kind": "policy",
                                                                "include_action_plans": True, "sinks": {"2030": 2000}})
    data = selectors.pathway(officer, System(w.park_a, None))
    assert data["plans"] == {2027: float(line.annual_reduction_t)}
    by = {r["scenario"].name: r for r in data["scenarios"]}
    expected = scenarios({"history": {2024: 1500.0, 2025: 1500.0}, "horizon": 2035, "uncertainty_pp": 1.0, "scenarios": [
        {"name": "Policy", "growth_pct": 2, "intensity_change_pct": -1, "reductions": {2027: float(line.annual_reduction_t)},
         "sinks": {2030: 2000}}]})["scenarios"][0]
    assert by["Policy"]["years"] == expected["years"]
    assert by["Policy"]["years"]["2027"]["gross"] == pytest.approx(by["BAU"]["years"]["2027"]["gross"] - float(line.annual_reduction_t))
    assert by["Policy"]["neutrality_year"] == 2030  # the sinks exceed the gross from 2030
    assert by["BAU"]["peak"]["reached"] is False and by["BAU"]["peak"]["year"] == 2035
    assert by["Policy"]["years"]["2030"]["low"] < by["Policy"]["years"]["2030"]["gross"] < by["Policy"]["years"]["2030"]["high"]
    # an enterprise sees only its own history, and not the park's scenarios
    ent = selectors.pathway(w.users["enterprise_admin"], System(w.park_a, w.e1.enterprise))
    assert ent["history"] == {2024: 1000.0, 2025: 1050.0} and ent["scenarios"] == []


def test_pathway_chart_has_history_scenarios_band_targets_and_peak(statements):
    from carbonms.performance.models import Target

    w = statements
    officer = w.users["park_carbon_officer"]
    Target.objects.create(park=w.park_a, code="P-1", title="园区目标", gwp_set="AR5", base_year=2024, base_value=Decimal("1500"),
                          start_year=2025, target_year=2030, target_value=Decimal("1200"), status="published",
                          milestones={"2024": 1500, "2027": 1350, "2030": 1200})
    services.scenario_save(actor=officer, park=w.park_a, data={"name": "BAU", "kind": "bau", "horizon": 2030,
                                                                "growth_pct": Decimal("2"), "intensity_change_pct": Decimal("-4")})
    data = selectors.pathway(officer, System(w.park_a, None))
    assert data["targets"][0]["milestones"][2030] == 1200.0
    chart = selectors.pathway_chart(data, {"history": "H", "peak": "Peak", "target": "T"})
    names = [s["name"] for s in chart["series"]]
    assert names[0] == "H" and "BAU" in names and "T P-1" in names and names.count("BAU ±") == 2
    bau = chart["series"][names.index("BAU")]
    assert bau["markPoint"]["data"][0]["coord"][0] == str(data["scenarios"][0]["peak"]["year"])
    assert chart["xAxis"]["data"][0] == "2024" and chart["xAxis"]["data"][-1] == "2030"
