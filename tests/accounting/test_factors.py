"""The versioned factor library, the shipped defaults, GWP sets, recalculation and its diff."""

from __future__ import annotations

import csv
import dataclasses
from importlib import resources

import pytest

from carbonms.accounting import (
    DEFAULT_FUEL_SET,
    AccountingErrors,
    Factor,
    FactorLibrary,
    calculate,
    recalculate,
    reproduce,
    shipped_factors,
)

DATA = resources.files("carbonms.accounting").joinpath("data")


def test_shipped_tables_are_the_reference_copies_with_source_and_status():
    for name in ("fuels.csv", "grid_electricity.csv", "gwp.csv", "process_and_other.csv"):
        rows = list(csv.DictReader(DATA.joinpath(name).read_text(encoding="utf-8").splitlines()))
        assert rows and "source" in rows[0], name
        if name != "gwp.csv":
            assert all(r["status"] in {"verified", "corroborated", "third-party", "unverified"} for r in rows), name
    for f in shipped_factors():
        assert f.source and f.status, f.key


def test_default_fuel_set_is_the_ndrc_industry_other_table(library):
    assert DEFAULT_FUEL_SET == "CN-industry-other-2015"
    fuels = [f for f in library if f.kind == "fuel" and f.factor_set == DEFAULT_FUEL_SET]
    assert len(fuels) == 22
    gas = library.find_fuel("天然气")
    assert (gas.ncv, gas.ncv_unit, gas.carbon_content, gas.oxidation_rate) == (389.31, "GJ/10^4Nm3", 0.0153, 0.99)
    assert library.find_fuel("natural gas").key == gas.key
    assert library.find_fuel("型煤").name == "其他煤制品(型煤)"
    assert library.find_fuel("无烟煤", "third-party-conflicting").ncv == 24.515  # only when asked for explicitly


def test_grid_factors_by_year_and_scope(library):
    assert library.find_grid(2022).value == 0.5366
    assert library.find_grid(2021).value == 0.5568
    assert library.find_grid(2023, "华北").value == 0.6361
    assert library.find_grid(2022, "四川").value == 0.1404
    assert library.find_grid(2022, "四川省").value == 0.1404
    assert library.find_grid(2022, scope="residual_mix").value == 0.5856
    assert library.find_grid(2023, scope="ets").value == 0.5703  # '2022+' is open-ended
    assert library.find_grid(2020, scope="ets").value == 0.6101
    assert library.find_grid(2024, "碳市场").value == 0.5703 and library.find_grid(2022, "ETS").scope == "ets"
    assert library.find_grid(1990) is None
    assert library.heat_default().value == 0.11 and library.heat_default().unit == "tCO2/GJ"


def test_versions_are_immutable_and_corrections_are_new_versions(library):
    key = "fuel/CN-industry-other-2015/柴油"
    v1 = library.get(key)
    with pytest.raises(dataclasses.FrozenInstanceError):
        v1.ncv = 1.0  # type: ignore[misc]
    v2 = library.correct(key, ncv=43.0, note="measured NCV of the 2022 supply")
    assert (v1.version, v2.version) == (1, 2)
    assert library.get(key).ncv == 43.0 and library.get(key, 1).ncv == 42.652
    assert library.by_version_id(f"{key}@1") is v1
    assert [f.version for f in library.versions(key)] == [1, 2]
    with pytest.raises(KeyError):
        library.get(key, 3)


def test_rows_round_trip_for_a_database(library):
    library.correct("heat/CN-guidelines/热力", value=0.12, note="provincial rule")
    rows = library.to_rows()
    assert all(isinstance(r, dict) and "version" in r for r in rows)
    rebuilt = FactorLibrary.from_rows(rows)
    assert rebuilt.to_rows() == rows
    assert rebuilt.get("heat/CN-guidelines/热力", 1).value == 0.11
    with pytest.raises(AccountingErrors):
        FactorLibrary.from_rows([r for r in rows if not (r["key"] == "heat/CN-guidelines/热力" and r["version"] == 1)])


