"""Indicators computed from the statements in force, and deviation investigations (issue 12 items 4 and 5)."""
from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from carbonms.audits.models import Nonconformity
from carbonms.carbonreview import indicators, services
from carbonms.carbonreview.models import DeviationInvestigation, Indicator

from .helpers import ent_system, statement

pytestmark = pytest.mark.django_db


def _ind(world, **data):
    base = {"code": "E-1", "name": "排放总量", "kind": "measured", "numerator": "gross", "frequency": "annual"}
    return services.indicator_save(actor=world.users["enterprise_admin"], system=ent_system(world), data={**base, **data})


def test_values_come_from_the_statements_in_force_with_their_denominators(world):
    statement(world, year=2024, gross=1200.0, value_added=Decimal("300"), products=[("steel", 1000)])
    statement(world, year=2025, gross=1000.0, value_added=Decimal("400"), products=[("steel", 1250)])
    statement(world, year=2023, gross=9999.0, status="draft")  # a draft is not a figure of record
    measured = _ind(world)
    per_va = _ind(world, code="E-2", kind="ratio", denominator="value_added")
    per_t = _ind(world, code="E-3", kind="ratio", denominator="product", product_code="steel")
    per_tce = _ind(world, code="E-4", kind="ratio", numerator="direct", denominator="energy_tce")
    assert [(v.year, v.value) for v in indicators.series(measured)] == [(2024, Decimal("1200.0")), (2025, Decimal("1000.0"))]
    assert indicators.value_for(per_va, 2025).value == Decimal("2.5")
    assert indicators.value_for(per_t, 2025).value == Decimal("0.8")
    assert indicators.value_for(per_tce, 2024).value == Decimal("0.96")
    assert indicators.unit_of(per_va) == "tCO2e/10^4 yuan"
    v = indicators.value_for(per_va, 2023)
    assert v.value is None and "No inventory statement" in v.note


def test_a_missing_denominator_gives_no_value_and_says_why(world):
    statement(world, year=2025, gross=1000.0)
    v = indicators.value_for(_ind(world, code="E-2", kind="ratio", denominator="value_added"), 2025)
    assert v.value is None and "denominator" in v.note


@pytest.mark.parametrize("data, field", [
    ({"kind": "ratio"}, "denominator"),
    ({"kind": "ratio", "denominator": "product"}, "product_code"),
    ({"kind": "ratio", "denominator": "gdp"}, "denominator"),
    ({"kind": "regression"}, "relevant_variables"),
    ({"kind": "ratio", "numerator": "energy_tce", "denominator": "energy_tce"}, "denominator"),
])
def test_bad_indicators_are_refused_naming_the_field(world, data, field):
    with pytest.raises(ValidationError) as exc:
        _ind(world, **data)
    assert field in exc.value.message_dict
    assert not Indicator.objects.exists()


def test_a_duplicate_code_is_refused(world):
    _ind(world)
    with pytest.raises(ValidationError) as exc:
        _ind(world)
    assert "code" in exc.value.message_dict


def test_another_enterprise_cannot_write_or_link(world):
    from carbonms.management.system import System

    other = System(world.e3.enterprise.park, world.e3.enterprise)
    with pytest.raises(PermissionDenied):
        services.indicator_save(actor=world.users["enterprise_admin"], system=other, data={"code": "X", "name": "x"})
    ind = _ind(world)
    with pytest.raises(PermissionDenied):
        services.indicator_save(actor=world.users["viewer"], indicator=ind, data={"name": "y"})
    from tests.factories import UserFactory

    with pytest.raises(ValidationError):  # an owner from outside the system is refused
        services.indicator_save(actor=world.users["enterprise_admin"], indicator=ind, data={"owner": UserFactory()})


