"""Sector default sets (issue 11, item 5): selection by industry code, each sector's process sources
against a hand calculation of its guideline's formula, fallback to the "other industry" defaults, and
the marking of unverified defaults on every result that uses them."""
from __future__ import annotations

import csv
import json

import pytest

from carbonms.accounting import calculate
from carbonms.accounting.cli import main
from carbonms.accounting.engine import reproduce
from carbonms.accounting.factors import (
    default_library,
    find_sector,
    industry_sectors,
    sector_for_industry,
    sectors,
    shipped_factors,
)
from carbonms.accounting.messages import AccountingErrors

CO2_PER_C = 44 / 12
STATUSES = {"verified", "corroborated", "third-party", "unverified"}


def row(material, amount, unit="t", **kw):
    base = {"entity": "E", "period": "2024", "source": kw.pop("source", material), "category": "process",
            "method": "emission_factor", "material": material, "amount": amount, "unit": unit}
    return {**base, **kw}


@pytest.mark.parametrize(("code", "sector"), [
    ("3120", "steel"), ("3110", "steel"), ("3130", "steel"), ("3011", "cement"), ("3021", "other"),
    ("3041", "flat_glass"), ("2614", "chemical"), ("2612", "chemical"), ("26", "chemical"), ("3216", "aluminium"),
    ("4411", "power"), ("4412", "power"), ("1711", "other"), ("", "other"), (None, "other"),
])
def test_sector_follows_the_industry_code(code, sector):
    assert sector_for_industry(code).code == sector


def test_every_sector_and_default_names_its_source_and_status():
    assert {"power", "steel", "cement", "flat_glass", "chemical", "aluminium", "other"} <= set(sectors())
    for sec in sectors().values():
        assert sec.guideline and sec.source and sec.status in STATUSES
    for prefix, sector, basis in industry_sectors():
        assert sector in sectors() and basis and prefix.isdigit()
    sector_sets = {s.factor_set for s in sectors().values() if s.code != "other"}
    sector_factors = [f for f in shipped_factors() if f.kind == "ef" and f.factor_set in sector_sets]
    assert {f.note for f in sector_factors} == {"power", "steel", "cement", "flat_glass", "chemical", "aluminium"}
    for f in sector_factors:
        assert f.source.startswith(sectors()[f.note].guideline) and f.status in STATUSES, f.key
    assert find_sector("水泥").code == find_sector("CN-cement-2013").code == "cement"
    assert find_sector("nonsense") is None


def test_steel_flux_electrodes_and_carbon_in_products_by_mass_balance():
    """Steel guideline: E = Σ flux × purity × EF + electrodes × EF + (pig iron in − crude steel out) carbon."""
    rows = [
        row("石灰石", 1000, purity=0.9, source="溶剂"), row("白云石", 500, source="溶剂"), row("电极", 200),
        row("生铁", 100000, method="mass_balance", direction="input", source="含碳原料与固碳产品"),
        row("粗钢", 110000, method="mass_balance", direction="output", source="含碳原料与固碳产品"),
    ]
    result = calculate(rows, sector="steel")
    by = [r.co2e_t for r in result.rows]
    assert by[0] == pytest.approx(1000 * 0.9 * 0.440)
    assert by[1] == pytest.approx(500 * 0.471)  # the steel guideline's dolomite, not the stoichiometric 0.477
    assert by[2] == pytest.approx(200 * 3.663)
    # carbon contents are the guideline's tCO2/t × 12/44: the balance gives back in − out in tCO2
    assert by[3] + by[4] == pytest.approx(100000 * 0.172 - 110000 * 0.0154)
    assert result.totals["by_category"]["process"] == pytest.approx(396 + 235.5 + 732.6 + 17200 - 1694)
    assert all(r.factor["sector"] == "steel" and r.factor["default_set"] == "steel" for r in result.rows)
    # without a sector the general carbonate table applies (stoichiometric dolomite)
    assert calculate(rows[1:2]).rows[0].co2e_t == pytest.approx(500 * 0.477)


