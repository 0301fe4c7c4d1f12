"""The demo's sector enterprises compute with their sector guideline's defaults and have realistic
process emissions (issue 11, item 5): cement calcination dominates (about 55–65 % of the plant's total,
see carbonms/carbondata/demo_sectors.py for the source), the steel plant has electrodes and its carbon
balance (coke, injected coal and fluxes in; crude steel and exported gas out), the glass plant its batch carbonates and the power plant its desulphurisation."""
from __future__ import annotations

import pytest
from django.db.models import Sum

from carbonms.demo.generator import build
from carbonms.inventory.models import CalculationRun, RunResult

pytestmark = pytest.mark.django_db


def _by_category(run, short_name):
    rows = RunResult.objects.filter(run=run, enterprise__short_name=short_name).values("category").annotate(t=Sum("co2e_t"))
    return {r["category"]: r["t"] for r in rows}


def _process_materials(run, short_name):
    return set(RunResult.objects.filter(run=run, enterprise__short_name=short_name, category="process")
               .values_list("material", flat=True))


def test_demo_sector_enterprises_have_realistic_process_emissions():
    park = build(extensions=()).park
    run = CalculationRun.objects.filter(park=park, enterprise=None).order_by("-year", "-created_at", "-id").first()

    cement = _by_category(run, "江海水泥")
    share = cement["process"] / sum(cement.values())
    assert 0.55 <= share <= 0.65, share  # was 0.24 with the generic limestone source
    assert _process_materials(run, "江海水泥") == {"熟料", "窑头粉尘"}

    steel = _by_category(run, "江海特钢")
    assert {"石灰石", "电极", "焦炭", "粗钢"} <= _process_materials(run, "江海特钢")
    share = steel["process"] / sum(steel.values())
    assert 0.5 <= share <= 0.95, share  # an integrated BF-BOF plant: the carbon balance dominates

    glass = _by_category(run, "通海玻璃")
    assert _process_materials(run, "通海玻璃") == {"纯碱", "白云石", "石灰石"}
    assert 0.15 <= glass["process"] / (glass["process"] + glass["stationary_combustion"]) <= 0.4

    power = _by_category(run, "江海热电")  # desulphurisation limestone: a few per cent of the coal's CO2
    assert 0.002 <= power["process"] / power["stationary_combustion"] <= 0.03

    # each run factor entry records the sector set chosen and the set that supplied it, with its status
    entries = {(f.get("sector"), f.get("id")): f for f in run.factors}
    clinker = entries[("cement", "ef/CN-cement-2013/熟料/CO2")]
    assert (clinker["default_set"], clinker["status"], clinker["verified"]) == ("cement", "unverified", False)
    assert entries[("steel", "ef/CN-steel-2013/电极/CO2")]["default_set"] == "steel"
    assert entries[("flat_glass", "ef/CN-flat_glass-2013/白云石/CO2")]["value"] == 0.477
    assert any(s == "chemical" for s, _id in entries)  # the chemical plants use their sector's set (falling back)
