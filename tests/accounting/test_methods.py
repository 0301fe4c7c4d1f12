"""Each method of issue 3, units, CEMS substitution, uncertainty and the categories map."""

from __future__ import annotations

import math

import numpy as np
import pytest

from carbonms.accounting import (
    CATEGORIES,
    AccountingErrors,
    calculate,
    cems_emissions,
    convert,
    monte_carlo_uncertainty,
    substitute_missing,
)
from carbonms.accounting.units import UnitProblem, conversion_factor

DIESEL = {"category": "stationary_combustion", "method": "fuel_combustion", "material": "柴油"}
DIESEL_EF = 42.652 * 0.0202 * 0.98 * 44 / 12  # tCO2 per t, NDRC 工业其他 2015 defaults


def test_units_of_the_issue():
    assert conversion_factor("10^4Nm3", "Nm3") == 1e4
    assert conversion_factor("万立方米", "10⁴Nm³") == 1.0
    assert conversion_factor("TJ", "GJ") == 1e3
    assert conversion_factor("MWh", "GJ") == pytest.approx(3.6)
    assert conversion_factor("tce", "GJ") == pytest.approx(29.307)
    assert conversion_factor("亩", "m2") == pytest.approx(10000 / 15)
    assert convert(1000, "L", "t", 0.84) == pytest.approx(0.84)
    assert convert(1, "t", "m3", 0.5) == pytest.approx(2.0)
    for a, b in (("t", "Nm3"), ("tsteam", "GJ"), ("kWh", "t"), ("m3", "Nm3")):
        with pytest.raises(UnitProblem):
            conversion_factor(a, b)


def test_fuel_from_stock_balance(row):
    """FC = opening + purchased − closing − transferred out."""
    r = calculate([row(**DIESEL, amount="", opening_stock=10, purchased=100, closing_stock=15, transferred_out=5)])
    assert r.rows[0].activity["amount"] == 90
    assert r.rows[0].co2e_t == pytest.approx(90 * DIESEL_EF)


def test_measured_parameters_override_defaults_one_by_one(row):
    r = calculate([
        row(**DIESEL, amount=1, carbon_content=0.021),
        row(**DIESEL, amount=1, oxidation_rate=1),
        row(**DIESEL, amount=1000, unit="kg", ncv=42652, ncv_unit="kJ/kg"),
    ])
    assert r.rows[0].co2e_t == pytest.approx(42.652 * 0.021 * 0.98 * 44 / 12)
    assert r.rows[1].co2e_t == pytest.approx(42.652 * 0.0202 * 1.0 * 44 / 12)
    assert r.rows[2].co2e_t == pytest.approx(DIESEL_EF)
    assert r.rows[0].factor["supplied"] == {"carbon_content": 0.021}


def test_liquid_fuel_in_litres_with_density(row):
    r = calculate([row(**{**DIESEL, "category": "mobile_combustion"}, amount=10000, unit="L", density=0.84)])
    assert r.rows[0].co2e_t == pytest.approx(8.4 * DIESEL_EF)


def test_emission_factor_method_for_a_fuel_uses_its_default_parameters(row):
    r = calculate([row(category="mobile_combustion", method="emission_factor", material="汽油", amount=2)])
    assert r.rows[0].co2e_t == pytest.approx(2 * 43.070 * 0.0189 * 0.98 * 44 / 12)
    assert r.rows[0].energy_tce == pytest.approx(2 * 43.070 / 29.307)


def test_emission_factor_with_its_own_unit_and_gas(row):
    r = calculate([row(category="other_indirect", method="emission_factor", material="污水处理", amount=2000,
                       unit="kg", ef=0.25, ef_unit="kgCH4/kg")], gwp_set="SAR")
    assert r.rows[0].gas == "CH4" and r.rows[0].by_gas == {"CH4": pytest.approx(0.5)}
    assert r.rows[0].co2e_t == pytest.approx(10.5)


