"""Published figures reproduced by the engine. Each test names its source.

Where a source publishes a computed result (IPCC default emission factors, which are NCV-free
products of the carbon content and 44/12; the IPCC diesel example), the test compares with that
result. Where it publishes a formula and its parameters (NDRC guidelines, MEE grid factors, GB/T 2589,
IPCC uncertainty equations), the expected value is worked out by hand in the test from those
published numbers, never from the engine's own code.
"""

from __future__ import annotations

import math

import pytest

from carbonms.accounting import calculate, cems_emissions, convert, intensity, steam_to_gj


def one(rows, **kw):
    return calculate(rows, **kw)


def test_ipcc_2006_natural_gas_default_ef(row):
    """IPCC 2006 Vol. 2 Ch. 1: natural gas carbon content 15.3 kg C/GJ (Table 1.3), oxidation 1, gives
    the default EF 56,100 kg CO2/TJ (Table 1.4); NCV 48.0 TJ/Gg (Table 1.2). 1 t of gas -> 48 GJ ->
    48 × 56.1 kg = 2.6928 t CO2."""
    r = one([row(category="stationary_combustion", method="fuel_combustion", material="天然气",
                 amount=1, unit="t", factor_set="IPCC-2006")])
    assert r.rows[0].co2e_t == pytest.approx(48.0 * 56.1 / 1000, rel=1e-12)
    assert r.rows[0].factor["factor_set"] == "IPCC-2006"


def test_ipcc_2006_diesel_worked_example(row):
    """IPCC 2006 Vol. 2 Ch. 1, gas/diesel oil: EF 74,100 kg CO2/TJ (Table 1.4) and NCV 43.0 TJ/Gg
    (Table 1.2) give 74.1 × 43 / 1000 = 3.1863 kg CO2 per kg of diesel (worked in e.g.
    http://wuliok.com/keyushenghuo/xiaozhishixiaohuodong/17166.html). The table EF is 20.2 kg C/GJ ×
    44/12 = 74.07 rounded to 74.1, so we match 3.1863 within that rounding (0.05 %)."""
    r = one([row(category="mobile_combustion", method="fuel_combustion", material="柴油", amount=1000,
                 unit="kg", factor_set="IPCC-2006")])
    assert r.rows[0].co2e_t == pytest.approx(3.1863, rel=5e-4)
    assert r.rows[0].co2e_t == pytest.approx(43.0 * 0.0202 * 1.0 * 44 / 12, rel=1e-12)


def test_ndrc_industry_other_2015_diesel_defaults(row):
    """NDRC 工业其他行业企业温室气体排放核算方法与报告指南(试行) 附录二 表2.1, diesel: NCV 42.652 GJ/t,
    C 20.20 × 10⁻³ tC/GJ, oxidation 98 %; E = FC × NCV × CC × OF × 44/12 (guideline formula for
    fossil fuel combustion). 100 t diesel -> 100 × 42.652 × 0.0202 × 0.98 × 44/12 = 309.5909637 t."""
    r = one([row(category="stationary_combustion", method="fuel_combustion", material="柴油", amount=100)])
    expected = 100 * 42.652 * 0.0202 * 0.98 * 44 / 12
    assert expected == pytest.approx(309.5909637, abs=1e-6)
    assert r.rows[0].co2e_t == pytest.approx(expected, rel=1e-12)
    assert r.rows[0].factor["version_id"] == "fuel/CN-industry-other-2015/柴油@1"


def test_ndrc_industry_other_2015_natural_gas_in_10k_nm3(row):
    """Same guideline table, natural gas: NCV 389.31 GJ/10⁴Nm³, C 15.30 × 10⁻³ tC/GJ, oxidation 99 %.
    1 × 10⁴ Nm³ -> 389.31 × 0.0153 × 0.99 × 44/12 = 21.6219 t CO2 (the per-10⁴Nm³ factor quoted
    in the guideline training material as ≈ 21.62 tCO2/10⁴Nm³). Given in Nm³ it must be the same."""
    a = one([row(category="固定燃烧", method="fuel_combustion", material="天然气", amount=1, unit="万立方米")])
    b = one([row(category="固定燃烧", method="fuel_combustion", material="天然气", amount=10000, unit="Nm3")])
    assert a.rows[0].co2e_t == pytest.approx(389.31 * 0.0153 * 0.99 * 44 / 12, rel=1e-12)
    assert round(a.rows[0].co2e_t, 2) == 21.62
    assert b.rows[0].co2e_t == pytest.approx(a.rows[0].co2e_t, rel=1e-12)


