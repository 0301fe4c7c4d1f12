"""Automatic screening of a project application (T/CSES 6.3.5 a) b); spec §1.6.3 "Rules").

Four checks, each a code, a result (``pass``, ``warn``, ``fail``, ``na``) and the figures behind it, stored on the
application as its screening report and put into words when shown (:func:`describe`), in the reader's language:

* ``two_high`` — the 两高 flag from the industry code (``data/two_high_scope.csv``: the national scope of
  环环评〔2021〕45号 plus the provincial list, longest code prefix wins); a 两高 project is flagged (``warn``), it is
  not refused for that alone;
* ``intensity`` — planned energy per unit of product against the sector benchmark (基准水平) and advanced value
  (标杆水平) of 发改产业〔2023〕723号 (``data/sector_benchmarks.csv``; unverified figures say so): above the benchmark
  fails;
* ``headroom`` — the project's planned emissions against the park target's remaining headroom and reserve
  (:mod:`carbonms.governance.headroom`): more than the headroom fails;
* ``renewable`` — the renewable electricity commitment: none is a ``warn``.

The recommendation is ``refuse`` when a check fails, ``conditional`` when one warns, ``admit`` otherwise. The
planned energy and emissions come from the accounting core (:func:`planned_totals`) with the same categories,
methods and factors as the inventory.
"""
from __future__ import annotations

import csv
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path

from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

DATA = Path(__file__).with_name("data")
ACTIVITY_COLUMNS = ("source", "category", "method", "material", "amount", "unit")


@dataclass(frozen=True)
class TwoHigh:
    prefix: str
    sector: str
    name_zh: str
    name_en: str
    list: str
    source: str
    status: str

    @property
    def name(self) -> str:
        return self.name_en if (get_language() or "").startswith("en") else self.name_zh


@dataclass(frozen=True)
class Benchmark:
    key: str
    prefix: str
    product_zh: str
    product_en: str
    unit: str
    benchmark: Decimal
    advanced: Decimal
    source: str
    status: str

    @property
    def product(self) -> str:
        return self.product_en if (get_language() or "").startswith("en") else self.product_zh


def _rows(name: str) -> list[dict]:
    with (DATA / name).open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


@cache
def two_high_scope() -> tuple[TwoHigh, ...]:
    return tuple(TwoHigh(**r) for r in _rows("two_high_scope.csv"))


@cache
def benchmarks() -> dict[str, Benchmark]:
    out = {}
    for r in _rows("sector_benchmarks.csv"):
        r = dict(r, benchmark=Decimal(r["benchmark"]), advanced=Decimal(r["advanced"]))
        out[r["key"]] = Benchmark(**r)
    return out


def benchmark_choices() -> list[tuple[str, str]]:
    return [("", "—")] + [(b.key, f"{b.product_zh} ({b.unit})") for b in benchmarks().values()]


def two_high(industry_code: str) -> TwoHigh | None:
    """The 两高 scope row that covers ``industry_code`` (longest prefix), or None."""
    hits = [r for r in two_high_scope() if industry_code.startswith(r.prefix)]
    return max(hits, key=lambda r: len(r.prefix)) if hits else None


def planned_totals(rows: list[dict], *, year: int, entity: str) -> dict:
    """Planned energy (tce) and emissions (tCO2e, gross) of the planned activity data, computed by the accounting
    core; raises ``AccountingErrors`` naming every bad row."""
    from carbonms.accounting import calculate, default_library

    # a future year has no published grid factor yet: electricity takes the latest published national one
    published = [int(y) for y in default_library().grid_years() if y.isdigit() and int(y) <= year]
    grid_year = str(max(published)) if published else ""
    inputs = [{**{k: r.get(k, "") for k in ACTIVITY_COLUMNS}, "entity": entity, "period": str(year),
               "year": grid_year if r.get("category") == "purchased_electricity" else ""} for r in rows]
    result = calculate(inputs)
    return {
        "energy_tce": Decimal(str(round(result.totals["energy_tce"], 3))),
        "emissions_t": Decimal(str(round(result.totals["gross"], 3))),
        "provenance": {"gwp_set": result.gwp_set, "fuel_set": result.fuel_set, "factors": result.factor_versions(),
                       "grid_year": grid_year, "rows": len(inputs)},
    }


def _check(key: str, result: str, **figures) -> dict:
    return {"key": key, "result": result, **{k: (str(v) if isinstance(v, Decimal) else v) for k, v in figures.items()}}