def test_mass_balance_formula_1(row):
    """T/CIECCPA 061 formula (1) with a gas input in 10⁴Nm³ (tC/10⁴Nm³) and a solid output."""
    mb = {"category": "process", "method": "mass_balance", "source": "甲醇"}
    r = calculate([
        row(**mb, material="天然气", amount=100, unit="万立方米", direction="输入", carbon_fraction=5.3),
        row(**mb, material="甲醇", amount=500, unit="t", direction="output", carbon_fraction=0.375),
    ])
    assert r.totals["direct"] == pytest.approx((100 * 5.3 - 500 * 0.375) * 44 / 12)
    assert r.rows[1].co2e_t < 0


def test_measurement_rows_and_cems_file(tmp_path, row):
    r = calculate([row(category="stationary_combustion", method="measurement", material="CEMS", amount=1234.5)])
    assert r.rows[0].co2e_t == 1234.5 and r.rows[0].factor["supplied"] == {"measured": True}
    path = tmp_path / "cems.csv"
    hours = ["hour,co2_pct,flow_nm3_h"] + [f"{h},10,100000" for h in range(22)] + ["22,,100000", "23,10,"]
    path.write_text("\n".join(hours) + "\n", encoding="utf-8")
    r = calculate([row(category="stationary_combustion", method="measurement", material="CEMS", amount="",
                       unit="t", cems_file=str(path))])
    assert r.rows[0].co2e_t == pytest.approx(471.5357, abs=1e-4)
    assert r.rows[0].flags == ("cems_substituted_hours=2",)
    with pytest.raises(AccountingErrors) as info:
        calculate([row(category="stationary_combustion", method="measurement", material="CEMS", amount="",
                       cems_file=str(tmp_path / "missing.csv"))])
    assert info.value.errors[0].field == "cems_file"


def test_cems_short_gap_takes_the_mean_of_the_neighbours():
    filled, mask = substitute_missing(np.array([1.0, np.nan, np.nan, 4.0]))
    assert filled.tolist() == [1.0, 2.5, 2.5, 4.0] and mask.tolist() == [False, True, True, False]
    filled, _ = substitute_missing(np.array([np.nan, 3.0, np.nan]))
    assert filled.tolist() == [3.0, 3.0, 3.0]


def test_cems_long_gap_takes_the_maximum_of_the_previous_720_hours():
    values = np.concatenate([np.arange(1.0, 801.0), np.full(30, np.nan), [5.0]])
    filled, mask = substitute_missing(values)
    assert mask.sum() == 30
    assert np.all(filled[800:830] == 800.0)  # max of hours 81..800
    res = cems_emissions([5.0, np.nan, 5.0], [1000.0, 1000.0, np.nan], unit="%")
    assert res.substituted_hours == 2 and res.hours == 3


def test_cems_rejects_impossible_values():
    with pytest.raises(ValueError):
        cems_emissions([120.0], [1.0])
    with pytest.raises(ValueError):
        cems_emissions([np.nan], [1.0])
    with pytest.raises(ValueError):
        cems_emissions([1.0], [1.0], unit="ppb")


def test_cems_mass_concentration():
    res = cems_emissions([200_000.0] * 2, [50_000.0] * 2, unit="mg/m3")
    assert res.co2_t == pytest.approx(2 * 200_000 * 50_000 * 1e-9)


def test_removals_reported_apart_and_by_entity(row):
    r = calculate([
        row(**DIESEL, amount=10, entity="A"),
        row(category="碳汇", method="emission_factor", material="林地", amount=15, unit="亩", ef=6, ef_unit="tCO2/ha",
            entity="A"),
        row(category="removal", method="measurement", material="CCUS", amount=3, entity="B"),
    ])
    t = r.totals
    assert t["removals"] == pytest.approx(15 / 15 * 6 + 3)
    assert t["gross"] == pytest.approx(10 * DIESEL_EF)
    assert t["by_entity"]["A"]["removals"] == pytest.approx(6)
    assert t["by_entity"]["B"] == {"gross": 0.0, "removals": 3.0, "net": -3.0}
    assert "removal" in t["by_category"] and t["by_gas"] == {"CO2": pytest.approx(10 * DIESEL_EF)}


