"""Permission matrix of the output and economic data pages and endpoints (issue 10 item 3)."""
from __future__ import annotations

from decimal import Decimal

from .base import ALL, PARK_STAFF, Case
from .carbondata import DATA_WRITERS, _ent, _park, _pk, _user


def _product(w, org):
    from carbonms.carbondata.models import Product

    return org.cached("product", lambda: Product.objects.create(enterprise=org.enterprise, code=f"P{org.enterprise.pk}",
                                                                name="钢材", unit="t"))


def _production(w, org):
    from carbonms.carbondata.models import ProductionRecord

    return org.cached("production", lambda: ProductionRecord.objects.create(
        product=_product(w, org), enterprise=org.enterprise, year=2025, month=1, quantity=Decimal("100"), unit="t",
        entered_by=_user(w), status="approved"))


def _economic(w, org):
    from carbonms.carbondata.models import EconomicRecord

    return org.cached("economic", lambda: EconomicRecord.objects.create(
        park=org.enterprise.park, enterprise=org.enterprise, year=2025, value_added_10k_yuan=Decimal("1000"),
        price_basis="current", entered_by=_user(w), status="approved"))


def _step(make, step):
    return lambda w, org: {"step": step, **_pk(make)(w, org)}


CASES: dict[str, Case] = {
    "carbondata:output": Case(_ent, ALL),
    "carbondata:product_create": Case(_ent, DATA_WRITERS),
    "carbondata:product_edit": Case(_pk(_product), DATA_WRITERS),
    "carbondata:production": Case(_pk(_production), ALL),
    "carbondata:production_action": Case(_step(_production, "submit"), ALL, ok_status=302),
    "carbondata:production_correct": Case(_pk(_production), DATA_WRITERS),
    "carbondata:production_evidence": Case(_pk(_production), DATA_WRITERS),
    "carbondata:economic_create": Case(_ent, DATA_WRITERS),
    "carbondata:park_economic_create": Case(_park, {"park_admin", "park_carbon_officer"}, park_level=True),
    "carbondata:park_output": Case(_park, PARK_STAFF, denied=404, park_level=True),
    "carbondata:economic": Case(_pk(_economic), ALL),
    "carbondata:economic_action": Case(_step(_economic, "lock"), ALL, ok_status=302),
    "carbondata:economic_correct": Case(_pk(_economic), DATA_WRITERS),
    "carbondata:economic_evidence": Case(_pk(_economic), DATA_WRITERS),
    "carbondata:output_review": Case(None, ALL),
    "api:product-list": Case(None, ALL),
    "api:product-detail": Case(_pk(_product), ALL),
    "api:production-list": Case(None, ALL),
    "api:production-detail": Case(_pk(_production), ALL),
    "api:production-transition": Case(_pk(_production), ALL),
    "api:economic-list": Case(None, ALL),
    "api:economic-detail": Case(_pk(_economic), ALL),
    "api:economic-transition": Case(_pk(_economic), ALL),
}