def screen(*, industry_code: str, energy_tce: Decimal, emissions_t: Decimal, planned_output: Decimal | None,
           benchmark_key: str, renewable_pct: Decimal, budget: dict | None) -> dict:
    """The screening report of a project (see the module docstring). ``budget`` is the park's headroom
    (:func:`carbonms.governance.headroom.park_budget`) or None when the park has no absolute target for the year."""
    checks = []
    th = two_high(industry_code)
    checks.append(_check("two_high", "warn" if th else "pass", flagged=bool(th), sector=th.sector if th else "",
                         prefix=th.prefix if th else "", list=th.list if th else "", source=th.source if th else ""))
    bm = benchmarks().get(benchmark_key) if benchmark_key else None
    if bm is None:
        checks.append(_check("intensity", "warn" if th else "na"))
    elif not planned_output or not bm.unit.startswith("kgce/"):
        checks.append(_check("intensity", "warn", benchmark=bm.key, unit=bm.unit, reason="no_output"
                             if not planned_output else "unit"))
    else:
        value = (energy_tce * 1000 / planned_output).quantize(Decimal("0.01"))
        result = "fail" if value > bm.benchmark else "pass"
        checks.append(_check("intensity", result, benchmark=bm.key, value=value, unit=bm.unit, limit=bm.benchmark,
                             advanced=bm.advanced, is_advanced=value <= bm.advanced, status=bm.status,
                             source=bm.source))
    if budget is None:
        checks.append(_check("headroom", "warn", emissions=emissions_t, reason="no_target"))
    else:
        headroom = Decimal(str(budget["headroom"]))
        reserve = Decimal(str(budget["reserve"]))
        result = "fail" if emissions_t > headroom else ("warn" if emissions_t > reserve else "pass")
        checks.append(_check("headroom", result, emissions=emissions_t, headroom=headroom, reserve=reserve,
                             target=budget["target"], allocated=budget["allocated"], year=budget["year"],
                             source=budget.get("source", "")))
    checks.append(_check("renewable", "pass" if renewable_pct > 0 else "warn", pct=renewable_pct))
    results = {c["result"] for c in checks}
    recommendation = "refuse" if "fail" in results else ("conditional" if "warn" in results else "admit")
    return {"checks": checks, "recommendation": recommendation, "two_high": bool(th),
            "energy_tce": str(energy_tce), "emissions_t": str(emissions_t)}


def describe(check: dict) -> str:
    """One check of a stored report in words, in the active language."""
    k, r = check["key"], check["result"]
    check = {**check, **{f: _fmt(check[f]) for f in ("emissions", "headroom", "reserve", "target", "allocated")
                         if check.get(f) not in (None, "")}}
    if k == "two_high":
        if not check.get("flagged"):
            return _("Not in the 两高 scope (national list and the provincial list).")
        return _("两高 project: code prefix %(prefix)s is in the %(list)s list (%(source)s).") % {
            "prefix": check["prefix"], "list": _("national") if check["list"] == "national" else _("provincial"),
            "source": check["source"]}
    if k == "intensity":
        if "value" not in check:
            if check.get("reason") == "no_output":
                return _("No planned output given: the intensity cannot be compared with the benchmark.")
            if check.get("reason") == "unit":
                return _("The benchmark is in %(unit)s: compare it by hand.") % {"unit": check["unit"]}
            return _("No sector benchmark applies.") if r == "na" else _("A 两高 project needs a sector benchmark.")
        text = _("Planned intensity %(value)s %(unit)s against the benchmark %(limit)s and the advanced value "
                 "%(advanced)s (%(source)s).") % check
        if check.get("status") == "unverified":
            text += " " + _("Benchmark figures unverified.")
        return text
    if k == "headroom":
        if check.get("reason") == "no_target":
            return _("The park has no absolute target for the year: headroom not checked (planned %(emissions)s "
                     "tCO2e).") % check
        if r == "fail":
            return _("Planned %(emissions)s tCO2e exceed the remaining headroom of %(headroom)s tCO2e under the "
                     "park target of %(target)s tCO2e for %(year)s (reserve %(reserve)s tCO2e).") % check
        return _("Planned %(emissions)s tCO2e within the remaining headroom of %(headroom)s tCO2e (reserve "
                 "%(reserve)s tCO2e) under the park target of %(target)s tCO2e for %(year)s.") % check
    if k == "renewable":
        return _("Renewable electricity commitment: %(pct)s %%.") % check if r == "pass" else \
            _("No renewable electricity commitment.")
    return k


def _fmt(value) -> str:
    """A tonnage for reading: thousands separated, one decimal."""
    try:
        return f"{Decimal(str(value)):,.1f}"
    except ArithmeticError:
        return str(value)


def check_label(key: str) -> str:
    return {"two_high": _("两高 flag"), "intensity": _("Intensity against the sector benchmark"),
            "headroom": _("Park target headroom and reserve"), "renewable": _("Renewable commitment")}.get(key, key)


def result_label(result: str) -> str:
    return {"pass": pgettext("screening", "Passed"), "warn": pgettext("screening", "To note"),
            "fail": pgettext("screening", "Failed"), "na": pgettext("screening", "Not applicable")}[result]
