"""Base-year recalculation (T/CSES 6.5 a)–c); GHG Protocol Corporate Standard ch. 5).

Structural changes (acquisition, divestment, insourcing, outsourcing), changes of method or factor, and
errors found accumulate as the sum of their **absolute** base-year effects. When that sum reaches the
policy threshold (default 5 % of the base value) the base is recalculated to base + Σ **signed** effects;
below it the base stays and a "no recalculation" decision is recorded. Organic growth or decline is never a
base-year change: a change of kind ``organic`` (or any unknown kind) is refused.
"""
from __future__ import annotations

from typing import Any

from .errors import Collector

KINDS = ("acquisition", "divestment", "insourcing", "outsourcing", "method", "factor", "error")
DEFAULT_THRESHOLD_PCT = 5.0


def rebase(data: dict[str, Any]) -> dict[str, Any]:
    c = Collector()
    if not isinstance(data, dict):
        c.add("bad_object", "")
        c.raise_if_any()
    base_year = c.year(data.get("base_year"), "base_year")
    base = c.number(data.get("base_value"), "base_value", positive=True)
    threshold = c.number(data.get("threshold_pct", DEFAULT_THRESHOLD_PCT), "threshold_pct", positive=True)
    changes = data.get("changes", [])
    if not isinstance(changes, list):
        c.add("bad_list", "changes")
        changes = []
    effects = []
    for i, ch in enumerate(changes):
        where = f"changes[{i}]"
        if not isinstance(ch, dict):
            c.add("bad_object", where)
            continue
        kind = ch.get("kind")
        if kind == "organic":
            c.add("organic_change", f"{where}.kind", value=kind)
        elif kind not in KINDS:
            c.add("unknown_kind", f"{where}.kind", value=kind, choices=", ".join(KINDS))
        effect = c.number(ch.get("base_year_effect_t"), f"{where}.base_year_effect_t")
        if effect is not None:
            effects.append(effect)
    c.raise_if_any()
    cumulative = sum(abs(e) for e in effects) / base * 100
    recalculated = cumulative >= threshold
    return {"base_year": base_year, "threshold_pct": threshold, "cumulative_pct": cumulative, "recalculated": recalculated,
            "base_value": base + sum(effects) if recalculated else base, "previous_base_value": base}
