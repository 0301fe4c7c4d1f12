"""The denominators selector (issue 10 item 3): only approved or locked current figures, per enterprise and
summed for the park; exported energy in MWh and GJ; economic figures from the park record where it gives them."""
from __future__ import annotations

from decimal import Decimal

import pytest

from carbonms.carbondata.models import Product
from carbonms.carbondata.selectors import denominators

from .output_helpers import S, economic, product, production

pytestmark = pytest.mark.django_db


def test_enterprise_products_and_exported_energy_count_only_approved_and_locked(world):
    e1, u = world.e1.enterprise, world.users["data_clerk"]
    steel = product(e1, "P1", "t")
    production(steel, 1, 100, user=u)
    production(steel, 2, 50, user=u, status=S.LOCKED)
    production(steel, 3, 999, user=u, status=S.SUBMITTED)  # not yet approved: not counted
    production(steel, 4, 7, user=u, status=S.SUPERSEDED, is_current=False)
    power = product(e1, "EL", "kWh", kind=Product.Kind.ELECTRICITY_EXPORTED, name="上网电量")
    production(power, 1, 2000, user=u)  # 2000 kWh = 2 MWh
    heat = product(e1, "HT", "GJ", kind=Product.Kind.HEAT_EXPORTED, name="供热")
    production(heat, 1, 30, user=u)
    economic(world.park_a, e1, user=u, value_added_10k_yuan=Decimal("1234.50"), price_basis="constant",
             price_base_year=2020, revenue_10k_yuan=Decimal("5000"), employees=120)
    d = denominators(park=world.park_a, enterprise=e1, year=2025)
    assert d["products"] == [{"code": "P1", "name": "钢材", "unit": "t", "quantity": Decimal("150")}]
    assert d["electricity_exported_mwh"] == Decimal("2") and d["heat_exported_gj"] == Decimal("30")
    assert d["value_added_10k_yuan"] == Decimal("1234.50") and d["price_basis"] == "constant:2020"
    assert d["revenue_10k_yuan"] == Decimal("5000") and d["employees"] == 120 and d["gdp_10k_yuan"] is None
    assert isinstance(d["products"][0]["quantity"], Decimal)


def test_enterprise_without_data_has_empty_denominators(world):
    d = denominators(park=world.park_a, enterprise=world.e2.enterprise, year=2025)
    assert d["products"] == [] and d["electricity_exported_mwh"] is None and d["value_added_10k_yuan"] is None
    assert d["price_basis"] == ""


def test_park_sums_enterprises_and_prefers_its_own_record(world):
    u = world.users["data_clerk"]
    e1, e2, e3 = world.e1.enterprise, world.e2.enterprise, world.e3.enterprise
    production(product(e1, "P1", "t"), 1, 100, user=u)
    production(product(e2, "P1", "t"), 1, 40, user=u)
    production(product(e3, "P1", "t"), 1, 1000, user=u)  # another park
    economic(world.park_a, e1, user=u, value_added_10k_yuan=Decimal("100"), employees=10, revenue_10k_yuan=Decimal("7"))
    economic(world.park_a, e2, user=u, value_added_10k_yuan=Decimal("50"), employees=5)
    economic(world.park_a, e2, year=2024, user=u, value_added_10k_yuan=Decimal("999"))
    d = denominators(park=world.park_a, year=2025)
    assert d["products"] == [{"code": "P1", "name": "钢材", "unit": "t", "quantity": Decimal("140")}]
    assert (d["value_added_10k_yuan"], d["employees"], d["revenue_10k_yuan"]) == (Decimal("150"), 15, Decimal("7"))
    assert d["price_basis"] == "current" and d["economic_source"] == "sum_of_enterprises" and d["gdp_10k_yuan"] is None
    # the park's own record gives value added and GDP; revenue it does not give is still the enterprises' sum
    economic(world.park_a, None, user=u, value_added_10k_yuan=Decimal("300"), price_basis="constant", price_base_year=2020,
             gdp_10k_yuan=Decimal("800"))
    d = denominators(park=world.park_a, year=2025)
    assert (d["value_added_10k_yuan"], d["price_basis"], d["gdp_10k_yuan"]) == (Decimal("300"), "constant:2020", Decimal("800"))
    assert d["revenue_10k_yuan"] == Decimal("7") and d["economic_source"] == "park_record"


def test_park_sum_of_different_price_bases_is_marked_mixed(world):
    u = world.users["data_clerk"]
    economic(world.park_a, world.e1.enterprise, user=u)
    economic(world.park_a, world.e2.enterprise, user=u, price_basis="constant", price_base_year=2020)
    assert denominators(park=world.park_a, year=2025)["price_basis"] == "mixed"


def test_submitted_economic_record_is_not_counted(world):
    economic(world.park_a, world.e1.enterprise, user=world.users["data_clerk"], status=S.SUBMITTED)
    assert denominators(park=world.park_a, enterprise=world.e1.enterprise, year=2025)["value_added_10k_yuan"] is None


def test_batch_read_equals_one_read_per_enterprise(world, django_assert_max_num_queries):
    from carbonms.carbondata.selectors import denominators_by_enterprise

    u = world.users["data_clerk"]
    production(product(world.e1.enterprise, "P1", "t"), 1, 100, user=u)
    production(product(world.e1.enterprise, "EL", "MWh", kind=Product.Kind.ELECTRICITY_EXPORTED), 1, 5, user=u)
    economic(world.park_a, world.e2.enterprise, user=u, value_added_10k_yuan=Decimal("50"), employees=5)
    economic(world.park_a, None, user=u, gdp_10k_yuan=Decimal("9"))
    with django_assert_max_num_queries(2):
        batch = denominators_by_enterprise(park=world.park_a, year=2025)
    assert set(batch) == {world.e1.enterprise.pk, world.e2.enterprise.pk}
    for e in (world.e1.enterprise, world.e2.enterprise):
        assert batch[e.pk] == denominators(park=world.park_a, enterprise=e, year=2025)
