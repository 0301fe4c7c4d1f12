"""Calculation runs: provenance, the park double-counting rule, frozen locked periods, the run diff."""
from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from carbonms.accounting import calculate
from carbonms.carbondata import services
from carbonms.carbondata.models import ActivityRecord, LabAnalysis
from carbonms.inventory.diff import run_diff
from carbonms.inventory.models import RunResult
from carbonms.inventory.services import RESULT_COLUMNS, run_calculation
from tests.carbondata.factories import ActivityRecordFactory, ElectricitySourceFactory, SourceFactory


@pytest.fixture
def park(world):
    """E2 is the park's power plant (coal); E1 burns coal and buys power from E2 and from the grid."""
    e1, e2 = world.e1.enterprise, world.e2.enterprise
    coal1 = SourceFactory(enterprise=e1, code="B01")
    power_in_park = ElectricitySourceFactory(enterprise=e1, code="E01", supplier=e2)
    power_grid = ElectricitySourceFactory(enterprise=e1, code="E02")
    plant = SourceFactory(enterprise=e2, code="P01")
    for m in (1, 2):
        ActivityRecordFactory(source=coal1, month=m, amount=Decimal("100"))
        ActivityRecordFactory(source=power_in_park, month=m, amount=Decimal("1000"))
        ActivityRecordFactory(source=power_grid, month=m, amount=Decimal("500"))
        ActivityRecordFactory(source=plant, month=m, amount=Decimal("600"))
    ActivityRecordFactory(source=coal1, month=3, status=ActivityRecord.Status.SUBMITTED)  # not approved: left out
    return world, coal1, power_in_park, power_grid, plant


def _expected(rows):
    return calculate(rows, gwp_set="SAR")


def test_enterprise_run_stores_provenance(park):
    world, coal1, power_in_park, power_grid, plant = park
    officer = world.users["park_carbon_officer"]
    run = run_calculation(actor=officer, park=world.park_a, year=2025, enterprise=world.e1.enterprise)
    assert run.n_results == 6 and run.run_by == officer and run.created_at
    r = RunResult.objects.get(run=run, source=coal1, month=1)
    act = ActivityRecord.objects.get(source=coal1, month=1)
    assert (r.activity_id, r.activity_version, r.method, run.gwp_set) == (act.pk, 1, "fuel_combustion", "SAR")
    assert r.factor_version_id and r.factor["id"] and r.factor["version"] == 1
    exp = _expected([{"entity": "1", "period": "2025-01", "source": "B01", "category": "stationary_combustion",
                      "method": "fuel_combustion", "material": "烟煤", "amount": 100, "unit": "t"}])
    assert r.co2e_t == pytest.approx(exp.rows[0].co2e_t, rel=1e-12)
    assert r.energy_tce == pytest.approx(exp.rows[0].energy_tce)
    # the enterprise counts all its purchased electricity
    assert run.totals["excluded_double_counting"] == 0
    elec = RunResult.objects.filter(run=run, category="purchased_electricity")
    assert run.totals["indirect_energy"] == pytest.approx(sum(x.co2e_t for x in elec))


def test_park_run_counts_in_park_energy_once(park):
    world, coal1, power_in_park, power_grid, plant = park
    run = run_calculation(actor=world.users["park_carbon_officer"], park=world.park_a, year=2025)
    results = RunResult.objects.filter(run=run)
    excluded = results.filter(counted_in_park=False)
    assert set(excluded.values_list("source_id", flat=True)) == {power_in_park.pk}
    all_sum = sum(r.co2e_t for r in results)
    excluded_sum = sum(r.co2e_t for r in excluded)
    assert run.totals["gross"] == pytest.approx(all_sum - excluded_sum)
    assert run.totals["excluded_double_counting"] == pytest.approx(excluded_sum)
    # grid electricity still counts; the plant's coal counts as the plant's direct emissions
    assert run.totals["indirect_energy"] == pytest.approx(sum(r.co2e_t for r in results.filter(source=power_grid)))
    assert run.totals["by_enterprise"][str(world.e2.enterprise.pk)] == pytest.approx(
        sum(r.co2e_t for r in results.filter(source=plant)))
    assert run.totals["energy_tce"] == pytest.approx(sum(r.energy_tce for r in results.filter(counted_in_park=True)))