def test_cement_clinker_and_kiln_dust():
    """Cement guideline: E = Σ(Q clinker + Q kiln dust) × [CaO × 44/56 + MgO × 44/40]."""
    result = calculate([row("熟料", 100000), row("窑头粉尘", 1500), row("旁路放风粉尘", 500)], sector="cement")
    assert [r.co2e_t for r in result.rows] == pytest.approx([100000 * 0.51, 1500 * 0.51, 500 * 0.51])
    assert result.rows[0].factor["status"] == "unverified" and result.rows[0].factor["factor_set"] == "CN-cement-2013"
    measured = calculate([row("熟料", 100000, cao_fraction=0.62, mgo_fraction=0.015),
                          row("窑头粉尘", 1500, cao_fraction=0.62, mgo_fraction=0.015)], sector="cement")
    ef = 0.62 * 44 / 56 + 0.015 * 44 / 40
    assert measured.totals["gross"] == pytest.approx((100000 + 1500) * ef)
    assert measured.rows[0].factor["supplied"] == {"cao_fraction": 0.62, "mgo_fraction": 0.015}
    with pytest.raises(AccountingErrors) as exc:
        calculate([row("熟料", 1, cao_fraction=1.2)], sector="cement")
    assert exc.value.errors[0].field == "cao_fraction"


def test_flat_glass_carbonates():
    """Flat glass guideline: E = Σ M × EF × F (calcination fraction)."""
    result = calculate([row("纯碱", 2000), row("白云石", 1000), row("石灰石", 500, calcination_fraction=0.98)],
                       sector="flat_glass")
    assert [r.co2e_t for r in result.rows] == pytest.approx([2000 * 0.415, 1000 * 0.477, 500 * 0.440 * 0.98])
    assert {r.factor["factor_set"] for r in result.rows} == {"CN-flat_glass-2013"}


def test_aluminium_anode_and_pfcs():
    """Aluminium guideline: anode NP × P × (1 − S − A) × 44/12; PFC P × EF × GWP (SAR: CF4 6500, C2F6 9200)."""
    rows = [row("炭阳极", 40000), row("阳极效应", 100000, gas="CF4"), row("阳极效应", 100000, gas="C2F6")]
    result = calculate(rows, sector="aluminium", gwp_set="SAR")
    anode = 0.4 * 100000 * (1 - 0.02 - 0.004) * CO2_PER_C  # NP 0.4 t anode / t Al, P 100 000 t Al
    assert result.rows[0].co2e_t == pytest.approx(anode, rel=1e-4)  # the factor is rounded to 4 decimals
    assert result.rows[1].by_gas == {"PFC-14": pytest.approx(100000 * 0.034 / 1000)}
    assert result.rows[1].co2e_t == pytest.approx(100000 * 0.034 / 1000 * 6500)
    assert result.rows[2].co2e_t == pytest.approx(100000 * 0.0034 / 1000 * 9200)


def test_power_desulphurisation_and_chemical_n2o():
    power = calculate([row("石灰石", 3000, purity=0.9)], sector="power")
    assert power.rows[0].co2e_t == pytest.approx(3000 * 0.9 * 0.440)
    assert power.rows[0].factor["factor_set"] == "CN-power-2013"
    nitric = calculate([row("硝酸(高压法)", 10000)], sector="chemical", gwp_set="SAR")
    assert nitric.rows[0].gas == "N2O" and nitric.rows[0].co2e_t == pytest.approx(10000 * 13.9 / 1000 * 310)


def test_fuels_fall_back_to_other_industry_and_the_set_used_is_recorded():
    rows = [row("焦炉煤气", 100, "10^4Nm3", category="stationary_combustion", method="fuel_combustion"),
            row("天然气", 100, "10^4Nm3", category="stationary_combustion", method="fuel_combustion")]
    result = calculate(rows, sector="steel")
    cog, ng = result.rows
    assert cog.factor["factor_set"] == "CN-steel-2013" and cog.factor["default_set"] == "steel"
    assert ng.factor["factor_set"] == "CN-industry-other-2015" and ng.factor["default_set"] == "other"
    assert ng.factor["sector"] == "steel"
    general = calculate(rows)
    assert general.rows[0].factor["factor_set"] == "CN-industry-other-2015" and "sector" not in general.rows[0].factor
    # a sector without its own fuel table uses the general one, recorded as the fallback
    cement = calculate(rows[1:], sector="cement")
    assert cement.rows[0].factor["default_set"] == "other"


