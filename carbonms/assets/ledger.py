"""The carbon-asset ledger: holdings derived from movements, book value, the 财会〔2019〕22号 roll-forward and
units used once (T/CPQS 9.2.4 a); T/CIECCPA 8.3.1–8.3.2).

Movements (one dict each): ``date`` (YYYY-MM-DD), ``kind``, ``instrument`` (CEA, CCER, …), ``vintage``,
``quantity_t`` (> 0), and for purchases ``amount_yuan`` (price × quantity) and ``fees_yuan``; sales carry
``amount_yuan`` (proceeds). Kinds:

* increases: ``allocation`` (free, at nil), ``purchase`` (at cost incl. fees), ``transfer_in`` and
  ``carry_over_in`` (other increases, at the cost carried);
* decreases: ``surrender`` (compliance), ``sale``, ``cancellation`` (voluntary, 注销), ``expiry``,
  ``transfer_out`` and ``carry_over_out`` (other decreases);
* ``carry_over`` (结转, spec §3.4): units leave the pool of ``instrument``/``vintage`` for the pool of
  ``to_instrument``/``to_vintage`` (e.g. 2023 allowances carried into 2025 allowances) with their cost; per pool
  it is an other decrease and an other increase, and the holder's totals do not change.

Book value follows 财政部《碳排放权交易有关会计处理暂行规定》(财会〔2019〕22号): purchased units at cost,
free allocations at nil, disposals at the weighted-average cost of the pool (instrument and vintage) at the
time of the disposal (the policy is recorded in the output). A disposal of more than the pool holds is
refused naming the movement. A sale's gain or loss is proceeds − the cost released.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from .quantities import dec

INCREASES = {"allocation": "free", "purchase": "purchased", "transfer_in": "other", "carry_over_in": "other"}
DECREASES = {"surrender": "surrendered", "sale": "sold", "cancellation": "other", "expiry": "other",
             "transfer_out": "other", "carry_over_out": "other"}
POLICY = "weighted average cost per instrument and vintage (财会〔2019〕22号: purchased at cost, free allocation at nil)"


class LedgerError(ValueError):
    def __init__(self, index: int, reason: str):
        super().__init__(f"movements[{index}]: {reason}")
        self.index, self.reason = index, reason


@dataclass
class Pool:
    quantity: Decimal = Decimal(0)
    cost: Decimal = Decimal(0)

    def unit_cost(self) -> Decimal:
        return self.cost / self.quantity if self.quantity else Decimal(0)


def _key(m: dict, prefix: str = "") -> tuple[str, int | None]:
    vintage = m.get(prefix + "vintage")
    return (m[prefix + "instrument"], int(vintage) if vintage not in (None, "") else None)


def replay(movements: list[dict[str, Any]], *, until: dt.date | None = None, on_movement=None) -> dict[tuple, Pool]:
    """Pools after the movements (sorted by date, stable) up to and including ``until``."""
    pools: dict[tuple, Pool] = {}
    order = sorted(range(len(movements)), key=lambda i: movements[i]["date"])
    for i in order:
        m = movements[i]
        day = dt.date.fromisoformat(str(m["date"]))
        if until is not None and day > until:
            break
        kind = m.get("kind")
        q = dec(m.get("quantity_t", 0))
        if q <= 0:
            raise LedgerError(i, "quantity_t must be greater than 0")
        pool = pools.setdefault(_key(m), Pool())
        if kind in INCREASES:
            cost = dec(m.get("amount_yuan", 0)) + dec(m.get("fees_yuan", 0)) if kind != "allocation" else Decimal(0)
            pool.quantity += q
            pool.cost += cost
            released = Decimal(0)
        elif kind in DECREASES or kind == "carry_over":
            if q > pool.quantity:
                raise LedgerError(i, f"{kind} of {q} t exceeds the {pool.quantity} t held of {m['instrument']} {m.get('vintage') or ''}".strip())
            released = pool.cost if q == pool.quantity else (pool.unit_cost() * q)
            pool.quantity -= q
            pool.cost -= released
            if kind == "carry_over":
                if not m.get("to_instrument"):
                    raise LedgerError(i, "a carry-over needs to_instrument")
                target = pools.setdefault(_key(m, "to_"), Pool())
                target.quantity += q
                target.cost += released
        else:
            raise LedgerError(i, f"unknown movement kind “{kind}”")
        if on_movement is not None:
            on_movement(i, m, day, q, released)
    return pools


def holdings(movements: list[dict[str, Any]], on: dt.date | None = None) -> list[dict[str, Any]]:
    """Quantity and book value per instrument and vintage on a date (all movements without one)."""
    pools = replay(movements, until=on)
    return [{"instrument": k[0], "vintage": k[1], "quantity_t": p.quantity, "book_value_yuan": p.cost}
            for k, p in sorted(pools.items(), key=lambda kv: (kv[0][0], kv[0][1] or 0)) if p.quantity]


ROWS = ("opening", "free", "purchased", "other_in", "surrendered", "sold", "other_out", "closing")


def _zero_rows() -> dict[str, dict[str, Decimal]]:
    return {k: {"quantity_t": Decimal(0), "amount_yuan": Decimal(0)} for k in ROWS}


def roll_forward(movements: list[dict[str, Any]], year: int) -> dict[str, Any]:
    """The roll-forward of note (5) of 财会〔2019〕22号 for one year, in tonnes and yuan:
    1 opening; 2 increases (free, purchased, other); 3 decreases (surrendered, sold, other); 4 closing.
    Also the sales' gains and losses (营业外收入/支出). Closing = opening + increases − decreases, in both.

    ``pools`` gives the same table per instrument and vintage (``{"instrument", "vintage", "rows"}``); there a
    carry-over is an other decrease of its source and an other increase of its target, while the holder's
    ``rows`` leave it out (the units stay held, at the cost carried)."""
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    per_pool: dict[tuple, dict[str, dict[str, Decimal]]] = {}
    rows = _zero_rows()
    gains = {"proceeds_yuan": Decimal(0), "cost_released_yuan": Decimal(0)}

    def add(key, row, q, amount, total=True):
        for table in ((per_pool.setdefault(key, _zero_rows()), rows) if total else (per_pool.setdefault(key, _zero_rows()),)):
            table[row]["quantity_t"] += q
            table[row]["amount_yuan"] += amount

    def book(i, m, day, q, released):
        if day < start or day > end:
            return
        kind = m["kind"]
        if kind == "carry_over":
            add(_key(m), "other_out", q, released, total=False)
            add(_key(m, "to_"), "other_in", q, released, total=False)
            return
        if kind in INCREASES:
            row = {"free": "free", "purchased": "purchased", "other": "other_in"}[INCREASES[kind]]
            amount = Decimal(0) if kind == "allocation" else dec(m.get("amount_yuan", 0)) + dec(m.get("fees_yuan", 0))
        else:
            row = {"surrendered": "surrendered", "sold": "sold", "other": "other_out"}[DECREASES[kind]]
            amount = released
            if kind == "sale":
                gains["proceeds_yuan"] += dec(m.get("amount_yuan", 0))
                gains["cost_released_yuan"] += released
        add(_key(m), row, q, amount)

    opening = replay(movements, until=start - dt.timedelta(days=1))
    closing = replay(movements, until=end, on_movement=book)
    for which, pools in (("opening", opening), ("closing", closing)):
        for key, p in pools.items():
            add(key, which, p.quantity, p.cost)
    return {"year": year, "policy": POLICY, "rows": rows,
            "pools": [{"instrument": k[0], "vintage": k[1], "rows": v}
                      for k, v in sorted(per_pool.items(), key=lambda kv: (kv[0][0], kv[0][1] or 0))
                      if any(c["quantity_t"] or c["amount_yuan"] for c in v.values())],
            "sales_gain_yuan": gains["proceeds_yuan"] - gains["cost_released_yuan"]}


# ------------------------------------------------------------------ units used once

@dataclass(frozen=True)
class SerialUse:
    """A use of a serial range: ``prefix`` is the serial number without its numeric tail (a project's block),
    ``first``–``last`` the inclusive tail numbers; ``use`` names it for messages (e.g. "surrendered by
    E-12 for 2025")."""

    prefix: str
    first: int
    last: int
    use: str


def parse_serial(serial: str) -> tuple[str, int]:
    """``"CN-CCER-2024-0001-000123"`` → (``"CN-CCER-2024-0001-"``, 123): the trailing digits are the number."""
    s = str(serial).strip()
    i = len(s)
    while i > 0 and s[i - 1].isdigit():
        i -= 1
    if i == len(s):
        raise ValueError(f"serial “{serial}” does not end in a number")
    return s[:i], int(s[i:])


def serial_range(first: str, last: str, use: str) -> SerialUse:
    p1, n1 = parse_serial(first)
    p2, n2 = parse_serial(last)
    if p1 != p2:
        raise ValueError(f"serials “{first}” and “{last}” are not of the same block")
    if n2 < n1:
        raise ValueError(f"serial range “{first}”–“{last}” ends before it starts")
    return SerialUse(p1, n1, n2, use)


def overlaps(existing: list[SerialUse], new: SerialUse) -> list[SerialUse]:
    """The existing uses that share at least one unit with ``new`` (a unit is used once: surrendered,
    cancelled for a claim by any entity in any year, or sold)."""
    return [u for u in existing if u.prefix == new.prefix and u.first <= new.last and new.first <= u.last]


def first_overlap(uses: list[SerialUse]) -> tuple[SerialUse, SerialUse] | None:
    """Two uses of the list that overlap, or None (sorted sweep, O(n log n))."""
    best: dict[str, SerialUse] = {}
    for u in sorted(uses, key=lambda u: (u.prefix, u.first, u.last)):
        prev = best.get(u.prefix)
        if prev is not None and u.first <= prev.last:
            return prev, u
        if prev is None or u.last > prev.last:
            best[u.prefix] = u
    return None