def test_leakage_rate_for_refrigerants(row):
    r = calculate([row(category="fugitive", method="emission_factor", material="冷机", amount=500, unit="kg",
                       gas="HFC-134a", leakage_rate=0.02)], gwp_set="AR4")
    assert r.rows[0].co2e_t == pytest.approx(0.5 * 0.02 * 1430)


def test_categories_map_to_iso_and_ghg_protocol():
    m = {c.code: (c.iso14064_category, c.ghg_protocol_scope) for c in CATEGORIES}
    assert m["stationary_combustion"] == (1, "scope1")
    assert m["purchased_electricity"] == (2, "scope2") and m["purchased_heat"] == (2, "scope2")
    assert m["transport"] == (3, "scope3") and m["purchased_products"] == (4, "scope3")
    assert m["sold_products"] == (5, "scope3") and m["other_indirect"] == (6, "scope3")
    assert {c.name_zh for c in CATEGORIES} >= {"固定燃烧", "移动燃烧", "过程排放", "逸散排放", "外购电力", "外购热力",
                                              "运输", "组织使用产品", "使用本组织产品", "其他间接", "碳汇"}


def test_monte_carlo_agrees_with_error_propagation_for_normal_sources():
    co2e = np.array([100.0, 100.0])
    u = np.array([5.0, 12.0])
    mc = monte_carlo_uncertainty(co2e, u, draws=20000, seed=1)
    assert mc == pytest.approx(6.5, rel=0.05)
    assert monte_carlo_uncertainty(co2e, np.zeros(2)) is None


def test_uncertainty_absent_when_no_row_gives_it(row):
    r = calculate([row(**DIESEL, amount=1)])
    assert r.totals["uncertainty_pct"] is None and r.rows[0].uncertainty_pct is None
    assert not math.isnan(r.totals["gross"])


def test_energy_tce_counts_only_own_energy_use(row):
    """tce covers combustion by the organisation and imported energy, not scope-3 or feedstock rows."""
    r = calculate([
        row(category="transport", method="fuel_combustion", material="柴油", amount=10),
        row(category="purchased_products", method="emission_factor", material="柴油", amount=10, ef=3.5,
            ef_unit="tCO2e/t"),
        row(category="mobile_combustion", method="fuel_combustion", material="柴油", amount=10),
    ])
    assert [x.energy_tce for x in r.rows] == [0.0, 0.0, pytest.approx(10 * 42.652 / 29.307)]
    assert r.rows[0].co2e_t == pytest.approx(10 * DIESEL_EF)


def test_a_default_ncv_keeps_its_own_unit(row):
    """ncv_unit without ncv must not re-label the library NCV."""
    r = calculate([row(**DIESEL, amount=1, ncv_unit="kJ/kg")])
    assert r.rows[0].co2e_t == pytest.approx(DIESEL_EF)


def test_consumption_weighted_monthly_parameters(row):
    """T/CIECCPA 061 Table 3: monthly lab values are weighted by consumption (加权月平均、加权年平均)."""
    from carbonms.accounting import consumption_weighted

    ncv = consumption_weighted([20.0, 22.0, 21.0], [100, 300, 0])
    assert ncv == pytest.approx((20 * 100 + 22 * 300) / 400)
    with pytest.raises(ValueError):
        consumption_weighted([1.0], [0.0])
    r = calculate([row(**{**DIESEL, "material": "烟煤"}, amount=400, ncv=ncv)])
    assert r.rows[0].co2e_t == pytest.approx(400 * ncv * 0.0261 * 0.93 * 44 / 12)


