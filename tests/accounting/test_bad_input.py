"""Every bad-input case of issue 3, each with its message naming the row, the field and the reason."""

from __future__ import annotations

import pytest

from carbonms.accounting import AccountingErrors, calculate
from carbonms.accounting.messages import CATALOGUE, check_catalogue, translate

FUEL = {"category": "stationary_combustion", "method": "fuel_combustion", "material": "柴油", "amount": 10}
ELEC = {"category": "purchased_electricity", "method": "emission_factor", "material": "电力", "amount": 10,
        "unit": "MWh"}


def errors_of(rows):
    with pytest.raises(AccountingErrors) as info:
        calculate(rows)
    return info.value.errors


CASES = [
    # (case id, row fields, field, message zh, message en)
    ("unknown material", {**FUEL, "material": "木星煤"}, "material",
     "第 1 行，字段“material”：因子库（CN-industry-other-2015）中没有物料“木星煤”",
     "row 1, field 'material': unknown material '木星煤' in the factor library (CN-industry-other-2015)"),
    ("unknown factor (grid year)", {**ELEC, "year": 1999}, "year",
     "第 1 行，字段“year”：找不到适用的排放因子：grid 全国 1999",
     "row 1, field 'year': no applicable emission factor: grid 全国 1999"),
    ("unknown factor (grid region)", {**ELEC, "year": 2022, "region": "火星"}, "region",
     "第 1 行，字段“region”：找不到适用的排放因子：grid 火星 2022",
     "row 1, field 'region': no applicable emission factor: grid 火星 2022"),
    ("unit mismatch", {**FUEL, "unit": "MWh"}, "unit",
     "第 1 行，字段“unit”：单位“MWh”不能换算为“t”",
     "row 1, field 'unit': unit 'MWh' cannot be converted to 't'"),
    ("unit mismatch gas vs mass", {**FUEL, "material": "天然气", "unit": "t"}, "unit",
     "第 1 行，字段“unit”：单位“t”不能换算为“10^4Nm3”",
     "row 1, field 'unit': unit 't' cannot be converted to '10^4Nm3'"),
    ("volume without density", {**FUEL, "unit": "L"}, "unit",
     "第 1 行，字段“unit”：单位“L”是体积，换算为“t”需要填写密度 density（t/m3）",
     "row 1, field 'unit': unit 'L' is a volume; converting it to 't' needs a density (t/m3)"),
    ("unknown unit", {**FUEL, "unit": "bbl-ish"}, "unit",
     "第 1 行，字段“unit”：无法识别的单位“bbl-ish”", "row 1, field 'unit': unknown unit 'bbl-ish'"),
    ("negative amount", {**FUEL, "amount": -3}, "amount",
     "第 1 行，字段“amount”：不允许为负数（-3）", "row 1, field 'amount': a negative value is not allowed here (-3)"),
    ("negative stock balance", {**FUEL, "amount": "", "opening_stock": 1, "purchased": 2, "closing_stock": 5},
     "amount", None, None),
    ("missing required value", {**FUEL, "amount": ""}, "amount",
     "第 1 行，字段“amount”：必填项缺失", "row 1, field 'amount': required value is missing"),
    ("missing required parameter (mass balance)",
     {"category": "process", "method": "mass_balance", "material": "焦炭", "amount": 5, "direction": "input"},
     "carbon_fraction", "第 1 行，字段“carbon_fraction”：缺少必需参数（carbon_fraction tC/t）",
     "row 1, field 'carbon_fraction': required parameter is missing (carbon_fraction tC/t)"),
    ("missing steam enthalpy",
     {"category": "purchased_heat", "method": "emission_factor", "material": "蒸汽", "amount": 5, "unit": "t蒸汽"},
     "steam_enthalpy", None, "row 1, field 'steam_enthalpy': required parameter is missing (steam_enthalpy kJ/kg)"),
    ("missing ef for a sink",
     {"category": "removal", "method": "emission_factor", "material": "绿地", "amount": 5, "unit": "ha"},
     "ef", None, "row 1, field 'ef': required parameter is missing (ef + ef_unit, e.g. tCO2/ha)"),
    ("missing gas for fugitive", {"category": "fugitive", "method": "emission_factor", "amount": 5, "unit": "kg"},
     "gas", None, "row 1, field 'gas': required parameter is missing (gas (e.g. SF6, HFC-134a))"),
    ("missing year for grid", {**ELEC, "period": "FY"}, "year", None,
     "row 1, field 'year': required parameter is missing (year (grid factor))"),
    ("impossible oxidation rate", {**FUEL, "oxidation_rate": 1.2}, "oxidation_rate",
     "第 1 行，字段“oxidation_rate”：“1.2”不是 0 到 1 之间的比例",
     "row 1, field 'oxidation_rate': '1.2' is not a fraction between 0 and 1"),
    ("impossible purity", {"category": "process", "method": "emission_factor", "material": "石灰石", "amount": 1,
                           "purity": 95}, "purity", None, "row 1, field 'purity': '95' is not a fraction between 0 and 1"),
    ("impossible carbon fraction",
     {"category": "process", "method": "mass_balance", "material": "x", "amount": 1, "direction": "input",
      "carbon_fraction": 1.5}, "carbon_fraction", None,
     "row 1, field 'carbon_fraction': '1.5' is not a fraction between 0 and 1"),
    ("impossible leakage rate", {"category": "fugitive", "method": "emission_factor", "amount": 1, "unit": "kg",
                                 "gas": "SF6", "leakage_rate": -0.1}, "leakage_rate", None,
     "row 1, field 'leakage_rate': '-0.1' is not a fraction between 0 and 1"),
    ("not a number", {**FUEL, "amount": "ten"}, "amount", "第 1 行，字段“amount”：“ten”不是数字",
     "row 1, field 'amount': 'ten' is not a number"),
    ("unknown category", {**FUEL, "category": "火山"}, "category", None, "row 1, field 'category': unknown category '火山'"),
    ("unknown method", {**FUEL, "method": "guess"}, "method", None, "row 1, field 'method': unknown method 'guess'"),
    ("method not allowed", {**ELEC, "method": "fuel_combustion"}, "method", None,
     "row 1, field 'method': method 'fuel_combustion' cannot be used for category 'purchased_electricity'"),
    ("unknown gas", {"category": "fugitive", "method": "emission_factor", "amount": 1, "unit": "kg", "gas": "XYZ"},
     "gas", None, "row 1, field 'gas': unknown greenhouse gas 'XYZ'"),
    ("bad direction", {"category": "process", "method": "mass_balance", "material": "x", "amount": 1,
                       "direction": "sideways", "carbon_fraction": 0.5}, "direction", None,
     "row 1, field 'direction': 'sideways' is not input or output"),
    ("bad ef unit", {"category": "transport", "method": "emission_factor", "amount": 1, "ef": 2, "ef_unit": "CO2"},
     "ef_unit", None, None),
    ("recovered exceeds charged", {"category": "fugitive", "method": "emission_factor", "amount": 1, "unit": "kg",
                                   "gas": "SF6", "recovered": 2}, "recovered", None,
     "row 1, field 'recovered': recovered amount 2.0 exceeds the charged amount 1.0"),
    ("market exceeds consumption", {**ELEC, "year": 2022, "market_amount": 20}, "market_amount", None, None),
    ("gas other than CO2 for fuel combustion", {**FUEL, "gas": "CH4"}, "gas",
     "第 1 行，字段“gas”：“fuel_combustion”只核算 CO2，不能用于气体“CH4”（请给出该气体的排放因子 ef）",
     "row 1, field 'gas': 'fuel_combustion' computes CO2 only, not 'CH4' (give an ef for that gas)"),
    ("gas other than CO2 with the grid factor", {**ELEC, "year": 2022, "gas": "N2O"}, "gas", None,
     "row 1, field 'gas': 'purchased_electricity' computes CO2 only, not 'N2O' (give an ef for that gas)"),
    ("missing required text", {**FUEL, "entity": ""}, "entity", None, "row 1, field 'entity': required value is missing"),
]


