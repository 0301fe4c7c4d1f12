"""The carbon asset statement (碳资产报表, T/CPQS 9.2.4 a); spec §3.7) of one holder and year, computed from the
approved movements every time (nothing is stored), with what produced it.

* Roll-forward of note (5) of 财会〔2019〕22号 (``carbonms.assets.ledger.roll_forward``): opening; increases (free
  allocation, purchased, other); decreases (surrendered, sold, other); closing — tonnes and yuan, for the holder
  and per instrument. Book value: purchased at cost with fees, free allocations at nil, disposals at weighted-
  average cost (T/CPQS 7.3.4 f), 7.1 b)).
* Lots at the year end: quantity, book value, the price of their product on or before the valuation date (or the
  price the user gives), market value and unrealised gain or loss; lots the rule table of the year makes
  unusable for compliance are **restricted** (``carbonms/assets/data/compliance_rules.csv``) and valued at nil.
* The year's obligation (covered enterprises, ``carbon_market_covered``): the direct emissions of the verified
  statement, else of the ETS-basis statement; without either, the management inventory gives an *estimate*.
  The position comes from ``carbonms.assets.compliance`` (CCER cap and headroom, surplus or deficit, cost to
  close, penalty exposure from the penalty rule table); units already surrendered for the year count.
* Budget (T/CPQS 9.2.4 e)): the expected purchase cost of the deficit at the chosen price, with ±10 %.
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.utils import timezone, translation

from carbonms.assets import ledger as core
from carbonms.assets import rules as rule_table
from carbonms.assets.compliance import compliance as compliance_position
from carbonms.assets.quantities import money, qty

from .models import Instrument, Movement, PriceQuote
from .services import core_movement, holder_movements

SENSITIVITY = Decimal("0.10")


def valuation_date(year: int, on: dt.date | None = None) -> dt.date:
    return on or dt.date(year, 12, 31)


def price_on(quotes, product: str, on: dt.date) -> PriceQuote | None:
    """The latest quote of ``product`` on or before ``on`` among ``quotes`` (a queryset the user may see)."""
    if not product:
        return None
    return (quotes.filter(product=product, date__lte=on).exclude(close__isnull=True, average__isnull=True)
            .order_by("-date", "-pk").first())


def obligation_statement(enterprise, year: int, *, estimate_ok: bool = True):
    """(statement, estimate) of the figure an enterprise's surrender obligation for ``year`` comes from, or None.

    The one rule for both the asset statement and compliance: a statement in force on the verified basis, else on
    the ETS basis, else a management inventory the external verifier has verified; with ``estimate_ok`` (the asset
    statement's forecast, never a surrender) an approved, unverified management inventory as an estimate."""
    from carbonms.inventory.models import InventoryStatement as St

    qs = St.objects.filter(enterprise=enterprise, year=year, status__in=St.OFFICIAL)
    order = [(St.Basis.VERIFIED, None, False), (St.Basis.ETS, None, False), (St.Basis.MANAGEMENT, St.Status.VERIFIED, False)]
    if estimate_ok:
        order.append((St.Basis.MANAGEMENT, None, True))
    for basis, status, estimate in order:
        st = qs.filter(basis=basis, **({"status": status} if status else {})).first()
        if st is not None and (st.totals or {}).get("direct") is not None:
            return st, estimate
    return None


def obligation_of(park, enterprise, year: int) -> dict[str, Any] | None:
    """The surrender obligation of a covered enterprise for a year, from its statement of record (None when the
    holder is not covered or no statement exists)."""
    if enterprise is None or not enterprise.carbon_market_covered:
        return None
    found = obligation_statement(enterprise, year)
    if found is None:
        return None
    st, estimate = found
    return {"quantity_t": Decimal(str(st.totals["direct"])).quantize(Decimal(1)), "basis": st.basis,
            "basis_label": str(st.get_basis_display()), "status": str(st.get_status_display()), "estimate": estimate,
            "statement_id": st.pk}


def _lot_input(inst: Instrument, quantity: Decimal, cost: Decimal, lid: str) -> dict[str, Any]:
    return {"id": lid, "instrument": inst.core_name, "vintage": inst.vintage, "quantity_t": quantity,
            "acquisition": "purchased" if cost > 0 else "free", "cost_yuan": cost, "carried_over": False,
            "registered_on": inst.registered_on.isoformat() if inst.registered_on else None,
            "from_covered_project": inst.from_covered_project}


def asset_statement(*, park, enterprise, year: int, quotes, on: dt.date | None = None,
                    prices: dict[str, Decimal] | None = None) -> dict[str, Any]:
    """The statement of the holder (``enterprise`` None: the park) for ``year``; ``quotes`` is the price table the
    user may see, ``on`` the valuation date (default the year end), ``prices`` prices given by the user per product
    (they win over the table)."""
    on = valuation_date(year, on)
    moves = list(holder_movements(park.pk, enterprise.pk if enterprise else None).select_related("instrument"))
    instruments = {f"#{i.pk}": i for i in Instrument.objects.filter(park=park, enterprise=enterprise)}
    core_moves = [core_movement(m) for m in moves]
    rf = core.roll_forward(core_moves, year)
    year_end = {h["instrument"]: h for h in core.holdings(core_moves, on=dt.date(year, 12, 31))}
    prices = {k: Decimal(str(v)) for k, v in (prices or {}).items() if v not in (None, "")}

    # the compliance position of the year: what is held now (allocations and purchases after the year end count; at
    # least up to the valuation date) plus the units already surrendered for it
    position_on = max(on, timezone.localdate())
    held_now = {h["instrument"]: h for h in core.holdings(core_moves, on=position_on)}
    lots_in = [_lot_input(instruments[k], h["quantity_t"], h["book_value_yuan"], k) for k, h in held_now.items() if k in instruments]
    surrendered = [m for m in moves if m.kind == Movement.Kind.SURRENDER and m.compliance_year == year]
    for m in surrendered:
        lots_in.append(_lot_input(m.instrument, m.quantity_t, Decimal(0), f"surrendered-{m.pk}"))
    obligation = obligation_of(park, enterprise, year)
    allowance_price = prices.get("CEA")
    if allowance_price is None:
        q = price_on(quotes, "CEA", on)
        allowance_price = q.reference_price if q else None
    position = None
    excluded: dict[str, str] = {}
    rule = rule_table.rule_for(year)
    if rule is not None:
        result = compliance_position({"entity": enterprise.name if enterprise else park.name, "compliance_year": year,
                                             "verified_emissions_t": obligation["quantity_t"] if obligation else 0,
                                             "price_yuan_per_t": allowance_price, "lots": lots_in},
                                     lang="en" if (translation.get_language() or "").startswith("en") else "zh")
        excluded = {e["id"]: e["reason"] for e in result["excluded"]}
        if obligation is not None:
            ccer_surrendered = sum((m.quantity_t for m in surrendered if m.instrument.kind == Instrument.Kind.CCER), Decimal(0))
            cap = Decimal(str(result["ccer_cap_t"]))
            shortfall = Decimal(str(result["shortfall_t"]))
            price = allowance_price
            position = {
                **result, "obligation": obligation, "position_on": position_on,
                "excluded_reasons": sorted({e["reason"] for e in result["excluded"]}), "already_surrendered_t": qty(sum((m.quantity_t for m in surrendered), Decimal(0))),
                "ccer_headroom_t": qty(min(Decimal(str(result["ccer_eligible_t"])), cap)),
                "ccer_cap_left_t": qty(max(cap - ccer_surrendered, Decimal(0))),
                "surplus_deficit_t": qty(Decimal(str(result["surplus_t"])) - shortfall),
                "price_yuan_per_t": money(price) if price is not None else None,
                "budget": None if price is None else {
                    "purchase_t": qty(shortfall), "expected_cost_yuan": money(shortfall * price),
                    "low_yuan": money(shortfall * price * (1 - SENSITIVITY)), "high_yuan": money(shortfall * price * (1 + SENSITIVITY)),
                    "sensitivity_pct": int(SENSITIVITY * 100), "estimate": obligation["estimate"]},
            }

    lots, totals = [], {"quantity_t": Decimal(0), "book_value_yuan": Decimal(0), "market_value_yuan": Decimal(0),
                        "restricted_t": Decimal(0), "unpriced_t": Decimal(0)}
    for key, h in year_end.items():
        inst = instruments.get(key)
        if inst is None:
            continue
        product = inst.price_product
        quote = None
        price = prices.get(product) if product else None
        if price is None:
            quote = price_on(quotes, product, on)
            price = quote.reference_price if quote else None
        reason = excluded.get(key)
        span = rule.carry_over_vintages if rule else None
        old = bool(span and inst.kind == Instrument.Kind.CEA and inst.vintage and span[0] <= inst.vintage <= span[1])
        restricted = reason if old else None  # un-carried old vintages: unusable from this year on, valued at nil
        market = Decimal(0) if restricted else (h["quantity_t"] * price if price is not None else None)
        lots.append({"instrument": inst, "quantity_t": h["quantity_t"], "book_value_yuan": h["book_value_yuan"],
                     "unit_cost_yuan": (h["book_value_yuan"] / h["quantity_t"]).quantize(Decimal("0.01")),
                     "restricted": restricted, "ineligible": None if restricted else reason, "product": product, "price_yuan_per_t": price, "quote": quote,
                     "market_value_yuan": market,
                     "unrealised_yuan": market - h["book_value_yuan"] if market is not None else None})
        totals["quantity_t"] += h["quantity_t"]
        totals["book_value_yuan"] += h["book_value_yuan"]
        if restricted:
            totals["restricted_t"] += h["quantity_t"]
        elif market is None:
            totals["unpriced_t"] += h["quantity_t"]
        else:
            totals["market_value_yuan"] += market
    totals["unrealised_yuan"] = totals["market_value_yuan"] - sum(
        (lot["book_value_yuan"] for lot in lots if lot["market_value_yuan"] is not None), Decimal(0))
    pools = [{**p, "instrument_obj": instruments.get(p["instrument"])} for p in rf["pools"]]
    reconciles = (rf["rows"]["closing"]["quantity_t"] == totals["quantity_t"]
                  and rf["rows"]["closing"]["amount_yuan"] == totals["book_value_yuan"])
    return {
        "holder": enterprise.name if enterprise else park.name, "year": year, "valuation_date": on, "policy": rf["policy"],
        "rows": rf["rows"], "pools": pools, "sales_gain_yuan": rf["sales_gain_yuan"], "lots": lots, "totals": totals,
        "reconciles": reconciles, "obligation": obligation, "position": position,
        "rule": {"status": rule.status, "source": rule.source} if rule else None,
        "covered": bool(enterprise and enterprise.carbon_market_covered),
        "pending": Movement.objects.filter(park=park, enterprise=enterprise, status=Movement.Status.ENTERED).count(),
        "movements_counted": len(moves),
        "produced_by": {"movements": len(moves), "core": "carbonms.assets.ledger.roll_forward, carbonms.assets.compliance",
                        "valuation_date": on.isoformat(), "prices_given": {k: str(v) for k, v in prices.items()}},
    }
