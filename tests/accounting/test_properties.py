"""Property-based tests (hypothesis): engine agreement, unit scaling, additivity, sign rules and
independence of row order."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from carbonms.accounting import calculate, load_gwp
from carbonms.accounting.batch import compute, records_to_batch
from carbonms.accounting.engine import shared_defaults
from carbonms.accounting.prepare import Options, prepare_rows
from carbonms.accounting.reference import compute_reference
from carbonms.accounting.synthetic import batch_to_records, synthetic_batch

GWP = load_gwp()
SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])

amounts = st.floats(min_value=0.0, max_value=1e6, allow_nan=False, allow_infinity=False)
fractions = st.floats(min_value=0.01, max_value=1.0)
entities = st.sampled_from(["园区A", "园区B", "C"])


@st.composite
def input_rows(draw):
    """One valid input row of any method and category."""
    kind = draw(st.integers(0, 10))
    base = {"entity": draw(entities), "period": "2022", "source": f"s{draw(st.integers(0, 3))}",
            "amount": draw(amounts), "uncertainty_pct": draw(st.floats(0, 20))}
    if kind == 0:
        return {**base, "category": "stationary_combustion", "method": "fuel_combustion", "unit": "t",
                "material": draw(st.sampled_from(["柴油", "烟煤", "焦炭", "燃料油", "液化石油气"]))}
    if kind == 1:
        return {**base, "category": "固定燃烧", "method": "fuel_combustion", "unit": "万立方米",
                "material": draw(st.sampled_from(["天然气", "焦炉煤气", "高炉煤气"]))}
    if kind == 2:
        return {**base, "category": "purchased_electricity", "method": "emission_factor", "unit": "MWh",
                "material": "电力", "year": draw(st.sampled_from([2021, 2022, 2023])),
                "region": draw(st.sampled_from(["", "华东", "华北", "南方"]))}
    if kind == 3:
        return {**base, "category": "purchased_heat", "method": "emission_factor", "unit": "GJ", "material": "热力"}
    if kind == 4:
        return {**base, "category": "process", "method": "emission_factor", "unit": "t",
                "material": draw(st.sampled_from(["石灰石", "白云石", "碳酸钠(纯碱)"])), "purity": draw(fractions)}
    if kind == 5:
        return {**base, "category": "fugitive", "method": "emission_factor", "unit": "kg", "material": "gas",
                "gas": draw(st.sampled_from(["SF6", "HFC-134a", "HFC-32", "CF4"]))}
    if kind == 6:
        return {**base, "category": "process", "method": "mass_balance", "unit": "t", "material": "in",
                "direction": "input", "carbon_fraction": draw(fractions), "source": "mb-in"}
    if kind == 7:
        return {**base, "category": "stationary_combustion", "method": "measurement", "unit": "t", "material": "CEMS"}
    if kind == 8:
        return {**base, "category": "transport", "method": "emission_factor", "unit": "tkm", "material": "road",
                "ef": draw(st.floats(0.01, 0.2)), "ef_unit": "kgCO2e/tkm"}
    if kind == 9:
        return {**base, "category": "other_indirect", "method": "emission_factor", "unit": "t", "material": "x",
                "gas": "N2O", "ef": draw(st.floats(0, 0.01)), "ef_unit": "tN2O/t"}
    return {**base, "category": "removal", "method": "emission_factor", "unit": "ha", "material": "林地",
            "ef": draw(st.floats(0, 20)), "ef_unit": "tCO2/ha"}


row_lists = st.lists(input_rows(), min_size=1, max_size=25)
TOTAL_KEYS = ("direct", "indirect_energy", "other_indirect", "removals", "gross", "net", "energy_tce")


def close(a, b, rel=1e-9, abs_=1e-6):
    return math.isclose(a, b, rel_tol=rel, abs_tol=abs_)


@SETTINGS
@given(row_lists, st.sampled_from(["SAR", "AR4", "AR5", "AR6"]))
def test_vectorised_and_per_record_engines_agree(rows, gwp_set):
    library, gwp = shared_defaults()
    records = prepare_rows(rows, library, gwp, Options(gwp_set=gwp_set))
    vec = compute(records_to_batch(records, gwp, gwp_set))
    ref = compute_reference(records, gwp, gwp_set)
    np.testing.assert_allclose(vec.co2e, ref.co2e, rtol=1e-12, atol=0)
    np.testing.assert_allclose(vec.tce, ref.tce, rtol=1e-12, atol=0)
    np.testing.assert_allclose(vec.by_category, ref.by_category, rtol=1e-9, atol=1e-9)
    np.testing.assert_allclose(vec.by_gas_mass, ref.by_gas_mass, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(vec.by_entity_gross, ref.by_entity_gross, rtol=1e-9, atol=1e-9)
    for key in ("direct", "indirect_energy", "other_indirect", "removals", "gross", "net", "energy_tce"):
        assert close(getattr(vec, key), getattr(ref, key)), key
    assert (vec.uncertainty_pct is None) == (ref.uncertainty_pct is None)
    if vec.uncertainty_pct is not None:
        assert close(vec.uncertainty_pct, ref.uncertainty_pct)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_engines_agree_on_synthetic_mixed_batches(seed):
    gwp = load_gwp()
    b = synthetic_batch(5000, gwp, "AR6", seed=seed)
    records = batch_to_records(b)
    vec = compute(records_to_batch(records, gwp, "AR6"))
    ref = compute_reference(records, gwp, "AR6")
    np.testing.assert_allclose(vec.co2e, ref.co2e, rtol=1e-12)
    np.testing.assert_allclose(vec.market_co2e, ref.market_co2e, rtol=1e-12, equal_nan=True)
    assert close(vec.gross, ref.gross) and close(vec.indirect_energy_market, ref.indirect_energy_market)
    assert close(vec.uncertainty_pct, ref.uncertainty_pct)
    direct = compute(b)  # the generated batch itself, before the round trip through records
    assert close(direct.gross, vec.gross)


@SETTINGS
@given(row_lists, st.floats(min_value=0.001, max_value=1000.0))
def test_scaling_every_amount_scales_every_total(rows, k):
    base = calculate(rows)
    scaled = calculate([{**r, "amount": r["amount"] * k} for r in rows])
    for key in TOTAL_KEYS:
        assert close(scaled.totals[key], base.totals[key] * k, rel=1e-9, abs_=1e-9), key


@SETTINGS
@given(row_lists)
def test_the_unit_of_the_amount_does_not_change_the_result(rows):
    """The same quantity in t or kg, MWh or kWh, 10⁴Nm³ or Nm³, GJ or MJ gives the same result."""
    finer = {"t": ("kg", 1e3), "MWh": ("kWh", 1e3), "万立方米": ("Nm3", 1e4), "GJ": ("MJ", 1e3), "ha": ("m2", 1e4)}
    converted = []
    for r in rows:
        unit, factor = finer.get(r["unit"], (r["unit"], 1.0))
        converted.append({**r, "unit": unit, "amount": r["amount"] * factor})
    a, b = calculate(rows), calculate(converted)
    for ra, rb in zip(a.rows, b.rows, strict=True):
        assert close(ra.co2e_t, rb.co2e_t, rel=1e-9, abs_=1e-9)
    for key in TOTAL_KEYS:
        assert close(a.totals[key], b.totals[key], rel=1e-9, abs_=1e-9), key


@SETTINGS
@given(row_lists, row_lists)
def test_totals_are_additive_over_disjoint_row_sets(rows_a, rows_b):
    a, b, ab = calculate(rows_a), calculate(rows_b), calculate(rows_a + rows_b)
    for key in TOTAL_KEYS:
        assert close(ab.totals[key], a.totals[key] + b.totals[key], rel=1e-9, abs_=1e-6), key
    for cat, value in ab.totals["by_category"].items():
        expected = a.totals["by_category"].get(cat, 0.0) + b.totals["by_category"].get(cat, 0.0)
        assert close(value, expected, rel=1e-9, abs_=1e-6), cat


@SETTINGS
@given(row_lists)
def test_sign_rules_removals_are_never_in_gross(rows):
    r = calculate(rows)
    t = r.totals
    assert t["removals"] >= 0
    assert close(t["gross"], t["direct"] + t["indirect_energy"] + t["other_indirect"], abs_=1e-6)
    assert close(t["net"], t["gross"] - t["removals"], abs_=1e-6)
    assert close(t["indirect"], t["indirect_energy"] + t["other_indirect"], abs_=1e-6)
    emissions_only = [x for x in rows if x["category"] != "removal"]
    if emissions_only:
        e = calculate(emissions_only)
        assert close(e.totals["gross"], t["gross"], abs_=1e-6)
        assert e.totals["removals"] == 0
    for row_result in r.rows:
        if row_result.category == "removal":
            assert row_result.co2e_t >= 0
            assert row_result.gas not in t["by_gas"] or row_result.gas == "CO2"
    removal_co2 = sum(x.co2e_t for x in r.rows if x.category == "removal")
    emitted_co2 = sum(x.by_gas["CO2"] for x in r.rows if x.category != "removal" and x.gas == "CO2")
    assert close(t["by_gas"].get("CO2", 0.0), emitted_co2, abs_=1e-6)
    assert close(t["removals"], removal_co2, abs_=1e-6)


@SETTINGS
@given(row_lists, st.randoms(use_true_random=False))
def test_results_do_not_depend_on_row_order(rows, rnd):
    order = list(range(len(rows)))
    rnd.shuffle(order)
    a = calculate(rows)
    b = calculate([rows[i] for i in order])
    for key in TOTAL_KEYS:
        assert close(a.totals[key], b.totals[key], rel=1e-9, abs_=1e-6), key
    for new_pos, old_pos in enumerate(order):
        assert close(b.rows[new_pos].co2e_t, a.rows[old_pos].co2e_t, rel=1e-12, abs_=0)
        assert b.rows[new_pos].row == new_pos + 1
    assert {k: round(v["gross"], 6) for k, v in a.totals["by_entity"].items()} == pytest.approx(
        {k: round(v["gross"], 6) for k, v in b.totals["by_entity"].items()})


hourly = st.lists(st.one_of(st.none(), st.floats(0.0, 1e6)), min_size=1, max_size=200)


@SETTINGS
@given(hourly)
def test_cems_substitution_fills_every_gap_within_the_observed_range(values):
    from carbonms.accounting import substitute_missing

    arr = np.array([np.nan if v is None else v for v in values])
    if np.isnan(arr).all():
        with pytest.raises(ValueError):
            substitute_missing(arr)
        return
    filled, mask = substitute_missing(arr)
    assert not np.isnan(filled).any()
    assert mask.sum() == np.isnan(arr).sum()
    np.testing.assert_array_equal(filled[~mask], arr[~mask])
    assert filled.min() >= np.nanmin(arr) and filled.max() <= np.nanmax(arr)
