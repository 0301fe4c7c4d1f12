"""Trend, scenarios, peak and neutrality pathway (T/CSES 6.3.1 b) c); T/CIECCPA 6.2.3).

A scenario projects gross emissions from the last historical year: each year the activity driver grows by
``growth_pct`` and the emissions per unit of activity change by ``intensity_change_pct`` (negative for an
improvement), so E_y = E_(y−1) · (1 + g) · (1 + i) before measures. Measures (action plans, admitted
projects, the renewable plan) are given as ``reductions``: ``{year: annual tCO₂e}`` taking effect from that
year on and staying in effect; sinks and offsets likewise (``sinks``). Gross = max(0, driven − Σ reductions
in force); net = gross − Σ sinks in force.

The uncertainty band repeats the projection with the growth rate ± ``uncertainty_pp`` percentage points.
The peak is the largest gross value of history and projection; it is *reached* only when a later year is
lower (a series still rising at the horizon has not peaked). The neutrality year is the first year whose
net value is ≤ 0.
"""
from __future__ import annotations

from typing import Any

from .errors import Collector


def _in_force(steps: dict[int, float], year: int) -> float:
    return sum(v for y, v in steps.items() if y <= year)


def project(history: dict[int, float], *, horizon: int, growth_pct: float = 0.0, intensity_change_pct: float = 0.0,
            reductions: dict[int, float] | None = None, sinks: dict[int, float] | None = None) -> dict[int, dict[str, float]]:
    last = max(history)
    reductions, sinks = reductions or {}, sinks or {}
    driven = history[last]
    out = {}
    for y in range(last + 1, horizon + 1):
        driven *= (1 + growth_pct / 100) * (1 + intensity_change_pct / 100)
        gross = max(0.0, driven - _in_force(reductions, y))
        out[y] = {"gross": gross, "net": gross - _in_force(sinks, y)}
    return out


def peak(series: dict[int, float]) -> dict[str, Any]:
    year = max(series, key=lambda y: (series[y], -y))
    return {"year": year, "value": series[year], "reached": any(y > year and series[y] < series[year] for y in series)}


def neutrality_year(net: dict[int, float]) -> int | None:
    return next((y for y in sorted(net) if net[y] <= 0), None)


def scenarios(data: dict[str, Any]) -> dict[str, Any]:
    """``{"history": {year: gross}, "horizon": year, "uncertainty_pp": 1.0, "scenarios": [{"name", "growth_pct",
    "intensity_change_pct", "reductions": {year: t}, "sinks": {year: t}}]}`` → each scenario's yearly gross and
    net, band, peak and neutrality year."""
    c = Collector()
    hist = {}
    for k, v in (data.get("history") or {}).items():
        y, x = c.year(k, "history"), c.number(v, f"history.{k}", non_negative=True)
        if y is not None and x is not None:
            hist[y] = x
    if not hist:
        c.add("required", "history")
    horizon = c.year(data.get("horizon"), "horizon")
    band = c.number(data.get("uncertainty_pp", 0), "uncertainty_pp", non_negative=True)
    specs = data.get("scenarios")
    if not isinstance(specs, list) or not specs:
        c.add("bad_list", "scenarios")
        specs = []
    parsed = []
    for i, s in enumerate(specs):
        where = f"scenarios[{i}]"
        if not isinstance(s, dict):
            c.add("bad_object", where)
            continue
        steps = {}
        for key in ("reductions", "sinks"):
            steps[key] = {}
            for k, v in (s.get(key) or {}).items():
                y, x = c.year(k, f"{where}.{key}"), c.number(v, f"{where}.{key}.{k}", non_negative=True)
                if y is not None and x is not None:
                    steps[key][y] = x
        parsed.append((s.get("name") or f"scenario {i + 1}", c.number(s.get("growth_pct", 0), f"{where}.growth_pct"),
                       c.number(s.get("intensity_change_pct", 0), f"{where}.intensity_change_pct"), steps))
    c.raise_if_any()
    out = []
    for name, g, i, steps in parsed:
        mid = project(hist, horizon=horizon, growth_pct=g, intensity_change_pct=i, **steps)
        lo = project(hist, horizon=horizon, growth_pct=g - band, intensity_change_pct=i, **steps)
        hi = project(hist, horizon=horizon, growth_pct=g + band, intensity_change_pct=i, **steps)
        gross = {**hist, **{y: v["gross"] for y, v in mid.items()}}
        net = {y: v["net"] for y, v in mid.items()}
        out.append({"name": name, "years": {str(y): {**v, "low": lo[y]["gross"], "high": hi[y]["gross"]} for y, v in mid.items()},
                    "peak": peak(gross), "neutrality_year": neutrality_year(net)})
    return {"history": {str(y): v for y, v in sorted(hist.items())}, "scenarios": out}