def test_a_deviation_beyond_the_threshold_is_investigated_with_the_cause_checklist(world):
    statement(world, year=2025, gross=1150.0)
    ind = _ind(world, expected_value=Decimal("1000"))
    v = indicators.value_for(ind, 2025)
    assert v.deviation_pct == Decimal("15.00") and v.exceeds
    admin = world.users["enterprise_admin"]
    inv = services.investigation_open(actor=admin, indicator=ind, year=2025)
    assert inv.deviation_pct == Decimal("15.00") and inv.threshold_pct == Decimal("10")
    with pytest.raises(ValidationError) as exc:  # no cause ticked and not a real change
        services.investigation_conclude(actor=admin, investigation=inv, causes={}, analysis="", conclusion="x", real_change=None)
    assert "cause_scope" in exc.value.message_dict
    inv.refresh_from_db()
    assert inv.status == "open"
    services.investigation_conclude(actor=admin, investigation=inv,
                                    causes={"cause_data_missing": True, "cause_scope": False}, analysis="二月数据缺报",
                                    conclusion="补报数据后复核", real_change=False, raise_nonconformity=True)
    inv.refresh_from_db()
    assert inv.status == "concluded" and inv.cause_data_missing and not inv.cause_scope
    nc = inv.nonconformity
    assert nc.source == Nonconformity.Source.MONITORING and nc.enterprise_id == world.e1.enterprise.pk
    with pytest.raises(ValidationError):  # concluded once
        services.investigation_conclude(actor=admin, investigation=inv, causes={"cause_other": True}, analysis="a",
                                        conclusion="b", real_change=None)


def test_no_investigation_within_the_threshold_or_twice(world):
    statement(world, year=2025, gross=1050.0)
    statement(world, year=2024, gross=1300.0)
    ind = _ind(world, expected_value=Decimal("1000"))
    admin = world.users["enterprise_admin"]
    with pytest.raises(ValidationError) as exc:
        services.investigation_open(actor=admin, indicator=ind, year=2025)
    assert "within the threshold" in str(exc.value)
    services.investigation_open(actor=admin, indicator=ind, year=2024)
    with pytest.raises(ValidationError):
        services.investigation_open(actor=admin, indicator=ind, year=2024)
    assert DeviationInvestigation.objects.count() == 1
    with pytest.raises(PermissionDenied):
        services.investigation_open(actor=world.users["viewer"], indicator=ind, year=2024)


def test_the_threshold_is_set_per_indicator(world):
    statement(world, year=2025, gross=1050.0)
    ind = _ind(world, expected_value=Decimal("1000"), deviation_threshold_pct=Decimal("4"))
    assert indicators.value_for(ind, 2025).exceeds


def test_performance_against_an_approved_static_baseline(world):
    from carbonms.performance.models import Baseline

    statement(world, year=2025, gross=900.0)
    org = world.e1
    b = Baseline.objects.create(park=org.enterprise.park, enterprise=org.enterprise, name="2024年基准", status="draft",
                                period_start="2024-01-01", period_end="2024-12-31", base_year=2024, value=Decimal("1000"),
                                gwp_set="SAR")
    ind = _ind(world, baseline=b)
    assert indicators.value_for(ind, 2025).expected == Decimal("1000")  # the baseline's value is the expected value
    assert "not approved" in indicators.baseline_performance(ind, 2025)["note"]
    b.status = "approved"
    b.save()
    ind.refresh_from_db()
    perf = indicators.baseline_performance(ind, 2025)
    assert perf["adjusted_baseline"] == Decimal("1000") and perf["savings"] == Decimal("100.0")
    assert perf["performance_index"] == Decimal("0.9000") and perf["method"] == "static"
    other = Baseline.objects.create(park=world.e2.enterprise.park, enterprise=world.e2.enterprise, name="x", status="approved",
                                    period_start="2024-01-01", period_end="2024-12-31", base_year=2024, value=Decimal("1"),
                                    gwp_set="SAR")
    with pytest.raises(ValidationError):  # another enterprise's baseline
        services.indicator_save(actor=world.users["park_carbon_officer"], indicator=ind, data={"baseline": other})


def test_api_values_and_investigation_refusals(world):
    from rest_framework.test import APIClient

    statement(world, year=2025, gross=1150.0)
    ind = _ind(world, expected_value=Decimal("1000"))
    c = APIClient()
    c.force_authenticate(world.users["enterprise_admin"])
    r = c.get(f"/api/v1/indicators/{ind.pk}/values/")
    assert r.status_code == 200 and r.json()[0]["year"] == 2025 and r.json()[0]["exceeds"] is True
    assert c.post("/api/v1/deviation-investigations/", {"year": 0}, format="json").status_code == 400
    other = c.post("/api/v1/deviation-investigations/", {"indicator": ind.pk, "year": 1999}, format="json")
    assert other.status_code == 400 and not DeviationInvestigation.objects.exists()
    assert c.post("/api/v1/deviation-investigations/", {"indicator": ind.pk, "year": 2025}, format="json").status_code == 201
    c.force_authenticate(world.users["viewer"])
    assert c.post("/api/v1/deviation-investigations/", {"indicator": ind.pk, "year": 2025}, format="json").status_code == 403
