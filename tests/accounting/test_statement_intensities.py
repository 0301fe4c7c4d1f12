"""Intensities of a statement (issue 10 item 3): per product, per 10⁴ yuan of value added, tCO₂/tce, and the
aggregate Σ emissions / Σ denominator, never an average of ratios."""
from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from carbonms.accounting.indicators import aggregate_intensities, statement_intensities

TOTALS = {"gross": 1000.0, "energy_tce": 400.0,
          "by_category": {"stationary_combustion": 600.0, "purchased_electricity": 300.0, "process": 100.0}}
DENOMS = {"products": [{"code": "P1", "name": "钢材", "unit": "t", "quantity": Decimal("2000")}],
          "value_added_10k_yuan": Decimal("500"), "price_basis": "constant:2020",
          "output_value_10k_yuan": Decimal("4000"), "gdp_10k_yuan": None}


def test_each_intensity_is_a_decimal_with_its_unit():
    out = statement_intensities(TOTALS, DENOMS)
    p = out["per_product"][0]
    assert (p["value"], p["unit"], p["code"]) == (Decimal("0.5"), "tCO2e/t", "P1")
    va = out["per_value_added"]
    assert (va["value"], va["unit"], va["price_basis"]) == (Decimal("2"), "tCO2e/10^4 yuan", "constant:2020")
    assert out["per_output_value"]["value"] == Decimal("0.25")
    assert out["per_gdp"] is None
    energy = out["carbon_per_energy"]
    # energy activities only (combustion + purchased electricity), not the process emissions
    assert (energy["value"], energy["unit"], energy["basis"]) == (Decimal("2.25"), "tCO2/tce", "energy_categories_co2e")
    assert all(isinstance(v["value"], Decimal) for v in (p, va, energy))


def test_energy_co2_given_by_the_totals_is_preferred():
    out = statement_intensities({**TOTALS, "energy_co2": "800"}, DENOMS)
    assert out["carbon_per_energy"]["value"] == Decimal(2) and out["carbon_per_energy"]["basis"] == "energy_co2"


def test_missing_or_zero_denominators_give_no_indicator():
    out = statement_intensities({"gross": 10, "energy_tce": 0}, {"products": [{"code": "A", "unit": "t", "quantity": 0}]})
    assert out["per_product"] == [] and out["per_value_added"] is None and out["carbon_per_energy"] is None


def test_negative_denominator_is_refused():
    with pytest.raises(ValueError, match="negative"):
        statement_intensities(TOTALS, {**DENOMS, "value_added_10k_yuan": Decimal("-1")})


def test_aggregate_is_sum_over_sum_not_mean_of_ratios():
    a = statement_intensities({"gross": 100}, {"value_added_10k_yuan": Decimal(10), "price_basis": "current"})
    b = statement_intensities({"gross": 900}, {"value_added_10k_yuan": Decimal(90), "price_basis": "current"})
    c = statement_intensities({"gross": 50}, {"value_added_10k_yuan": Decimal(100), "price_basis": "current"})
    agg = aggregate_intensities([a, b, c])["per_value_added"]
    assert agg["value"] == Decimal(1050) / Decimal(200)  # 5.25, while the mean of 10, 10, 0.5 is 6.83…
    assert agg["entities"] == 3 and agg["price_basis"] == "current"


def test_aggregate_flags_mixed_price_bases_and_keeps_products_apart():
    a = statement_intensities({"gross": 10}, {"value_added_10k_yuan": 1, "price_basis": "current",
                                              "products": [{"code": "X", "unit": "t", "quantity": 5}]})
    b = statement_intensities({"gross": 10}, {"value_added_10k_yuan": 1, "price_basis": "constant:2020",
                                              "products": [{"code": "Y", "unit": "t", "quantity": 5}]})
    agg = aggregate_intensities([a, b])
    assert agg["per_value_added"]["price_basis"] == "mixed"
    assert sorted(p["code"] for p in agg["per_product"]) == ["X", "Y"]


money = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("1e9"), places=2, allow_nan=False, allow_infinity=False)
emissions = st.decimals(min_value=Decimal("0"), max_value=Decimal("1e8"), places=3, allow_nan=False, allow_infinity=False)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(emissions, money), min_size=1, max_size=12))
def test_aggregate_property_sum_over_sum(pairs):
    items = [statement_intensities({"gross": e, "energy_tce": d}, {"value_added_10k_yuan": d, "price_basis": "current",
                                                                      "products": [{"code": "P", "unit": "t", "quantity": d}]})
             for e, d in pairs]
    agg = aggregate_intensities(items)
    expected = sum(e for e, _ in pairs) / sum(d for _, d in pairs)
    assert agg["per_value_added"]["value"] == expected
    assert agg["per_product"][0]["value"] == expected
    ratios = [e / d for e, d in pairs]
    # a weighted mean of the ratios (weights: the denominators): always between the smallest and the largest
    assert min(ratios) - Decimal("1e-20") <= expected <= max(ratios) + Decimal("1e-20")
    # and equal to the plain mean of the ratios only when the weights do not matter
    mean = sum(ratios) / len(ratios)
    if len({d for _, d in pairs}) == 1:
        assert abs(mean - expected) <= Decimal("1e-18") * max(Decimal(1), expected)
