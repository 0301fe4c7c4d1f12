"""Every method of the accounting core runs on the platform with the result of ``carbonms calc`` (issue 11,
items 1 and 2): one enterprise holding a source of every method, computed by a platform run and by the core
on equivalent input rows (``calculate`` and the ``carbonms calc`` command on a CSV), totals equal.

Also the defects the issue names, each failing before the change: a mass-balance source made the whole run
fail ("required parameter is missing (direction)"); a lab NCV in GJ/10⁴Nm³ for coal in tonnes gave 19.9 ×
the emissions with no warning; carbon content could not be entered as a mass fraction.
"""
from __future__ import annotations

import csv
import json
import subprocess
import sys
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from carbonms.accounting import calculate
from carbonms.accounting.engine import shared_defaults
from carbonms.accounting.factors import DEFAULT_FUEL_SET
from carbonms.carbondata import services
from carbonms.carbondata.models import LabAnalysis, Source
from carbonms.inventory.models import RunResult
from carbonms.inventory.services import grid_year, run_calculation
from tests.carbondata.factories import ActivityRecordFactory

YEAR = 2025
AMOUNTS = {1: Decimal("100"), 2: Decimal("80")}


def _source(clerk, ent, code, **data):
    base = {"code": code, "name": code, "category": "stationary_combustion", "method": "fuel_combustion",
            "material": "烟煤", "activity_unit": "t", "data_source": "ledger", "effective_from": "2020-01-01",
            "method_reason": "按核算指南选择"}
    return services.source_save(actor=clerk, enterprise=ent, data={**base, **data})


def _lab(clerk, source, month, parameter, value, unit, weight="1", batch=""):
    return services.lab_analysis_add(actor=clerk, source=source, data={
        "year": YEAR, "month": month, "batch": batch, "parameter": parameter, "value": value, "unit": unit, "weight": weight})


@pytest.fixture
def every_method(world):
    """E1 holds a source of every method; each has approved values for January and February."""
    clerk = world.users["data_clerk"]
    ent = world.e1.enterprise
    ent.industry_code, ent.industry_name = "2614", "有机化学原料制造"  # a chemical plant: CO2 recovered is deducted
    ent.save(update_fields=["industry_code", "industry_name"])
    removal_ef = services.user_factor_add(actor=clerk, park=world.park_a, enterprise=ent, data={
        "key": "厂区林地", "kind": "ef", "material": "林地", "ef": 6.0, "ef_unit": "tCO2/ha", "source_document": "林业碳汇测算报告"})
    s = {
        "coal": _source(clerk, ent, "FC-COAL"),
        "gas": _source(clerk, ent, "FC-NG", material="天然气", activity_unit="10^4Nm3"),
        "lime": _source(clerk, ent, "EF-LIME", category="process", method="emission_factor", material="碳酸钙(石灰石)",
                        purity="0.95", calcination_fraction="0.98"),
        "coke": _source(clerk, ent, "MB-COKE", category="process", method="mass_balance", material="焦炭", direction="input",
                        balance_group="炼铁-炼钢", carbon_fraction="0.86"),
        "steel": _source(clerk, ent, "MB-STEEL", category="process", method="mass_balance", material="粗钢",
                         direction="output", balance_group="炼铁-炼钢", carbon_fraction="0.004"),
        "cems": _source(clerk, ent, "CEMS-1", method="measurement", material="CEMS烟气", data_source="meter"),
        "sf6": _source(clerk, ent, "FUG-SF6", category="fugitive", method="emission_factor", material="SF6", gases="SF6",
                       activity_unit="kg"),
        "power": _source(clerk, ent, "ELEC", category="purchased_electricity", method="emission_factor", material="电力",
                         activity_unit="MWh", data_source="meter", market_share="0.3", market_ef="0"),
        "heat": _source(clerk, ent, "HEAT", category="purchased_heat", method="emission_factor", material="热力",
                        activity_unit="GJ", data_source="meter"),
        "steam": _source(clerk, ent, "STEAM", category="purchased_heat", method="emission_factor", material="蒸汽",
                         activity_unit="t蒸汽", steam_enthalpy="2780", data_source="meter"),
        "ccus": _source(clerk, ent, "CCUS", category="co2_recovered", method="measurement", material="回收CO2（食品级）",
                        data_source="meter"),
        "sink": _source(clerk, ent, "SINK", category="removal", method="emission_factor", material="林地",
                        activity_unit="ha", factor_key=removal_ef.key),
    }
    amounts = {"ccus": 40, "coke": 50, "steel": 400, "cems": 900, "sf6": 2, "power": 1500, "heat": 300, "steam": 120, "sink": 10}
    for key, src in s.items():
        for m, a in AMOUNTS.items():
            amount = Decimal(amounts.get(key, 1)) * a / 100
            ActivityRecordFactory(source=src, month=m, amount=amount)
    # lab values, in the units labs report them: January only (February uses the defaults)
    _lab(clerk, s["coal"], 1, "ncv", "21500", "kJ/kg", weight="60", batch="A")
    _lab(clerk, s["coal"], 1, "ncv", "22.0", "GJ/t", weight="40", batch="B")  # weighted: 21.7 GJ/t
    _lab(clerk, s["coal"], 1, "carbon_content", "55", "%")  # a mass fraction, converted with the month's NCV
    _lab(clerk, s["coal"], 1, "oxidation_rate", "98", "%")
    _lab(clerk, s["gas"], 1, "ncv", "38.931", "MJ/Nm3")  # 389.31 GJ/10^4Nm3
    _lab(clerk, s["gas"], 1, "carbon_content", "15.3", "kgC/GJ")
    _lab(clerk, s["lime"], 1, "purity", "92", "%")
    _lab(clerk, s["coke"], 1, "carbon_fraction", "85.5", "%")
    return world, s