def test_row_column_wins_and_unknown_sector_is_named():
    result = calculate([row("白云石", 100, sector="steel"), row("白云石", 100)], sector="flat_glass")
    assert [r.co2e_t for r in result.rows] == pytest.approx([47.1, 47.7])
    with pytest.raises(AccountingErrors) as exc:
        calculate([row("白云石", 100, sector="textiles")])
    err = exc.value.errors[0]
    assert (err.row, err.field) == (1, "sector") and "textiles" in err.reason("en")
    with pytest.raises(AccountingErrors):
        calculate([row("白云石", 100)], sector="textiles")


def test_a_users_factor_added_later_wins_over_the_sector_default():
    library = default_library()
    library.add({"kind": "ef", "name": "白云石", "value": 0.46, "unit": "tCO2/t", "source": "lab 2024", "status": "user"})
    result = calculate([row("白云石", 100)], library=library, sector="steel")
    assert result.rows[0].co2e_t == pytest.approx(46.0) and result.rows[0].factor["verified"] is True
    assert "flags" not in result.rows[0].as_dict()


def test_unverified_defaults_are_marked_on_every_result():
    result = calculate([row("熟料", 1000), row("石灰石", 10, ef=0.44)], sector="cement")
    clinker, own = result.rows
    assert clinker.factor["verified"] is False and "unverified_default=unverified" in clinker.flags
    assert "verified" not in own.factor and not own.flags  # the row's own factor is no default
    assert result.totals["unverified_default_co2e"] == pytest.approx(510.0)
    grid = calculate([row("电力", 100, "MWh", category="purchased_electricity", year=2022)])
    assert grid.rows[0].factor["status"] == "verified" and grid.rows[0].factor["verified"] is True
    assert grid.totals["unverified_default_co2e"] == 0


def test_reproduce_keeps_the_sector():
    result = calculate([row("白云石", 100)], sector="steel")
    assert result.as_dict()["sector"] == "steel"
    again = reproduce(result, default_library())
    assert again.rows[0].co2e_t == result.rows[0].co2e_t and again.sector == "steel"


def test_cli_sector_option_industry_option_and_column(tmp_path, capsys):
    path = tmp_path / "in.csv"
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=["entity", "period", "source", "category", "method", "material", "amount", "unit"])
        w.writeheader()
        w.writerow({"entity": "E", "period": "2024", "source": "窑", "category": "process", "method": "emission_factor",
                    "material": "熟料", "amount": 1000, "unit": "t"})
    assert main(["calc", str(path), "--sector", "cement", "--format", "json"]) == 0
    by_option = json.loads(capsys.readouterr().out)
    assert main(["calc", str(path), "--industry", "3011", "--format", "json"]) == 0
    by_industry = json.loads(capsys.readouterr().out)
    assert by_option["rows"][0]["co2e_t"] == by_industry["rows"][0]["co2e_t"] == pytest.approx(510)
    assert by_option["sector"] == "cement" and by_option["rows"][0]["factor"]["default_set"] == "cement"
    assert main(["calc", str(path), "--sector", "cement", "--format", "csv"]) == 0
    out = capsys.readouterr().out
    header, first = out.splitlines()[:2]
    assert header.endswith("factor_status,sector,default_set") and first.endswith("unverified,cement,cement")
    assert main(["calc", str(path), "--sector", "cement", "--lang", "en"]) == 0
    table = capsys.readouterr().out
    assert "ef/CN-cement-2013/熟料/CO2@1 *" in table and "* unverified default" in table and "sector: cement" in table
    # without a sector, no general default exists for clinker: the error names the row and field
    assert main(["calc", str(path), "--lang", "en"]) == 1
    assert "row 1, field 'material'" in capsys.readouterr().err
