"""National ETS compliance of one covered entity and year (T/CPQS 7.1 c), 7.3.3 e), 9.2.3 c);
T/CIECCPA 8.3.1.1, 8.3.2 note 5).

Obligation = the verified emissions of the compliance year (1 allowance = 1 tCO₂e, 条例 Art. 30). The
rules of the year come from the rule table (:mod:`.rules`): the CCER cap (5 % of the obligation, whole
tonnes rounded down), CCER eligibility (not from projects under ETS allocation management; for 2025 and
2026 only CCER registered on or after 2024-01-22), no borrowing of later vintages, and from 2025 on the
2019–2024 allowances only if carried over.

Surrender order: eligible CCER first, up to the cap (lots in the order given), then eligible allowances,
oldest vintage first (lots of one vintage in the order given). Shortfall = obligation − surrendered; surplus
= eligible allowances left; cost to close = shortfall × price; penalty exposure from the penalty rule in
force at the deadline.
"""
from __future__ import annotations

import datetime as dt
from decimal import ROUND_FLOOR, Decimal
from typing import Any

from carbonms.planning.errors import Collector

from . import rules
from .quantities import dec, money, qty

ALLOWANCES = ("CEA",)
CCER = "CCER"
MESSAGES = {
    "unknown_year": ("没有 {year} 履约年度的规则（规则表：carbonms/assets/data/compliance_rules.csv）",
                     "there is no rule for compliance year {year} (rule table: carbonms/assets/data/compliance_rules.csv)"),
    "bad_date": ("不是 YYYY-MM-DD 格式的日期：{value}", "is not a date in the form YYYY-MM-DD: {value}"),
    "duplicate_id": ("标识重复：{value}", "the id appears twice: {value}"),
}
REASONS = {
    "later_vintage": ("不得预借以后年度配额（{vintage} 年度配额用于 {year} 年度履约）",
                      "no borrowing of later vintages ({vintage} allowances for compliance year {year})"),
    "not_carried_over": ("{lo}–{hi} 年度配额未结转，不能用于 {year} 年度履约", "{lo}–{hi} allowances not carried over cannot be used for {year}"),
    "covered_project": ("来自纳入全国碳市场配额管理的项目的 CCER 不能用于抵销", "CCER from a project under ETS allocation management cannot offset"),
    "registered_before": ("{year} 年度履约只能使用 {date} 及以后登记的 CCER", "for {year} only CCER registered on or after {date} can be used"),
    "no_registration": ("缺少 CCER 登记日期，无法判定是否可用", "the CCER registration date is missing: eligibility cannot be decided"),
    "instrument": ("{instrument} 不能用于全国碳市场履约", "{instrument} cannot be surrendered in the national ETS"),
}


def _reason(code: str, lang: str, **p) -> str:
    zh, en = REASONS[code]
    return (en if lang == "en" else zh).format(**p)


def _parse_date(c: Collector, value, where: str) -> dt.date | None:
    if value in (None, ""):
        return None
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        c.add("bad_date", where, value=value)
        return None


def lots_of(c: Collector, data: dict[str, Any]):
    """(index, where, id, lot, quantity) of each well-formed lot of ``data["lots"]``; problems go to ``c``
    (not a list, not an object, an id given twice, a quantity that is not a number ≥ 0)."""
    lots = data.get("lots", [])
    if not isinstance(lots, list):
        c.add("bad_list", "lots")
        return
    seen = set()
    for i, lot in enumerate(lots):
        where = f"lots[{i}]"
        if not isinstance(lot, dict):
            c.add("bad_object", where)
            continue
        lid = lot.get("id") or f"#{i + 1}"
        if lid in seen:
            c.add("duplicate_id", f"{where}.id", value=lid)
        seen.add(lid)
        yield i, where, lid, lot, c.number(lot.get("quantity_t"), f"{where}.quantity_t", non_negative=True)