def _rows(s) -> list[dict]:
    """The same inventory written by hand as input rows of the core (docs/calc-input.md)."""
    gy = grid_year(YEAR)
    rows = []

    def row(src, month, **extra):
        amount = float(src.activity.get(month=month, is_current=True).amount)
        rows.append({"entity": "E1", "period": str(YEAR), "source": src.code, "category": src.category, "method": src.method,
                     "material": src.material, "amount": amount, "unit": src.activity_unit,
                     "sector": "chemical",  # the enterprise's industry (2614) selects the chemical guideline's defaults
                     **extra})

    row(s["coal"], 1, ncv=21.7, ncv_unit="GJ/t", carbon_content=0.55 / 21.7, oxidation_rate=0.98)
    row(s["coal"], 2)
    row(s["gas"], 1, ncv=389.31, ncv_unit="GJ/10^4Nm3", carbon_content=0.0153)
    row(s["gas"], 2)
    row(s["lime"], 1, purity=0.92, calcination_fraction=0.98)
    row(s["lime"], 2, purity=0.95, calcination_fraction=0.98)
    for m, frac in ((1, 0.855), (2, 0.86)):
        row(s["coke"], m, direction="input", carbon_fraction=frac)
        rows[-1]["source"] = "炼铁-炼钢"
        row(s["steel"], m, direction="output", carbon_fraction=0.004)
        rows[-1]["source"] = "炼铁-炼钢"
    for m in (1, 2):
        row(s["cems"], m)
        row(s["sf6"], m, gas="SF6")
        row(s["power"], m, year=gy)
        rows[-1].update(market_amount=0.3 * rows[-1]["amount"], market_ef=0.0)  # 30 % green-power certificates
        row(s["heat"], m)
        row(s["steam"], m, steam_enthalpy=2780)
        row(s["sink"], m, ef=6.0, ef_unit="tCO2/ha")
        row(s["ccus"], m)
    return rows


TOTALS = ("direct", "indirect_energy", "indirect_energy_market", "other_indirect", "removals", "gross", "net", "energy_tce")


