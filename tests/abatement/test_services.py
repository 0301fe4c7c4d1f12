"""Opportunities, action-plan lines and scenarios: computed with the accounting core and the planning core, bad
input refused by field with nothing written, and the tenancy on every write (issue 12 items 3, 6, 7)."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from carbonms.abatement import services
from carbonms.abatement.models import ActionLine, Opportunity, Scenario
from carbonms.accounting import calculate
from carbonms.planning import macc

from .conftest import COAL, POWER, action_data, opportunity_data


def _core_net(rows, year=2025):
    return calculate([{**r, "entity": "x", "period": str(year), "source": f"s{i}", "year": year} for i, r in enumerate(rows)],
                     gwp_set="AR5").totals["net"]


def test_opportunity_abatement_comes_from_the_accounting_core_and_cost_from_macc(world):
    o = services.opportunity_save(actor=world.users["enterprise_admin"], data=opportunity_data(), park=world.park_a,
                                  enterprise=world.e1.enterprise)
    expected = _core_net([{**COAL, "amount": 1000}]) - _core_net([{**COAL, "amount": 900}])
    assert float(o.annual_reduction_t) == pytest.approx(expected, abs=1e-3)
    assert expected > 150  # 100 t of bituminous coal ≈ 174 tCO2
    assert o.estimate["engine"] == "carbonms.accounting.calculate"
    assert o.estimate["factors"] == ["fuel/CN-industry-other-2015/烟煤@1"]
    crf = macc.crf(Decimal("0.08"), 10)
    assert o.crf == crf.quantize(Decimal("0.00000001"))
    cost = (crf * Decimal("500000") + Decimal("-60000")) / o.annual_reduction_t
    assert o.cost_per_t == cost.quantize(Decimal("0.01"))
    assert o.payback_years == Decimal("8.33")


def test_electricity_uses_the_latest_published_grid_factor(world):
    o = services.opportunity_save(actor=world.users["enterprise_admin"], park=world.park_a, enterprise=world.e1.enterprise,
                                  data=opportunity_data(activity_before=[{**POWER, "amount": 1000}],
                                                        activity_after=[{**POWER, "amount": 600}], factor_year=2025))
    from carbonms.inventory.services import grid_year

    gy = grid_year(2025)
    expected = _core_net([{**POWER, "amount": 400}], year=gy)
    assert float(o.annual_reduction_t) == pytest.approx(expected, abs=1e-3)
    assert any(f.startswith("grid/") for f in o.estimate["factors"])


def test_no_reduction_and_unknown_material_are_refused_by_field_and_nothing_is_written(world):
    actor = world.users["enterprise_admin"]
    with pytest.raises(ValidationError) as exc:
        services.opportunity_save(actor=actor, park=world.park_a, enterprise=world.e1.enterprise,
                                  data=opportunity_data(activity_after=[{**COAL, "amount": 1200}]))
    assert "不构成减排" in " ".join(exc.value.message_dict["activity_after"])
    with pytest.raises(ValidationError) as exc:
        services.opportunity_save(actor=actor, park=world.park_a, enterprise=world.e1.enterprise,
                                  data=opportunity_data(activity_before=[{**COAL, "material": "不存在的燃料", "amount": 5}],
                                                        lifetime_years=0))
    errors = exc.value.message_dict
    assert "不存在的燃料" in " ".join(errors["activity_before"]) and "lifetime_years" in errors
    with pytest.raises(ValidationError) as exc:
        services.opportunity_save(actor=actor, park=world.park_a, enterprise=world.e1.enterprise,
                                  data=opportunity_data(activity_before=[{"category": "stationary_combustion"}]))
    assert "material" in " ".join(exc.value.message_dict["activity_before"])
    assert not Opportunity.objects.exists()


def test_writes_hold_to_the_tenancy(world):
    from tests.carbondata.factories import SourceFactory

    other_source = SourceFactory(enterprise=world.e2.enterprise, code="X1")
    with pytest.raises(ValidationError) as exc:
        services.opportunity_save(actor=world.users["enterprise_admin"], park=world.park_a, enterprise=world.e1.enterprise,
                                  data=opportunity_data(sources=[other_source]))
    assert "sources" in exc.value.message_dict
    with pytest.raises(PermissionDenied):  # E1's administrator on E2
        services.opportunity_save(actor=world.users["enterprise_admin"], park=world.park_a, enterprise=world.e2.enterprise,
                                  data=opportunity_data())
    with pytest.raises(PermissionDenied):  # a viewer writes nothing
        services.opportunity_save(actor=world.users["viewer"], park=world.park_a, enterprise=world.e1.enterprise,
                                  data=opportunity_data())
    with pytest.raises(PermissionDenied):  # an enterprise user may not write the park's register
        services.opportunity_save(actor=world.users["enterprise_admin"], park=world.park_a, data=opportunity_data())
    o = services.opportunity_save(actor=world.users["park_carbon_officer"], park=world.park_a, data=opportunity_data())
    with pytest.raises(PermissionDenied):
        services.opportunity_save(actor=world.users["enterprise_admin"], instance=o, data={"title": "x"})
    assert Opportunity.objects.count() == 1


def test_plan_line_without_responsible_person_or_verification_method_is_refused(world):
    with pytest.raises(ValidationError) as exc:
        services.action_save(actor=world.users["enterprise_admin"], park=world.park_a, enterprise=world.e1.enterprise,
                             data=action_data(world, responsible=None, verification_method="  "))
    errors = exc.value.message_dict
    assert "负责人" in " ".join(errors["responsible"])
    assert "验证方法" in " ".join(errors["verification_method"])
    assert not ActionLine.objects.exists()


def test_plan_line_expected_reduction_dates_and_verification(world):
    actor = world.users["enterprise_admin"]
    line = services.action_save(actor=actor, park=world.park_a, enterprise=world.e1.enterprise, data=action_data(world))
    assert float(line.annual_reduction_t) == pytest.approx(_core_net([{**COAL, "amount": 100}]), abs=1e-3)
    with pytest.raises(ValidationError) as exc:
        services.action_save(actor=actor, instance=line, data={"end_date": dt.date(2025, 1, 1)})
    assert "end_date" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:  # verified before it is completed
        services.action_save(actor=actor, instance=line, data={"verified_reduction_t": Decimal("150"),
                                                               "verified_on": dt.date(2027, 3, 1)})
    assert "完成后" in " ".join(exc.value.message_dict["verified_reduction_t"])
    line.refresh_from_db()
    assert line.verified_reduction_t is None and line.end_date == dt.date(2026, 12, 31)
    line = services.action_save(actor=actor, instance=line, data={"status": "verified", "verified_reduction_t": Decimal("150"),
                                                                  "verified_on": dt.date(2027, 3, 1)})
    assert line.status == "verified"


def test_plan_line_target_must_be_of_the_same_entity(world):
    from carbonms.performance.models import Target

    park_target = Target.objects.create(park=world.park_a, code="P-1", title="园区目标", gwp_set="AR5", base_year=2024,
                                        base_value=Decimal("1000"), start_year=2025, target_year=2030,
                                        target_value=Decimal("800"), status="published")
    with pytest.raises(ValidationError) as exc:
        services.action_save(actor=world.users["park_carbon_officer"], park=world.park_a, enterprise=world.e1.enterprise,
                             data=action_data(world, target=park_target))
    assert "target" in exc.value.message_dict
    line = services.action_save(actor=world.users["park_carbon_officer"], park=world.park_a,
                                data=action_data(world, target=park_target, responsible=world.users["park_carbon_officer"]))
    assert line.target == park_target


def test_promote_to_action_plan(world):
    actor = world.users["enterprise_admin"]
    o = services.opportunity_save(actor=actor, data=opportunity_data(), park=world.park_a, enterprise=world.e1.enterprise)
    with pytest.raises(ValidationError) as exc:
        services.opportunity_promote(actor=actor, opportunity=o, data={"department": "能源部", "start_date": dt.date(2026, 1, 1),
                                                                       "end_date": dt.date(2026, 6, 30)})
    assert {"responsible", "verification_method"} <= set(exc.value.message_dict)
    o.refresh_from_db()
    assert o.status == "open" and not ActionLine.objects.exists()
    line = services.opportunity_promote(actor=actor, opportunity=o, data={
        "department": "能源部", "responsible": actor, "verification_method": "计量比较", "start_date": dt.date(2026, 1, 1),
        "end_date": dt.date(2026, 6, 30)})
    o.refresh_from_db()
    assert o.status == "promoted" and line.opportunity == o and line.annual_reduction_t == o.annual_reduction_t
    assert line.kind == "process_efficiency" and line.budget == o.capex
    with pytest.raises(ValidationError):
        services.opportunity_promote(actor=actor, opportunity=o, data={})


def test_scenario_steps_are_checked(world):
    actor = world.users["park_carbon_officer"]
    base = {"name": "BAU", "kind": "bau", "horizon": 2040, "growth_pct": Decimal("3"), "intensity_change_pct": Decimal("-1")}
    with pytest.raises(ValidationError) as exc:
        services.scenario_save(actor=actor, park=world.park_a, data={**base, "sinks": {"abc": 5}, "extra_reductions": {"2030": -1}})
    assert {"sinks", "extra_reductions"} <= set(exc.value.message_dict)
    with pytest.raises(ValidationError) as exc:
        services.scenario_save(actor=actor, park=world.park_a, data={**base, "horizon": 1800})
    assert "horizon" in exc.value.message_dict
    assert not Scenario.objects.exists()
    s = services.scenario_save(actor=actor, park=world.park_a, data={**base, "sinks": {2035: 100}})
    assert s.sinks == {"2035": 100.0}
