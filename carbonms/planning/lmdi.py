"""Driver decomposition of the change in emissions between two years by LMDI-I, additive form
(Ang, B.W. (2005) "The LMDI approach to decomposition analysis: a practical guide", Energy Policy 33,
867–871; T/CSES 6.3.1 b): the trend analysis of the carbon assessment).

Emissions of sector i: C_i = Q · S_i · I_i · F_i with Q = Σ Q_i the total output (value added), S_i = Q_i / Q
its structure share, I_i = E_i / Q_i its energy intensity and F_i = C_i / E_i the carbon intensity of its
energy. The change C¹ − C⁰ splits exactly (no residual) into

    ΔC_X = Σ_i L(C_i¹, C_i⁰) · ln(X_i¹ / X_i⁰),  L(a, b) = (a − b) / (ln a − ln b), L(a, a) = a,

for X = activity (Q), structure (S), energy intensity (I) and carbon intensity of energy (F). Every sector
needs positive output, energy and emissions in both years (LMDI's zero-value rule is not applied: a sector
that appears or disappears is refused with its name, so the caller decides how to treat it).
"""
from __future__ import annotations

import math
from typing import Any

from .errors import Collector

EFFECTS = ("activity", "structure", "energy_intensity", "carbon_intensity")


def log_mean(a: float, b: float) -> float:
    if a == b:
        return a
    return (a - b) / (math.log(a) - math.log(b))


def decompose(year0: dict[str, dict[str, Any]], year1: dict[str, dict[str, Any]]) -> dict[str, float]:
    """``yearN`` maps a sector name to ``{"output", "energy", "emissions"}``; returns the four effects, their
    ``total`` and the actual change (equal to the total up to rounding)."""
    c = Collector()
    if not year0 or not year1:
        c.add("no_sectors", "sectors")
        c.raise_if_any()
    if set(year0) != set(year1):
        c.add("sector_mismatch", "sectors", names=", ".join(sorted(set(year0) ^ set(year1))))
        c.raise_if_any()
    data = {}
    for label, year in (("year0", year0), ("year1", year1)):
        for name, s in year.items():
            data[(label, name)] = tuple(c.number((s or {}).get(k), f"{label}.{name}.{k}", positive=True)
                                        for k in ("output", "energy", "emissions"))
    c.raise_if_any()
    q0 = sum(data[("year0", n)][0] for n in year0)
    q1 = sum(data[("year1", n)][0] for n in year1)
    effects = dict.fromkeys(EFFECTS, 0.0)
    for name in year0:
        o0, e0, c0 = data[("year0", name)]
        o1, e1, c1 = data[("year1", name)]
        w = log_mean(c1, c0)
        effects["activity"] += w * math.log(q1 / q0)
        effects["structure"] += w * math.log((o1 / q1) / (o0 / q0))
        effects["energy_intensity"] += w * math.log((e1 / o1) / (e0 / o0))
        effects["carbon_intensity"] += w * math.log((c1 / e1) / (c0 / e0))
    change = sum(data[("year1", n)][2] for n in year1) - sum(data[("year0", n)][2] for n in year0)
    return {**effects, "total": sum(effects.values()), "change": change}
