"""Runs use the default set of each enterprise's sector (its GB/T 4754 industry code), record it in
the run's factor entries with the factor's status, and give the same figures as ``carbonms calc``
with that sector (issue 11, item 5)."""
from __future__ import annotations

from decimal import Decimal

import pytest

from carbonms.accounting import calculate
from carbonms.inventory.models import RunResult
from carbonms.inventory.services import run_calculation
from tests.carbondata.factories import ActivityRecordFactory, SourceFactory


def _process(enterprise, code, material):
    src = SourceFactory(enterprise=enterprise, code=code, category="process", method="emission_factor", material=material)
    ActivityRecordFactory(source=src, month=1, amount=Decimal("1000"))
    return src


def test_each_enterprise_computes_with_its_sectors_defaults(world):
    cement, other = world.e1.enterprise, world.e2.enterprise
    cement.industry_code, other.industry_code = "3011", "1711"
    cement.save()
    other.save()
    clinker = _process(cement, "CLK", "熟料")
    dolomite_cement = _process(cement, "DOL", "白云石")
    dolomite_other = _process(other, "DOL", "白云石")
    run = run_calculation(actor=world.users["park_carbon_officer"], park=world.park_a, year=2025)
    res = {r.source_id: r for r in RunResult.objects.filter(run=run)}
    assert res[clinker.pk].co2e_t == pytest.approx(1000 * 0.51)
    assert res[dolomite_cement.pk].co2e_t == res[dolomite_other.pk].co2e_t == pytest.approx(1000 * 0.477)
    entry = run.factors[res[clinker.pk].factor_index]
    assert (entry["sector"], entry["default_set"], entry["factor_set"]) == ("cement", "cement", "CN-cement-2013")
    assert entry["status"] == "unverified" and entry["verified"] is False and entry["source"]
    assert run.factors[res[dolomite_other.pk].factor_index]["sector"] == "other"
    # the run says how much of its total rests on unverified defaults (every value here does)
    assert run.totals["unverified_default_co2e"] == pytest.approx(sum(r.co2e_t for r in res.values()))
    # the same figure as carbonms calc with the sector (the re-performance file carries the sector column)
    calc = calculate([{"entity": "E", "period": "2025", "source": "CLK", "category": "process",
                       "method": "emission_factor", "material": "熟料", "amount": 1000, "unit": "t",
                       "sector": "cement"}])
    assert res[clinker.pk].co2e_t == pytest.approx(calc.rows[0].co2e_t, rel=1e-12)


def test_steel_plant_uses_the_steel_guidelines_flux_factor(world):
    steel = world.e1.enterprise  # industry 3120 (炼钢)
    dolomite = _process(steel, "DOL", "白云石")
    run = run_calculation(actor=world.users["park_carbon_officer"], park=world.park_a, year=2025, enterprise=steel)
    result = RunResult.objects.get(run=run, source=dolomite)
    assert result.co2e_t == pytest.approx(1000 * 0.471)
    assert run.factors[result.factor_index]["default_set"] == "steel"


def test_re_performance_file_carries_the_sector(world, tmp_path, capsys):
    """The run's re-performance file names each row's sector, so ``carbonms calc`` on it gives the run's totals."""
    import csv
    import json

    from carbonms.accounting.cli import main
    from carbonms.inventory import reperform

    cement = world.e1.enterprise
    cement.industry_code = "3011"
    cement.save()
    _process(cement, "CLK", "熟料")
    _process(cement, "DOL", "白云石")
    run = run_calculation(actor=world.users["park_carbon_officer"], park=world.park_a, year=2025, enterprise=cement)
    rows = reperform.input_rows(run)
    assert rows and {r["sector"] for r in rows} == {"cement"}
    path = tmp_path / "reperform.csv"
    path.write_text(reperform.to_csv(rows), encoding="utf-8")
    assert main(["calc", str(path), "--gwp", run.gwp_set, "--format", "json"]) == 0
    core = json.loads(capsys.readouterr().out)
    assert core["totals"]["gross"] == pytest.approx(run.totals["gross"], rel=1e-9)
    assert core["totals"]["gross"] == pytest.approx(1000 * 0.51 + 1000 * 0.477)
    assert list(csv.DictReader(path.open(encoding="utf-8")))[0]["sector"] == "cement"