def test_ipcc_table_2_1_calcite_stoichiometry(row):
    """IPCC 2006 Vol. 3 Ch. 2 Table 2.1: calcite (CaCO3) 0.43971 t CO2 per t carbonate, the ratio of
    the molar masses 44.0095 / 100.0869. The shipped default (GB/T 32151 / NDRC guideline) is 0.440.
    1000 t limestone of 95 % purity, fully calcined: 1000 × 0.95 × 0.440 = 418 t CO2."""
    assert abs(44.0095 / 100.0869 - 0.43971) < 5e-6
    r = one([row(category="process", method="emission_factor", material="石灰石", amount=1000, purity=0.95)])
    assert r.rows[0].co2e_t == pytest.approx(418.0, rel=1e-12)
    assert r.rows[0].factor["value"] == 0.44


def test_mee_2022_national_grid_factor(row):
    """MEE/NBS announcement of the 2022 electricity CO2 factors (2024-12-20): national average
    0.5366 tCO2/MWh; East China grid 0.5617. 10,000 MWh -> 5,366 t and 5,617 t."""
    r = one([
        row(category="purchased_electricity", method="emission_factor", material="电力", amount=10000,
            unit="MWh", year=2022),
        row(category="外购电力", method="emission_factor", material="电力", amount=1e7, unit="kWh",
            year=2022, region="华东"),
    ])
    assert r.rows[0].co2e_t == pytest.approx(5366.0, rel=1e-12)
    assert r.rows[1].co2e_t == pytest.approx(5617.0, rel=1e-12)
    assert r.totals["indirect_energy"] == pytest.approx(10983.0, rel=1e-12)


def test_market_based_residual_mix_2022(row):
    """GHG Protocol Scope 2 Guidance (2015) dual reporting with the MEE 2022 residual-mix factor
    (national excl. market-traded non-fossil power) 0.5856 tCO2/MWh: 10,000 MWh of which 4,000 MWh
    covered by green certificates (0 tCO2/MWh) -> 6,000 × 0.5856 = 3,513.6 t market-based, while
    the location-based result stays 10,000 × 0.5366 = 5,366 t."""
    r = one([row(category="purchased_electricity", method="emission_factor", material="电力", amount=10000,
                 unit="MWh", year=2022, market_amount=4000, market_ef=0)])
    assert r.totals["indirect_energy"] == pytest.approx(5366.0, rel=1e-12)
    assert r.totals["indirect_energy_market"] == pytest.approx(3513.6, rel=1e-12)
    assert r.rows[0].factor["residual_mix"]["value"] == 0.5856


def test_ndrc_purchased_steam_rule(row):
    """NDRC industry guidelines (2013-2015), purchased heat: steam in t is converted to heat by
    AD = Ma × (En − 83.74) × 10⁻³ GJ, and the default EF of heat is 0.11 tCO2/GJ.
    100 t of steam at 2,777 kJ/kg -> 100 × (2777 − 83.74) / 1000 = 269.326 GJ -> 29.62586 t CO2."""
    assert steam_to_gj(100, 2777) == pytest.approx(269.326, rel=1e-12)
    r = one([row(category="purchased_heat", method="emission_factor", material="蒸汽", amount=100,
                 unit="t蒸汽", steam_enthalpy=2777)])
    assert r.rows[0].co2e_t == pytest.approx(269.326 * 0.11, rel=1e-12)


def test_sf6_under_sar_as_in_the_grid_guideline(row):
    """NDRC 中国电网企业温室气体排放核算方法与报告指南: SF6 emissions = (capacity of retired/repaired
    equipment − recovered) × GWP, with SAR GWP 23,900. 120 kg charged, 20 kg recovered ->
    0.1 t × 23,900 = 2,390 tCO2e; with AR5 (23,500) 2,350 tCO2e."""
    rows = [row(category="fugitive", method="emission_factor", material="SF6", gas="SF6", amount=120,
                unit="kg", recovered=20)]
    assert one(rows, gwp_set="SAR").rows[0].co2e_t == pytest.approx(2390.0, rel=1e-12)
    assert one(rows, gwp_set="AR5").rows[0].co2e_t == pytest.approx(2350.0, rel=1e-12)
    assert one(rows, gwp_set="SAR").rows[0].by_gas == {"SF6": pytest.approx(0.1, rel=1e-12)}