def test_user_factors_are_validated(library):
    with pytest.raises(ValueError, match="oxidation_rate"):
        library.add({"kind": "fuel", "name": "生物质", "carbon_content": 0.02, "oxidation_rate": 1.5})
    with pytest.raises(ValueError, match="kind"):
        Factor.from_row({"kind": "magic", "name": "x"})
    f = library.add({"kind": "ef", "name": "水泥", "value": "0.8", "unit": "tCO2e/t", "gas": "CO2e"})
    assert f.version == 1 and f.key == "ef/user/水泥" and library.find_ef("水泥") is f


def test_result_records_the_factor_version_and_recalculation_gives_a_diff(library, row):
    rows = [row(category="stationary_combustion", method="fuel_combustion", material="柴油", amount=100),
            row(category="purchased_heat", method="emission_factor", material="热力", amount=1000, unit="GJ")]
    old = calculate(rows, library=library)
    assert old.factor_versions() == {"fuel/CN-industry-other-2015/柴油": 1, "heat/CN-guidelines/热力": 1}
    library.correct("fuel/CN-industry-other-2015/柴油", carbon_content=0.0203, note="checked against the PDF")
    # the old result object is unchanged, and reproducing it with its pinned versions gives the same numbers
    again = reproduce(old, library)
    assert again.totals["gross"] == old.totals["gross"]
    assert again.rows[0].factor["version"] == 1
    rec = recalculate(old, library)
    assert rec.new.rows[0].factor["version_id"] == "fuel/CN-industry-other-2015/柴油@2"
    assert [d["row"] for d in rec.rows] == [1]
    d = rec.rows[0]
    assert d["old_factor"].endswith("@1") and d["new_factor"].endswith("@2")
    assert d["delta_co2e_t"] == pytest.approx(old.rows[0].co2e_t * (0.0203 / 0.0202 - 1), rel=1e-9)
    assert rec.totals["gross"] == pytest.approx(d["delta_co2e_t"])
    assert rec.totals["removals"] == 0


def test_overridden_parameters_are_named_in_the_provenance(row):
    r = calculate([row(category="stationary_combustion", method="fuel_combustion", material="柴油", amount=1,
                       ncv=43.1)])
    f = r.rows[0].factor
    assert f["version_id"] == "fuel/CN-industry-other-2015/柴油@1"
    assert f["supplied"] == {"ncv": 43.1, "ncv_unit": "GJ/t"}
    assert r.rows[0].co2e_t == pytest.approx(43.1 * 0.0202 * 0.98 * 44 / 12)
    assert r.rows[0].gwp_set == "SAR" and r.rows[0].method == "fuel_combustion"  # the default set
    assert r.rows[0].activity["amount"] == 1.0


def test_gwp_table(gwp):
    assert gwp.gwp("SF6", "AR6") == 25200
    assert gwp.gwp("cf4", "SAR") == 6500
    assert gwp.canonical("CH₄") == "CH4"
    assert gwp.gwp("NF3", "SAR") is None
    assert gwp.gwp("CH4-fossil", "AR6") == 29.8
    assert gwp.gwp("CO2e", "SAR") == 1.0
    assert gwp.gwp("nonsense", "AR5") is None


def test_province_names_with_suffixes(library):
    assert library.find_grid(2023, "广西壮族自治区").value == library.find_grid(2023, "广西").value
    assert library.find_grid(2022, "内蒙古自治区").value == 0.6849
    assert library.find_grid(2021, "北京市").value == 0.5688


def test_reproduce_refuses_a_row_that_now_resolves_to_another_factor(library, row):
    rows = [row(category="process", method="emission_factor", material="碳酸钙(石灰石)", amount=10)]
    old = calculate(rows, library=library)
    library.add({"kind": "ef", "name": "碳酸钙(石灰石)", "value": 0.43971, "unit": "tCO2/t", "source": "IPCC Table 2.1"})
    with pytest.raises(AccountingErrors) as info:
        reproduce(old, library)
    assert info.value.errors[0].code == "reproduce_changed" and info.value.errors[0].row == 1
    assert recalculate(old, library).rows[0]["new_factor"] == "ef/user/碳酸钙(石灰石)@1"