def test_every_method_gives_the_result_of_the_core(every_method, tmp_path):
    world, s = every_method
    run = run_calculation(actor=world.users["park_carbon_officer"], park=world.park_a, year=YEAR, enterprise=world.e1.enterprise)
    assert run.n_results == 2 * len(s)
    assert {r.method for r in RunResult.objects.filter(run=run)} == {
        "fuel_combustion", "emission_factor", "mass_balance", "measurement"}
    recovered = RunResult.objects.get(run=run, source=s["ccus"], month=1)
    assert recovered.co2e_t == pytest.approx(-40.0)  # deducted from the direct emissions
    assert run.totals["by_category"]["co2_recovered"] == pytest.approx(-40 - 32)
    rows = _rows(s)
    expected = calculate(rows, gwp_set="SAR")
    for key in TOTALS:  # equal to the last digit shown (6 decimals) and to 12 significant digits
        assert round(run.totals[key], 6) == round(expected.totals[key], 6), key
        assert run.totals[key] == pytest.approx(expected.totals[key], rel=1e-12, abs=1e-9), key
    expected_by_cat = {k: v for k, v in expected.totals["by_category"].items() if k != "removal"}  # removals: apart
    assert set(run.totals["by_category"]) == set(expected_by_cat)
    for cat, value in expected_by_cat.items():
        assert run.totals["by_category"][cat] == pytest.approx(value, rel=1e-12), cat
    # value by value too: each stored result equals the core's row
    by_source = {}
    for r in expected.rows:
        by_source.setdefault(r.source, []).append(r.co2e_t)
    stored = {}
    for r in RunResult.objects.filter(run=run).select_related("source").order_by("source__code", "month"):
        name = "炼铁-炼钢" if r.source.method == "mass_balance" else r.source.code
        stored.setdefault(name, []).append(abs(r.co2e_t) if r.category == "removal" else r.co2e_t)
    for name, values in by_source.items():
        assert sorted(stored[name]) == pytest.approx(sorted(values), rel=1e-12), name

    # the run page shows the market-based figure beside the location-based one
    from django.test import Client
    from django.urls import reverse

    client = Client()
    client.force_login(world.users["park_carbon_officer"])
    page = client.get(reverse("inventory:run", args=[run.pk])).content.decode()
    assert "能源间接排放（基于市场）" in page

    # the same rows through the command line (`carbonms calc` on a CSV): the same totals
    path = tmp_path / "every_method.csv"
    columns = sorted({k for r in rows for k in r})
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=columns)
        w.writeheader()
        for r in rows:
            w.writerow({k: (repr(v) if isinstance(v, float) else v) for k, v in r.items()})
    out = subprocess.run([sys.executable, "-m", "carbonms.accounting.cli", "calc", str(path), "--gwp", "SAR",
                          "--format", "json"], capture_output=True, text=True, check=True)
    cli = json.loads(out.stdout)["totals"]
    for key in TOTALS:  # the command prints 15 significant digits
        assert float(f"{run.totals[key]:.15g}") == pytest.approx(cli[key], rel=1e-12, abs=1e-9), key


def test_mass_balance_runs_and_is_checked_on_the_aggregated_flows(every_method):
    """Before: the run failed with "required parameter is missing (direction)"; an output flow alone, computed
    per unit, would also trip the core's negative-balance check. Now the balance of the group over the year is
    checked, and a negative one names its flows."""
    world, s = every_method
    officer = world.users["park_carbon_officer"]
    run = run_calculation(actor=officer, park=world.park_a, year=YEAR, enterprise=world.e1.enterprise)
    steel = RunResult.objects.get(run=run, source=s["steel"], month=1)
    assert steel.co2e_t == pytest.approx(-400 * 0.004 * 44 / 12)  # an output takes carbon out
    coke = RunResult.objects.get(run=run, source=s["coke"], month=1)
    assert coke.co2e_t == pytest.approx(50 * 0.855 * 44 / 12)  # the lab's carbon fraction (85.5 %) for January
    # more carbon out than in over the year: refused, naming the flows
    Source.objects.filter(pk=s["steel"].pk).update(carbon_fraction=Decimal("0.2"))
    with pytest.raises(ValidationError) as exc:
        run_calculation(actor=officer, park=world.park_a, year=YEAR, enterprise=world.e1.enterprise)
    assert "MB-COKE, MB-STEEL" in exc.value.messages[0] and "negative" in exc.value.messages[0]


