"""Targets: the target value, yearly milestones and progress (T/CSES 6.2; T/CPQS 7.1; T/CIECCPA 6.2.2).

A target starts from a base year and base value (taken from a baseline) and reaches its target value in
the target year, set in one of three ways:

* ``target_value`` directly;
* ``reduction_pct``: target = base × (1 − pct / 100);
* ``method``: the SBTi absolute contraction approach, a *linear* reduction of a fixed share of the
  base-year value per year from the base year: 4.2 %/yr for 1.5 °C (``sbti_aca_1.5``) and 2.5 %/yr for
  well-below 2 °C (``sbti_aca_wb2c``) (SBTi, *Foundations of science-based target setting*, 2019, and the
  SBTi criteria). Target = base × (1 − rate × (target year − base year)), never below zero. Absolute
  targets only (intensity targets use other SBTi methods).

Milestones are linear from the **base year** (not the start year) to the target year; after the target
year the milestone is the target value. Each year with an actual value gets

* progress % = (base − actual) / (base − target) × 100;
* status: ``on_track`` when actual ≤ milestone, ``at_risk`` when actual ≤ milestone × 1.05, otherwise
  ``off_track`` (lower is better: emissions and intensities).
"""
from __future__ import annotations

from typing import Any

from .errors import Collector

SBTI_RATES = {"sbti_aca_1.5": 0.042, "sbti_aca_wb2c": 0.025}
KINDS = ("absolute", "intensity")
AT_RISK_MARGIN = 1.05


def target_value(base_value: float, base_year: int, target_year: int, *, reduction_pct: float | None = None,
                 value: float | None = None, method: str | None = None) -> float:
    if value is not None:
        return value
    if reduction_pct is not None:
        return base_value * (1 - reduction_pct / 100)
    rate = SBTI_RATES[method]
    return max(0.0, base_value * (1 - rate * (target_year - base_year)))


def milestone(base_value: float, base_year: int, target: float, target_year: int, year: int) -> float:
    """The expected value in ``year``: linear from (base year, base) to (target year, target)."""
    if year >= target_year:
        return target
    return base_value + (target - base_value) * (year - base_year) / (target_year - base_year)


def status(actual: float, expected: float) -> str:
    if actual <= expected:
        return "on_track"
    if actual <= expected * AT_RISK_MARGIN:
        return "at_risk"
    return "off_track"


def progress_pct(base_value: float, target: float, actual: float) -> float | None:
    if base_value == target:
        return None
    return (base_value - actual) / (base_value - target) * 100


def evaluate(spec: dict[str, Any], where: str = "target") -> dict[str, Any]:
    """One target of the ``carbonms planning target`` input (docs/planning.md) → its value, milestones and
    progress. Raises :class:`~carbonms.planning.errors.PlanningErrors` naming every problem."""
    c = Collector()
    if not isinstance(spec, dict):
        c.add("bad_object", where)
        c.raise_if_any()
    kind = spec.get("kind", "absolute")
    if kind not in KINDS:
        c.add("unknown_kind", f"{where}.kind", value=kind, choices=", ".join(KINDS))
    base_year = c.year(spec.get("base_year"), f"{where}.base_year")
    target_year = c.year(spec.get("target_year"), f"{where}.target_year")
    start_year = c.year(spec.get("start_year"), f"{where}.start_year", required=False)
    base = c.number(spec.get("base_value"), f"{where}.base_value", positive=True)
    given = [k for k in ("reduction_pct", "target_value", "method") if spec.get(k) not in (None, "")]
    if len(given) != 1:
        c.add("one_way", where)
    pct = value = method = None
    if "reduction_pct" in given:
        pct = c.number(spec["reduction_pct"], f"{where}.reduction_pct")
        if pct is not None and not 0 < pct <= 100:
            c.add("pct_range", f"{where}.reduction_pct")
            pct = None
    if "target_value" in given:
        value = c.number(spec["target_value"], f"{where}.target_value", non_negative=True)
    if "method" in given:
        method = spec["method"]
        if method not in SBTI_RATES:
            c.add("unknown_method", f"{where}.method", value=method, choices=", ".join(SBTI_RATES))
            method = None
        elif kind != "absolute":
            c.add("sbti_absolute_only", f"{where}.method")
            method = None
    if base_year is not None and target_year is not None:
        if target_year <= base_year:
            c.add("target_before_base", f"{where}.target_year", target=target_year, base=base_year)
        elif start_year is not None and not base_year <= start_year <= target_year:
            c.add("start_outside", f"{where}.start_year", start=start_year, base=base_year, target=target_year)
    actuals: dict[int, float] = {}
    raw_actuals = spec.get("actuals") or {}
    if not isinstance(raw_actuals, dict):
        c.add("bad_object", f"{where}.actuals")
        raw_actuals = {}
    for k, v in raw_actuals.items():
        y = c.year(k, f"{where}.actuals")
        x = c.number(v, f"{where}.actuals.{k}", non_negative=True)
        if y is not None and x is not None:
            if base_year is not None and y < base_year:
                c.add("actual_before_base", f"{where}.actuals.{k}", year=y, base=base_year)
            actuals[y] = x
    c.raise_if_any()
    tv = target_value(base, base_year, target_year, reduction_pct=pct, value=value, method=method)
    if tv >= base:
        c.add("target_not_below", where, target=_fmt(tv), base=_fmt(base))
        c.raise_if_any()
    out: dict[str, Any] = {
        "id": spec.get("id"), "kind": kind, "unit": spec.get("unit", ""), "base_year": base_year, "base_value": base,
        "start_year": start_year or base_year, "target_year": target_year, "target_value": tv,
        "method": method or ("reduction_pct" if pct is not None else "fixed_value"),
        "milestones": {str(y): milestone(base, base_year, tv, target_year, y) for y in range(base_year, target_year + 1)},
        "progress": {},
    }
    for y in sorted(actuals):
        expected = milestone(base, base_year, tv, target_year, y)
        out["progress"][str(y)] = {"actual": actuals[y], "expected": expected,
                                   "progress_pct": progress_pct(base, tv, actuals[y]), "status": status(actuals[y], expected)}
    return out


def evaluate_all(data: dict[str, Any]) -> dict[str, Any]:
    """The whole ``carbonms planning target`` input: ``{"targets": [...]}``; every target is checked before
    any is returned, and the errors of all of them are raised together."""
    from .errors import PlanningErrors

    c = Collector()
    targets = data.get("targets") if isinstance(data, dict) else None
    if not isinstance(targets, list):
        c.add("bad_list", "targets")
        c.raise_if_any()
    out, errors = [], []
    for i, spec in enumerate(targets):
        label = f"targets[{i}]" + (f" ({spec.get('id')})" if isinstance(spec, dict) and spec.get("id") else "")
        try:
            out.append(evaluate(spec, label))
        except PlanningErrors as exc:
            errors.extend(exc.errors)
    if errors:
        raise PlanningErrors(errors)
    return {"targets": out}


def _fmt(x: float) -> str:
    return f"{x:,.6g}"
