"""The carbon-neutrality determination of one entity and year (T/CIECCPA 061 8.4.1–8.4.3; T/CPQS 7.3.5).

Neutrality is achieved when the year's emissions are at most the offsets counted for it (8.4.1). A unit
counts only when it was **cancelled** (注销) for this claim no later than ``retirement_window_months``
(default 12) after the end of the year; a free allowance, a unit used for compliance, or a unit cancelled
after the window is rejected with its reason. Units still held are neither counted nor rejected: they make
the plan to close a gap (a held free allowance or compliance unit is left out of the plan, as it can never
count).

Priority (8.4.2, 8.4.3): 1 allowances bought on the exchange; then credits: 2 CCER of forestry sinks and
local projects; 3 CCER of forestry sinks; 4 CCER of local projects; 5 other CCER; 6 government-certified
energy-saving reductions, local; 7 the same, other. Counted units are allocated in tier order (input order
within a tier), each only as far as the emissions still need it; when a lower tier is used while a unit of a
higher tier was held and not cancelled, the output lists it in ``priority_notes`` so the claim records why.
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from carbonms.planning.errors import Collector

from .compliance import MESSAGES, _parse_date, lots_of
from .quantities import dec, qty

ALLOWANCES = ("CEA", "local_allowance")
CREDITS = ("CCER", "certified_energy_saving")
REASONS = {
    "free_allowance": ("免费分配的配额不能用于碳中和抵销", "a free allowance cannot offset a neutrality claim"),
    "compliance": ("已用于履约清缴的单位不能再用于碳中和抵销", "a unit used for compliance cannot offset a neutrality claim"),
    "late": ("注销日期 {date} 晚于抵销期限 {limit}", "cancelled on {date}, after the deadline {limit}"),
    "no_date": ("缺少注销日期", "the cancellation date is missing"),
    "instrument": ("{instrument} 不是可用于碳中和抵销的配额或碳信用", "{instrument} is not an allowance or credit usable for neutrality"),
}
NOTES = {
    "priority": ("使用了第 {low} 级（{id_low}），而更高优先级的第 {high} 级单位（{id_high}）仍持有未注销：需记录理由",
                 "tier {low} ({id_low}) is used while a higher-priority tier {high} unit ({id_high}) is held and not cancelled: "
                 "record the justification"),
}


def _text(table: dict, code: str, lang: str, **p) -> str:
    zh, en = table[code]
    return (en if lang == "en" else zh).format(**p)


def tier(lot: dict) -> int | None:
    inst, local, forestry = lot.get("instrument"), bool(lot.get("local")), bool(lot.get("forestry"))
    if inst in ALLOWANCES:
        return 1 if lot.get("acquisition") == "purchased" else None
    if inst == "CCER":
        return 2 if forestry and local else 3 if forestry else 4 if local else 5
    if inst == "certified_energy_saving":
        return 6 if local else 7
    return None


def _limit(year: int, months: int) -> dt.date:
    index = year * 12 + 12 + months  # the month after the window, 0-based
    first_after = dt.date(index // 12, index % 12 + 1, 1)
    return first_after - dt.timedelta(days=1)


def neutrality(data: dict[str, Any], lang: str = "zh") -> dict[str, Any]:
    """The ``carbonms assets neutrality`` computation (input and output: docs/assets.md)."""
    c = Collector(MESSAGES)
    if not isinstance(data, dict):
        c.add("bad_object", "")
        c.raise_if_any()
    year = c.year(data.get("year"), "year")
    emissions = c.number(data.get("emissions_t"), "emissions_t", non_negative=True)
    window = c.number(data.get("retirement_window_months", 12), "retirement_window_months", non_negative=True)
    parsed = []
    for i, where, lid, lot, q in lots_of(c, data):
        status = lot.get("status")
        if status not in ("cancelled", "held"):
            c.add("unknown_kind", f"{where}.status", value=status, choices="cancelled, held")
        cancelled_on = _parse_date(c, lot.get("cancelled_on"), f"{where}.cancelled_on")
        parsed.append((i, lid, lot, q, status, cancelled_on))
    c.raise_if_any()

    limit = _limit(year, int(window))
    counted, held, rejected = [], [], []
    for i, lid, lot, q, status, cancelled_on in parsed:
        t = tier(lot)
        inst = lot.get("instrument")
        if inst not in ALLOWANCES + CREDITS:
            reason = _text(REASONS, "instrument", lang, instrument=inst)
        elif inst in ALLOWANCES and lot.get("acquisition") != "purchased":
            reason = _text(REASONS, "free_allowance", lang)
        elif lot.get("used_for_compliance"):
            reason = _text(REASONS, "compliance", lang)
        else:
            reason = None
        if status == "held":
            if reason is None:
                held.append((t, i, lid, dec(q)))
            continue
        if reason is None and cancelled_on is None:
            reason = _text(REASONS, "no_date", lang)
        if reason is None and cancelled_on > limit:
            reason = _text(REASONS, "late", lang, date=cancelled_on.isoformat(), limit=limit.isoformat())
        if reason is not None:
            rejected.append({"id": lid, "reason": reason})
        else:
            counted.append((t, i, lid, dec(q)))
    need = dec(emissions)
    eligible = sum((q for *_x, q in counted), Decimal(0))
    allocation, left = [], need
    for t, _i, lid, q in sorted(counted):
        take = min(q, left)
        if take > 0:
            allocation.append({"id": lid, "tier": t, "quantity_t": qty(take)})
            left -= take
    gap = max(Decimal(0), need - eligible)
    plan, left = [], gap
    for t, _i, lid, q in sorted(held):
        take = min(q, left)
        if take > 0:
            plan.append({"id": lid, "tier": t, "quantity_t": qty(take)})
            left -= take
    notes = []
    if allocation and held:
        best_held = min(held)
        worst_used = max(allocation, key=lambda a: a["tier"])
        if best_held[0] < worst_used["tier"]:
            notes.append(_text(NOTES, "priority", lang, low=worst_used["tier"], id_low=worst_used["id"], high=best_held[0],
                               id_high=best_held[2]))
    return {"entity": data.get("entity"), "year": year, "emissions_t": qty(need), "achieved": eligible >= need,
            "eligible_t": qty(eligible), "gap_t": qty(gap), "surplus_t": qty(max(Decimal(0), eligible - need)),
            "cancellation_deadline": limit.isoformat(), "allocation": allocation, "rejected": rejected, "plan": plan,
            "priority_notes": notes}