def test_mass_balance_source_needs_its_parameters(world):
    clerk = world.users["data_clerk"]
    with pytest.raises(ValidationError) as exc:
        _source(clerk, world.e1.enterprise, "MB-X", category="process", method="mass_balance", material="焦炭", method_reason="")
    errors = exc.value.message_dict
    assert errors["direction"] == ["A mass-balance flow needs its direction (input or output)."]
    assert errors["carbon_fraction"] == ["A mass-balance flow needs its default carbon fraction."]
    assert errors["method_reason"] == ["Give the reason for choosing this method (T/CIECCPA 061 §8.2.5)."]
    # CO2 recovered is deducted only where the sector guideline allows it: not for this cement plant
    ent = world.e1.enterprise
    ent.industry_code = "3011"
    ent.save(update_fields=["industry_code"])
    with pytest.raises(ValidationError) as exc:
        _source(clerk, ent, "CCUS", category="co2_recovered", method="measurement", material="回收CO2")
    assert exc.value.message_dict["category"] == [
        "The sector guideline of this enterprise's industry (3011) does not deduct CO2 recovered: the chemical guideline "
        "does."]
    with pytest.raises(ValidationError) as exc:
        _source(clerk, world.e1.enterprise, "FC-X", direction="input", purity="0.95")
    assert exc.value.message_dict["direction"] == ["Used by the mass-balance method only."]
    assert exc.value.message_dict["purity"] == ["Used by the emission-factor method (carbonates) only."]
    with pytest.raises(ValidationError) as exc:
        _source(clerk, world.e1.enterprise, "HEAT-X", category="purchased_heat", method="emission_factor", material="蒸汽",
                activity_unit="t蒸汽")
    assert exc.value.message_dict["steam_enthalpy"] == ["Steam measured in tonnes needs its enthalpy (kJ/kg)."]


def test_volume_ncv_for_coal_in_tonnes_is_refused(world):
    """Before: a lab NCV in GJ/10⁴Nm³ for a coal source in tonnes was stored and gave 19.9 × the emissions."""
    clerk = world.users["data_clerk"]
    coal = _source(clerk, world.e1.enterprise, "FC-COAL")
    with pytest.raises(ValidationError) as exc:
        _lab(clerk, coal, 1, "ncv", "389.31", "GJ/10^4Nm3")
    assert exc.value.message_dict["unit"] == [
        "The unit “GJ/10^4Nm3” cannot describe this source's activity, measured in t."]
    with pytest.raises(ValidationError) as exc:
        _lab(clerk, coal, 1, "carbon_fraction", "50", "%")
    assert "parameter" in exc.value.message_dict
    assert not LabAnalysis.objects.exists()
    # a value stored before the check existed stops the run, naming the source, month and field
    ActivityRecordFactory(source=coal, month=1, amount=Decimal("100"))
    LabAnalysis.objects.create(source=coal, year=YEAR, month=1, parameter="ncv", value=Decimal("389.31"),
                               unit="GJ/10^4Nm3", weight=Decimal("1"), entered_by=clerk)
    with pytest.raises(ValidationError) as exc:
        run_calculation(actor=world.users["park_carbon_officer"], park=world.park_a, year=YEAR,
                        enterprise=world.e1.enterprise)
    assert exc.value.messages == ["Lab value of FC-COAL 2025-01: the unit “GJ/10^4Nm3” cannot describe the activity, "
                                  "measured in t (field unit)."]