@pytest.mark.parametrize(("gwp_set", "expected"), [("SAR", 21), ("AR4", 25), ("AR5", 28), ("AR6", 27.9)])
def test_ch4_gwp_sets(row, gwp_set, expected):
    """IPCC 100-year GWP of CH4: SAR 21, AR4 25, AR5 28 (no climate-carbon feedback), AR6 27.9
    (shipped gwp.csv, from the IPCC reports via openclimatedata/globalwarmingpotentials)."""
    r = one([row(category="other_indirect", method="emission_factor", material="沼气逸散", gas="CH4",
                 amount=1, ef=1, ef_unit="tCH4/t")], gwp_set=gwp_set)
    assert r.rows[0].co2e_t == pytest.approx(expected, rel=1e-12)


def test_gbt_2589_standard_coal():
    """GB/T 2589-2020: 1 kgce has a low heating value of 29,307 kJ (7,000 kcal); the calorific
    equivalent of electricity 0.1229 kgce/kWh is 860 kcal / 7,000 kcal rounded to 4 decimals (on
    the kJ basis 3,600 / 29,307 = 0.12284). Heat 0.03412 kgce/MJ = 1,000 / 29,307."""
    assert convert(1, "tce", "GJ") == pytest.approx(29.307, rel=1e-12)
    assert round(860 / 7000, 4) == 0.1229
    assert convert(1, "kWh", "kgce") == pytest.approx(0.12284, abs=5e-6)
    assert round(convert(1, "MJ", "kgce"), 5) == 0.03412


def test_gbt_2589_energy_of_a_fuel_row(row):
    """tce of a combustion row from its NCV (GB/T 2589 calorific equivalence):
    100 t diesel × 42.652 GJ/t / 29.307 GJ/tce = 145.5352 tce."""
    r = one([row(category="stationary_combustion", method="fuel_combustion", material="柴油", amount=100)])
    assert r.totals["energy_tce"] == pytest.approx(100 * 42.652 / 29.307, rel=1e-12)


def test_ipcc_approach_1_error_propagation(row):
    """IPCC 2006 Vol. 1 Ch. 3, eq. 3.1 and 3.2. Row 1: AD ±3 %, EF ±4 % -> ±5 % (eq. 3.1) on 100 t.
    Row 2: ±12 % on 100 t. Total 200 t: √((5·100)² + (12·100)²)/200 = 6.5 % (eq. 3.2)."""
    rows = [
        row(category="transport", method="emission_factor", material="a", amount=100, ef=1, ef_unit="tCO2/t",
            uncertainty_pct=3, ef_uncertainty_pct=4),
        row(category="transport", method="emission_factor", material="b", amount=100, ef=1, ef_unit="tCO2/t",
            uncertainty_pct=12),
    ]
    r = one(rows)
    assert r.rows[0].uncertainty_pct == pytest.approx(5.0, rel=1e-12)
    assert r.totals["uncertainty_pct"] == pytest.approx(math.sqrt(500**2 + 1200**2) / 200, rel=1e-12)
    assert r.totals["uncertainty_pct"] == pytest.approx(6.5, rel=1e-12)


def test_cems_percent_to_mass_hj75():
    """HJ 75-2017 conversion mg/m³ = ppm × M / 22.4: 10 % vol CO2 = 10⁵ ppm × 44.01/22.4
    = 196,473.2 mg/Nm³; at 100,000 Nm³/h for 24 h -> 196,473.2 × 10⁵ × 24 × 10⁻⁹ = 471.5357 t."""
    res = cems_emissions([10.0] * 24, [100_000.0] * 24, unit="%")
    assert res.co2_t == pytest.approx(1e5 * 44.01 / 22.4 * 1e5 * 24 * 1e-9, rel=1e-12)
    assert res.co2_t == pytest.approx(471.5357, abs=1e-4)


def test_intensity_per_10k_yuan_uses_decimal():
    """T/CSES §3.3.10 intensity: 35,000 tCO2e over 12,500 × 10⁴ yuan value added = 2.8 tCO2e/10⁴ yuan."""
    from decimal import Decimal

    out = intensity(35000.0, value_added_10k_yuan="12500", output=7000, output_unit="t")
    assert out["per_10k_yuan_value_added"] == Decimal("2.8")
    assert out["per_output"] == Decimal(5)