def test_co2_recovered_is_deducted_only_under_a_guideline_that_allows_it():
    """R_CO2回收 of the chemical guideline: deducted from the direct emissions; refused (row and field named) for
    another sector."""
    from carbonms.accounting import AccountingErrors, calculate

    base = {"entity": "A", "period": "2024", "source": "s", "method": "measurement", "material": "CO2", "unit": "t"}
    res = calculate([{**base, "category": "process", "amount": 100},
                     {**base, "category": "co2_recovered", "amount": 30, "sector": "chemical"},
                     {**base, "category": "CO2回收利用", "amount": 1, "unit": "10^4Nm3", "purity": 0.99,
                      "sector": "化工"}])
    assert [r.co2e_t for r in res.rows] == pytest.approx([100, -30, -1 * 0.99 * 19.77])
    assert res.totals["direct"] == pytest.approx(100 - 30 - 19.5723)
    with pytest.raises(AccountingErrors) as exc:
        calculate([{**base, "category": "co2_recovered", "amount": 30, "sector": "cement"}])
    err = exc.value.errors[0]
    assert (err.row, err.field, err.code) == (1, "sector", "recovery_not_allowed")
    with pytest.raises(AccountingErrors):  # no sector given: the general defaults, which deduct nothing
        calculate([{**base, "category": "co2_recovered", "amount": 30}])


def test_balance_check_can_be_left_to_the_caller():
    """A caller computing one unit amount per parameter set checks the balance on its aggregated flows."""
    from carbonms.accounting import AccountingErrors, calculate
    from carbonms.accounting.prepare import balance_errors

    out = {"entity": "A", "period": "2024", "source": "s", "category": "process", "method": "mass_balance",
           "material": "粗钢", "amount": 1, "unit": "t", "direction": "output", "carbon_fraction": 0.004}
    with pytest.raises(AccountingErrors):
        calculate([out])
    assert calculate([out], check_balance=False).rows[0].co2e_t == pytest.approx(-0.004 * 44 / 12)
    errors = balance_errors({"g": ("MB-STEEL", -1.0, None), "h": ("ok", 2.0, None)})
    assert [e.code for e in errors] == ["mass_balance_negative"] and errors[0].params["source"] == "MB-STEEL"


@pytest.mark.parametrize("parameter, value, unit, activity, expected", [
    ("ncv", 21.5, "MJ/kg", "t", ("ncv", 21.5)),
    ("ncv", 21500, "kJ/kg", "kg", ("ncv", 21.5)),
    ("ncv", 38.931, "MJ/Nm3", "万Nm3", ("ncv", 389.31)),
    ("carbon_content", 26.18, "kgC/GJ", "t", ("carbon_content", 0.02618)),
    ("carbon_content", 55, "%", "t", ("carbon_per_unit", 0.55)),
    ("carbon_fraction", 85.5, "%", "t", ("carbon_fraction", 0.855)),
    ("carbon_fraction", 2.25, "tC/10^4Nm3", "10^4Nm3", ("carbon_fraction", 2.25)),
    ("purity", 92, "%", "t", ("purity", 0.92)),
])
def test_lab_values_are_converted_to_the_unit_of_the_activity(parameter, value, unit, activity, expected):
    from carbonms.accounting.units import lab_value

    assert lab_value(parameter, value, unit, activity) == expected


@pytest.mark.parametrize("parameter, unit, activity, code", [
    ("ncv", "GJ/10^4Nm3", "t", "lab_unit_activity"),  # a volume-based NCV for a solid fuel in tonnes
    ("ncv", "GJ/t", "10^4Nm3", "lab_unit_activity"),
    ("carbon_fraction", "tC/t", "MWh", "lab_unit_activity"),
    ("ncv", "GJ/kg", "t", "lab_unit"),
    ("carbon_content", "GJ/t", "t", "lab_unit"),
])
def test_a_lab_unit_that_cannot_describe_the_activity_is_refused(parameter, unit, activity, code):
    from carbonms.accounting.units import lab_value

    with pytest.raises(UnitProblem) as exc:
        lab_value(parameter, 1.0, unit, activity)
    assert exc.value.code == code