def test_lab_units_are_converted_not_ignored(world):
    """The same NCV in MJ/kg, kJ/kg and GJ/t gives the same emissions; carbon content as a mass fraction
    equals the per-GJ value it converts to."""
    clerk, officer = world.users["data_clerk"], world.users["park_carbon_officer"]
    ent = world.e1.enterprise
    results = []
    for i, (ncv, unit, cc, cc_unit) in enumerate((("21.5", "GJ/t", "0.0255814", "tC/GJ"), ("21500", "kJ/kg", "55", "%"),
                                                  ("21.5", "MJ/kg", "0.55", "tC/t"))):
        src = _source(clerk, ent, f"FC-{i}")
        ActivityRecordFactory(source=src, month=1, amount=Decimal("100"))
        _lab(clerk, src, 1, "ncv", ncv, unit)
        _lab(clerk, src, 1, "carbon_content", cc, cc_unit)
        results.append(src)
    run = run_calculation(actor=officer, park=world.park_a, year=YEAR, enterprise=ent)
    co2 = [RunResult.objects.get(run=run, source=src).co2e_t for src in results]
    assert co2[1] == pytest.approx(co2[2], rel=1e-12)
    of = shared_defaults()[0].find_fuel("烟煤", DEFAULT_FUEL_SET).oxidation_rate  # the default oxidation rate
    assert co2[1] == pytest.approx(100 * 0.55 * of * 44 / 12, rel=1e-12)  # E = FC × w × OF × 44/12: the NCV cancels
    assert co2[0] == pytest.approx(co2[1], rel=1e-4)  # 0.0255814 tC/GJ is 0.55/21.5 rounded


def test_method_parameters_through_the_api(world):
    """The API refuses what the service refuses, naming the fields: a mass-balance source without its direction
    and carbon fraction."""
    from rest_framework.test import APIClient

    api = APIClient()
    api.force_authenticate(world.users["data_clerk"])
    ent = world.e1.enterprise
    base = {"enterprise": ent.pk, "code": "MB-1", "name": "焦炭", "category": "process", "method": "mass_balance",
            "material": "焦炭", "activity_unit": "t", "data_source": "ledger", "effective_from": "2024-01-01",
            "method_reason": "碳平衡法：焦炭为主要碳输入"}
    r = api.post("/api/v1/sources/", base, format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert r.status_code == 400 and set(r.json()) == {"direction", "carbon_fraction"}
    r = api.post("/api/v1/sources/", {**base, "direction": "input", "carbon_fraction": "0.86"}, format="json")
    assert r.status_code == 201, r.json()


def test_demo_computes_every_method_through_the_platform(db):
    """The demo park holds a mass balance (steel plant, lab carbon fraction of the coke), a CEMS-measured unit and
    coal with lab NCV in MJ/kg and carbon as a mass fraction (power plant), and emission-factor sources."""
    from carbonms.demo.generator import build
    from carbonms.inventory.models import CalculationRun

    park = build(seed=7, extensions=()).park
    run = CalculationRun.objects.filter(park=park, enterprise=None).order_by("-year", "-created_at", "-id").first()
    results = RunResult.objects.filter(run=run)
    assert set(results.values_list("method", flat=True)) == {"fuel_combustion", "emission_factor", "mass_balance", "measurement"}
    balance = results.filter(method="mass_balance")
    assert balance.filter(co2e_t__lt=0).exists()  # the outputs (steel, exported blast-furnace gas) take carbon out
    net = sum(balance.values_list("co2e_t", flat=True))
    assert 0.5e6 < net < 2e6  # about 1 Mt CO2 a year: the process emissions of a BF-BOF plant of ~1.1 Mt steel
    coal = Source.objects.get(enterprise__park=park, enterprise__industry_code="4412", method="fuel_combustion", material="烟煤",
                              code="COAL-01")
    r = results.get(source=coal, month=1)
    assert {"ncv", "carbon_content"} <= set(r.factor["supplied"])  # the month's lab values were used
    assert 20.8 <= r.factor["supplied"]["ncv"] <= 23.4  # MJ/kg is GJ/t
    assert all(s.method_reason for s in Source.objects.filter(enterprise__park=park, method__in=("mass_balance", "measurement")))