@pytest.mark.parametrize(("case", "fields", "field", "zh", "en"), CASES, ids=[c[0] for c in CASES])
def test_bad_input_names_row_field_and_reason(row, case, fields, field, zh, en):
    errs = errors_of([row(**fields)])
    assert len(errs) == 1, case
    err = errs[0]
    assert err.row == 1
    assert err.field == field
    if zh:
        assert err.message("zh") == zh
    if en:
        assert err.message("en") == en
    assert f"row 1, field '{field}'" in err.message("en")
    assert f"第 1 行，字段“{field}”" in err.message("zh")


def test_all_rows_are_reported_and_rows_are_numbered_from_one(row):
    rows = [row(**FUEL), row(**{**FUEL, "amount": -1}), row(**FUEL), row(**{**FUEL, "unit": "GJ"})]
    errs = errors_of(rows)
    assert [(e.row, e.field) for e in errs] == [(2, "amount"), (4, "unit")]


def test_gwp_undefined_for_the_set(row):
    rows = [row(category="fugitive", method="emission_factor", amount=1, unit="kg", gas="NF3")]
    with pytest.raises(AccountingErrors) as info:
        calculate(rows, gwp_set="SAR")
    assert info.value.errors[0].message("en") == "row 1, field 'gas': the GWP set SAR has no value for gas 'NF3'"
    assert calculate(rows, gwp_set="AR5").rows[0].co2e_t == pytest.approx(16.1)


def test_negative_mass_balance_of_a_source(row):
    base = {"category": "process", "method": "mass_balance", "material": "m", "source": "炉"}
    rows = [row(**base, amount=1, direction="input", carbon_fraction=0.1),
            row(**base, amount=10, direction="output", carbon_fraction=0.5)]
    errs = errors_of(rows)
    assert errs[0].row == 1 and errs[0].field == "direction"
    assert "炉" in errs[0].message("zh") and "negative" in errs[0].message("en")


def test_market_data_needs_a_residual_mix_for_every_electricity_row(row):
    rows = [row(**ELEC, year=2022, market_amount=5), row(**ELEC, year=2019, ef=0.8)]
    errs = errors_of(rows)
    assert [(e.row, e.field, e.code) for e in errs] == [(2, "year", "residual_missing")]


def test_catalogue_is_complete_in_both_languages():
    assert check_catalogue() == []
    assert len(CATALOGUE) >= 30
    assert translate("empty_input", "en") == "the input has no data rows"
    assert translate("empty_input") == "输入没有数据行"
