"""Reads of output and economic data: the pages' lists and the denominators of intensity.

:func:`denominators` is the one read the statements use (issue 10 item 3): only the current approved or
locked version of each figure counts. Re-exported as ``carbonms.carbondata.selectors.denominators``.
"""
from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.db.models import Sum

from carbonms.accounting import units

from .models import EconomicRecord, Product, ProductionRecord

S = ProductionRecord.Status
USABLE = (S.APPROVED, S.LOCKED)
_MONEY = {"output_value_10k_yuan": "output_value_10k_yuan", "value_added_10k_yuan": "value_added_10k_yuan",
          "revenue_10k_yuan": "revenue_10k_yuan"}


def _energy(rows: list[dict], kind: str) -> Decimal | None:
    """Σ of the exported-energy products of ``kind`` in the selector's unit (MWh or GJ), None when none."""
    target = Product.ENERGY_UNITS[kind]
    picked = [r for r in rows if r["product__kind"] == kind]
    if not picked:
        return None
    total = Decimal(0)
    for r in picked:
        unit = r["product__unit"]
        factor = Decimal(1) if unit == target else Decimal(repr(units.conversion_factor(unit, target)))
        total += r["quantity"] * factor
    return total


def _production(park, enterprise, year: int) -> list[dict]:
    qs = ProductionRecord.objects.filter(year=year, is_current=True, status__in=USABLE)
    qs = qs.filter(enterprise=enterprise) if enterprise is not None else qs.filter(enterprise__park=park)
    return list(qs.values("product__code", "product__name", "product__unit", "product__kind")
                .annotate(quantity=Sum("quantity")).order_by("product__code", "product__unit"))


def _products(rows: list[dict]) -> list[dict[str, Any]]:
    """The products (not exported energy) with their quantities; for the park summed by code and unit."""
    out: dict[tuple[str, str], dict[str, Any]] = {}
    for r in rows:
        if r["product__kind"] != Product.Kind.PRODUCT:
            continue
        key = (r["product__code"], r["product__unit"])
        entry = out.setdefault(key, {"code": key[0], "name": r["product__name"], "unit": key[1], "quantity": Decimal(0)})
        entry["quantity"] += r["quantity"]
    return list(out.values())


def _economic_row(record: EconomicRecord | None) -> dict[str, Any]:
    if record is None:
        return {}
    out = {f: getattr(record, f) for f in EconomicRecord.FIGURES}
    out["price_basis"] = record.price_basis_label if record.value_added_10k_yuan is not None else ""
    return out


def _economic_sum(records: list[EconomicRecord]) -> dict[str, Any]:
    """The economic figures summed over enterprises; a figure none of them gives stays None."""
    out: dict[str, Any] = {}
    for f in ("output_value_10k_yuan", "value_added_10k_yuan", "revenue_10k_yuan", "employees"):
        values = [getattr(r, f) for r in records if getattr(r, f) is not None]
        out[f] = sum(values[1:], values[0]) if values else None
    bases = {r.price_basis_label for r in records if r.value_added_10k_yuan is not None}
    out["price_basis"] = bases.pop() if len(bases) == 1 else ("mixed" if bases else "")
    return out


def denominators(*, park, enterprise=None, year: int) -> dict[str, Any]:
    """The approved output and economic figures of an enterprise, or of the park, for a year.

    For an enterprise: its products' annual output (Σ of the approved or locked current monthly
    values), the electricity (MWh) and heat (GJ) it delivered, and its economic record. For the park
    (``enterprise`` None): products and exported energy summed over the park's enterprises (products
    by code and unit); economic figures from the park-level record where it gives them, otherwise the
    sum over the enterprises' records (``economic_source`` says which); GDP only from the park record.
    A value-added sum over records of different price bases has ``price_basis`` "mixed".
    """
    rows = _production(park, enterprise, year)
    base = EconomicRecord.objects.filter(year=year, is_current=True, status__in=USABLE)
    economic_source = "enterprise"
    if enterprise is not None:
        econ = _economic_row(base.filter(enterprise=enterprise).first())
    else:
        own = _economic_row(base.filter(park=park, enterprise__isnull=True).first())
        summed = _economic_sum(list(base.filter(park=park, enterprise__isnull=False)))
        econ = {f: own.get(f) if own.get(f) is not None else summed.get(f)
                for f in ("output_value_10k_yuan", "value_added_10k_yuan", "revenue_10k_yuan", "employees")}
        econ["price_basis"] = own["price_basis"] if own.get("value_added_10k_yuan") is not None else summed.get("price_basis", "")
        econ["gdp_10k_yuan"] = own.get("gdp_10k_yuan")
        economic_source = "park_record" if own else "sum_of_enterprises"
    return {
        "year": year,
        "products": _products(rows),
        "electricity_exported_mwh": _energy(rows, Product.Kind.ELECTRICITY_EXPORTED),
        "heat_exported_gj": _energy(rows, Product.Kind.HEAT_EXPORTED),
        "value_added_10k_yuan": econ.get("value_added_10k_yuan"),
        "price_basis": econ.get("price_basis") or "",
        "output_value_10k_yuan": econ.get("output_value_10k_yuan"),
        "revenue_10k_yuan": econ.get("revenue_10k_yuan"),
        "employees": econ.get("employees"),
        "gdp_10k_yuan": econ.get("gdp_10k_yuan") if enterprise is None else None,
        "economic_source": economic_source,
    }