def test_permissions_and_scope(park):
    world = park[0]
    with pytest.raises(PermissionDenied):  # an enterprise user cannot run the park
        run_calculation(actor=world.users["enterprise_admin"], park=world.park_a, year=2025)
    with pytest.raises(PermissionDenied):
        run_calculation(actor=world.users["reviewer"], park=world.park_a, year=2025, enterprise=world.e1.enterprise)
    with pytest.raises(ValidationError) as exc:
        run_calculation(actor=world.users["park_carbon_officer"], park=world.park_a, year=2019)
    assert exc.value.messages == ["There is no approved activity data for 2019."]


def test_lab_values_are_consumption_weighted(park):
    world, coal1 = park[0], park[1]
    clerk = world.users["data_clerk"]
    services.lab_analysis_add(actor=clerk, source=coal1, data={"year": 2025, "month": 1, "batch": "A", "parameter": "ncv",
                                                                "value": "20", "unit": "GJ/t", "weight": "30"})
    services.lab_analysis_add(actor=clerk, source=coal1, data={"year": 2025, "month": 1, "batch": "B", "parameter": "ncv",
                                                                "value": "24", "unit": "GJ/t", "weight": "10"})
    with pytest.raises(ValidationError) as exc:
        services.lab_analysis_add(actor=clerk, source=coal1, data={"year": 2025, "month": 1, "parameter": "ncv",
                                                                    "value": "24", "unit": "GJ/kg", "weight": "10"})
    assert exc.value.message_dict["unit"] == ["Wrong unit “GJ/kg”: use GJ/t, MJ/kg, kJ/kg, GJ/10^4Nm3, MJ/Nm3."]
    assert LabAnalysis.objects.count() == 2
    run = run_calculation(actor=world.users["park_carbon_officer"], park=world.park_a, year=2025, enterprise=world.e1.enterprise)
    r = RunResult.objects.get(run=run, source=coal1, month=1)
    assert r.factor["supplied"]["ncv"] == pytest.approx(21.0)  # (20×30 + 24×10) / 40
    r2 = RunResult.objects.get(run=run, source=coal1, month=2)
    assert "ncv" not in r2.factor.get("supplied", {})


def test_locked_period_is_frozen_and_diff_explains_changes(park):
    world, coal1, power_in_park, power_grid, plant = park
    officer, clerk, reviewer = world.users["park_carbon_officer"], world.users["data_clerk"], world.users["reviewer"]
    e1 = world.e1.enterprise
    ActivityRecord.objects.filter(source=coal1, month=3).delete()
    first = run_calculation(actor=officer, park=world.park_a, year=2025, enterprise=e1)
    for m in range(1, 13):
        services.period_lock(actor=reviewer, enterprise=e1, year=2025, month=m)
    with pytest.raises(ValidationError) as exc:
        run_calculation(actor=officer, park=world.park_a, year=2025, enterprise=e1)
    assert exc.value.message_dict["reason"] == ["The period is locked and already computed: a recalculation needs a reason."]
    rec = ActivityRecord.objects.get(source=coal1, month=1)
    new = services.activity_correct(actor=clerk, record=rec, amount="120", reason="盘点更正")
    services.activity_submit(actor=clerk, records=[new])
    services.activity_approve(actor=reviewer, records=[new])
    snapshot = list(RunResult.objects.filter(run=first).values_list("co2e_t", "activity_id"))
    second = run_calculation(actor=officer, park=world.park_a, year=2025, enterprise=e1, reason="更正1月燃煤")
    assert list(RunResult.objects.filter(run=first).values_list("co2e_t", "activity_id")) == snapshot  # old results unchanged
    lines = run_diff(first, second)
    assert [line["code"] for line in lines] == ["B01"]
    assert lines[0]["reasons"]["data"] == ["month 1: activity data v1 → v2 (100 → 120)"]
    assert lines[0]["delta"] == pytest.approx(lines[0]["old"] * 0.1)  # +20 t of 200 t


def test_results_equal_a_per_row_calculation(park):
    """The run computes each parameter set once and scales by the amount: same numbers as calculate() per row."""
    world = park[0]
    run = run_calculation(actor=world.users["park_carbon_officer"], park=world.park_a, year=2025)
    results = list(RunResult.objects.filter(run=run).select_related("source").order_by("pk"))
    rows = [{"entity": str(r.enterprise_id), "period": f"2025-{r.month:02d}", "source": r.source.code, "category": r.category,
             "method": r.method, "material": r.material, "amount": float(r.amount), "unit": r.unit,
             "year": 2023 if r.category == "purchased_electricity" else 2025} for r in results]
    direct = calculate(rows, gwp_set="SAR")
    for r, d in zip(results, direct.rows, strict=True):
        assert r.co2e_t == pytest.approx(d.co2e_t, rel=1e-12)
        assert r.energy_tce == pytest.approx(d.energy_tce, rel=1e-12)
        assert r.factor_version_id == d.factor["version_id"]
    assert run.totals["gross"] + run.totals["excluded_double_counting"] == pytest.approx(direct.totals["gross"], rel=1e-12)