def compliance(data: dict[str, Any], lang: str = "zh") -> dict[str, Any]:
    """The ``carbonms assets compliance`` computation (input and output: docs/assets.md)."""
    c = Collector(MESSAGES)
    if not isinstance(data, dict):
        c.add("bad_object", "")
        c.raise_if_any()
    year = c.year(data.get("compliance_year"), "compliance_year")
    verified = c.number(data.get("verified_emissions_t"), "verified_emissions_t", non_negative=True)
    price = c.number(data.get("price_yuan_per_t"), "price_yuan_per_t", non_negative=True, required=False)
    rule = rules.rule_for(year) if year is not None else None
    if year is not None and rule is None:
        c.add("unknown_year", "compliance_year", year=year)
    parsed = []
    for _i, where, lid, lot, q in lots_of(c, data):
        vintage = c.year(lot.get("vintage"), f"{where}.vintage", required=lot.get("instrument") in ALLOWANCES)
        registered = _parse_date(c, lot.get("registered_on"), f"{where}.registered_on")
        if not lot.get("instrument"):
            c.add("required", f"{where}.instrument")
        parsed.append((lid, lot.get("instrument"), vintage, q, bool(lot.get("carried_over")), registered,
                       bool(lot.get("from_covered_project"))))
    c.raise_if_any()

    obligation = dec(verified)
    cap = (obligation * rule.ccer_cap_pct / 100).to_integral_value(rounding=ROUND_FLOOR)
    excluded, ccer, allowances = [], [], []
    for lid, instrument, vintage, q, carried, registered, covered in parsed:
        q = dec(q)
        if instrument == CCER:
            if covered:
                excluded.append({"id": lid, "reason": _reason("covered_project", lang)})
            elif rule.ccer_registered_from and registered is None:
                excluded.append({"id": lid, "reason": _reason("no_registration", lang)})
            elif rule.ccer_registered_from and registered < rule.ccer_registered_from:
                excluded.append({"id": lid, "reason": _reason("registered_before", lang, year=year,
                                                              date=rule.ccer_registered_from.isoformat())})
            else:
                ccer.append((lid, q))
        elif instrument in ALLOWANCES:
            if vintage > year and not rule.borrowing:
                excluded.append({"id": lid, "reason": _reason("later_vintage", lang, vintage=vintage, year=year)})
            elif rule.carry_over_vintages and rule.carry_over_vintages[0] <= vintage <= rule.carry_over_vintages[1] and not carried:
                lo, hi = rule.carry_over_vintages
                excluded.append({"id": lid, "reason": _reason("not_carried_over", lang, lo=lo, hi=hi, year=year)})
            else:
                allowances.append((vintage, len(allowances), lid, q))
        else:
            excluded.append({"id": lid, "reason": _reason("instrument", lang, instrument=instrument)})

    surrender, need = [], obligation
    ccer_room = min(cap, need)
    ccer_used = Decimal(0)
    for lid, q in ccer:
        take = min(q, ccer_room - ccer_used)
        if take > 0:
            surrender.append({"id": lid, "quantity_t": qty(take)})
            ccer_used += take
    need -= ccer_used
    used = Decimal(0)
    eligible_allowances = sum((q for *_x, q in allowances), Decimal(0))
    for _v, _order, lid, q in sorted(allowances):
        take = min(q, need - used)
        if take > 0:
            surrender.append({"id": lid, "quantity_t": qty(take)})
            used += take
    shortfall = max(Decimal(0), need - used)
    price_d = dec(price) if price is not None else None
    return {
        "entity": data.get("entity"), "compliance_year": year, "obligation_t": qty(obligation), "ccer_cap_t": qty(cap),
        "ccer_eligible_t": qty(sum((q for _l, q in ccer), Decimal(0))), "ccer_used_t": qty(ccer_used),
        "allowances_eligible_t": qty(eligible_allowances), "allowances_used_t": qty(used), "shortfall_t": qty(shortfall),
        "surplus_t": qty(eligible_allowances - used),
        "cost_to_close_yuan": money(shortfall * price_d) if price_d is not None else None,
        "deadline": rule.deadline.isoformat() if rule.deadline else None,
        "penalty": penalty(shortfall, price_d, rule.deadline),
        "rule": {"status": rule.status, "source": rule.source},
        "surrender": surrender, "excluded": excluded,
    }


def penalty(shortfall: Decimal, price: Decimal | None, deadline: dt.date | None) -> dict[str, Any] | None:
    """Penalty exposure for a shortfall under the rule in force at the deadline (None without a deadline).
    The price-multiple rule uses the average trading price of the month before the deadline; the price given
    stands for it and the output says so."""
    if deadline is None:
        return None
    p = rules.penalty_in_force(deadline)
    if p is None:
        return None
    out: dict[str, Any] = {"kind": p.kind, "status": p.status, "source": p.source, "effective_from": p.effective_from.isoformat()}
    if shortfall <= 0:
        out.update({"min_yuan": money(0), "max_yuan": money(0)})
    elif p.kind == "price_multiple":
        out.update({"multiple": [qty(p.low), qty(p.high)], "price_basis": "the price given stands for the average trading price "
                    "of the month before the deadline",
                    "min_yuan": money(p.low * price * shortfall) if price is not None else None,
                    "max_yuan": money(p.high * price * shortfall) if price is not None else None})
    else:
        out.update({"min_yuan": money(p.low), "max_yuan": money(p.high)})
    return out
