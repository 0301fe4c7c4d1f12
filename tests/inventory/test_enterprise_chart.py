"""The by-enterprise chart (issue 15 item 4): the top 15 sorted, the rest as one "others" bar, short names."""
from types import SimpleNamespace

from carbonms.inventory.selectors import chart_enterprises
from carbonms.inventory.views import charts
from tests.factories import EnterpriseFactory


def test_top_fifteen_sorted_with_others_and_short_names(world):
    ents = [EnterpriseFactory(park=world.park_a, short_name=f"短名{i:02d}") for i in range(18)]
    run = SimpleNamespace(totals={"by_enterprise": {str(e.pk): float(100 + i) for i, e in enumerate(ents)},
                                  "by_category": {}, "by_gas_co2e": {}, "by_month": {}})
    bars = chart_enterprises(world.users["park_carbon_officer"], run)
    assert len(bars) == 16
    assert [name for name, _v in bars[:3]] == ["短名17", "短名16", "短名15"]
    assert [v for _n, v in bars[:15]] == sorted((v for _n, v in bars[:15]), reverse=True)
    assert bars[-1][1] == 100 + 101 + 102 and "3" in bars[-1][0]
    option = charts(run, bars)["enterprise"]
    assert option["yAxis"]["inverse"] is True and option["yAxis"]["axisLabel"]["overflow"] == "truncate"