def denominators_by_enterprise(*, park, year: int) -> dict[int, dict[str, Any]]:
    """:func:`denominators` of every enterprise of the park at once, by enterprise id, in two queries
    (for closing a whole park year). An enterprise without approved figures is absent."""
    rows_by: dict[int, list[dict]] = defaultdict(list)
    for r in (ProductionRecord.objects.filter(enterprise__park=park, year=year, is_current=True, status__in=USABLE)
              .values("enterprise_id", "product__code", "product__name", "product__unit", "product__kind")
              .annotate(quantity=Sum("quantity")).order_by("enterprise_id", "product__code", "product__unit")):
        rows_by[r.pop("enterprise_id")].append(r)
    econ_by = {r.enterprise_id: _economic_row(r) for r in EconomicRecord.objects.filter(
        park=park, enterprise__isnull=False, year=year, is_current=True, status__in=USABLE)}
    out = {}
    for ent_id in set(rows_by) | set(econ_by):
        rows, econ = rows_by.get(ent_id, []), econ_by.get(ent_id, {})
        out[ent_id] = {
            "year": year, "products": _products(rows),
            "electricity_exported_mwh": _energy(rows, Product.Kind.ELECTRICITY_EXPORTED),
            "heat_exported_gj": _energy(rows, Product.Kind.HEAT_EXPORTED),
            "value_added_10k_yuan": econ.get("value_added_10k_yuan"), "price_basis": econ.get("price_basis") or "",
            "output_value_10k_yuan": econ.get("output_value_10k_yuan"), "revenue_10k_yuan": econ.get("revenue_10k_yuan"),
            "employees": econ.get("employees"), "gdp_10k_yuan": None, "economic_source": "enterprise",
        }
    return out


# -- pages -----------------------------------------------------------------------------------------

def products_for(user, enterprise):
    return Product.objects.restrict(user, "view").filter(enterprise=enterprise)


def production_grid(user, enterprise, year: int) -> list[dict]:
    """Each product with its twelve current values (two queries)."""
    products = list(products_for(user, enterprise).order_by("code"))
    records = ProductionRecord.objects.restrict(user, "view").filter(enterprise=enterprise, year=year, is_current=True)
    by_key = {(r.product_id, r.month): r for r in records}
    pending = set(ProductionRecord.objects.restrict(user, "view").filter(
        enterprise=enterprise, year=year, is_current=False).exclude(status__in=(S.SUPERSEDED, S.REJECTED))
        .values_list("product_id", "month"))
    rows = []
    for p in products:
        cells = [{"month": m, "record": by_key.get((p.pk, m)), "correction": (p.pk, m) in pending} for m in range(1, 13)]
        total = sum((c["record"].quantity for c in cells if c["record"] is not None and c["record"].usable), Decimal(0))
        rows.append({"product": p, "cells": cells, "approved_total": total})
    return rows


def economic_for(user, *, park, enterprise=None, year: int | None = None):
    qs = EconomicRecord.objects.restrict(user, "view").filter(park=park, is_current=True).select_related("enterprise")
    qs = qs.filter(enterprise=enterprise) if enterprise is not None else qs
    return qs.filter(year=year) if year is not None else qs


def economic_history(user, record: EconomicRecord):
    return (EconomicRecord.objects.restrict(user, "view")
            .filter(park=record.park_id, enterprise=record.enterprise_id, year=record.year).order_by("-version"))


def output_review_queue(user) -> dict[str, Any]:
    production = (ProductionRecord.objects.restrict(user, "approve").filter(status=S.SUBMITTED)
                  .select_related("product", "enterprise", "entered_by", "previous")
                  .order_by("enterprise__name", "year", "month", "product__code"))
    economic = (EconomicRecord.objects.restrict(user, "approve").filter(status=S.SUBMITTED)
                .select_related("park", "enterprise", "entered_by", "previous").order_by("park__name", "year"))
    return {"production": production, "economic": economic}


def production_by_month(enterprise, year: int) -> dict[int, int]:
    """How many products have a current value per month (for the grid's heading)."""
    counts: dict[int, int] = defaultdict(int)
    for m in ProductionRecord.objects.filter(enterprise=enterprise, year=year, is_current=True).values_list("month", flat=True):
        counts[m] += 1
    return dict(counts)