def test_data_changed_during_the_run_is_refused(park, monkeypatch):
    from carbonms.inventory import services as inv

    world = park[0]
    real = inv.load
    monkeypatch.setattr(inv, "load", lambda *a, **k: (lambda r, s: (r[1:], s))(*real(*a, **k)))
    with pytest.raises(ValidationError) as exc:
        run_calculation(actor=world.users["park_carbon_officer"], park=world.park_a, year=2025)
    assert exc.value.messages == ["Activity data changed while the calculation ran; run it again."]


def test_user_factor_is_used_versioned_and_its_change_explained(park):
    world, coal1, power_in_park, power_grid, plant = park
    officer, clerk = world.users["park_carbon_officer"], world.users["data_clerk"]
    e1 = world.e1.enterprise
    with pytest.raises(ValidationError) as exc:
        services.user_factor_add(actor=clerk, park=world.park_a, enterprise=e1, data={
            "key": "绿电合同", "kind": "ef", "material": "电力", "ef": 0.1, "ef_unit": "bananas/MWh", "source_document": "PPA"})
    assert "ef_unit" in exc.value.message_dict
    f1 = services.user_factor_add(actor=clerk, park=world.park_a, enterprise=e1, data={
        "key": "绿电合同", "kind": "ef", "material": "电力", "ef": 0.2, "ef_unit": "tCO2/MWh",
        "source_document": "2025年购电合同附件3", "year": 2025})
    with pytest.raises(ValidationError) as exc:
        services.source_save(actor=clerk, source=power_grid, data={"factor_key": "不存在"})
    assert exc.value.message_dict["factor_key"] == ["Unknown user factor “不存在”."]
    services.source_save(actor=clerk, source=power_grid, data={"factor_key": "绿电合同"})
    run1 = run_calculation(actor=officer, park=world.park_a, year=2025, enterprise=e1)
    r = RunResult.objects.get(run=run1, source=power_grid, month=1)
    assert r.co2e_t == pytest.approx(500 * 0.2) and r.factor_version_id == "user/绿电合同@1"
    assert r.factor["source"] == "2025年购电合同附件3" and r.factor["user_factor"] is True
    with pytest.raises(ValidationError) as exc:
        services.user_factor_add(actor=clerk, park=world.park_a, enterprise=e1, data={
            "key": "绿电合同", "kind": "ef", "material": "电力", "ef": 0.25, "ef_unit": "tCO2/MWh", "source_document": "补充协议"})
    assert exc.value.message_dict["note"] == ["A new version needs a note saying what changed."]
    f2 = services.user_factor_add(actor=clerk, park=world.park_a, enterprise=e1, data={
        "key": "绿电合同", "kind": "ef", "material": "电力", "ef": 0.25, "ef_unit": "tCO2/MWh", "source_document": "补充协议",
        "note": "绿电比例下调"})
    assert (f1.version, f2.version) == (1, 2)
    f1.refresh_from_db()
    assert f1.ef == 0.2  # the old version never changes
    run2 = run_calculation(actor=officer, park=world.park_a, year=2025, enterprise=e1)
    assert RunResult.objects.get(run=run1, source=power_grid, month=1).co2e_t == pytest.approx(100)  # frozen
    lines = run_diff(run1, run2)
    assert [line["code"] for line in lines] == [power_grid.code]
    assert lines[0]["reasons"] == {"factor": ["factor user/绿电合同@1 → user/绿电合同@2"]}


def test_the_result_writers_name_every_column_of_a_result():
    """``store`` and the recalculation assembly write results with ``INSERT … SELECT`` over RESULT_COLUMNS:
    a column added to RunResult must be added there (and to both SELECT lists)."""
    columns = [f.column for f in RunResult._meta.concrete_fields if not f.primary_key]
    assert sorted(RESULT_COLUMNS) == sorted(columns)
    assert len(set(RESULT_COLUMNS)) == len(RESULT_COLUMNS)
