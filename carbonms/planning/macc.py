"""Abatement opportunities ranked by levelised cost: the marginal abatement cost curve (T/CSES 6.3.1 a);
T/CIECCPA 8.1).

Levelised abatement cost (yuan/tCO₂e) = (CRF × capex + Δopex) / annual abatement, with the capital recovery
factor CRF = r(1+r)ⁿ / ((1+r)ⁿ − 1) (r the discount rate, n the lifetime in years; CRF = 1/n when r = 0).
Δopex is the change in annual operating cost, negative for a saving. Simple payback = capex / annual saving
(none when the measure saves nothing). Money is Decimal throughout.
"""
from __future__ import annotations

from decimal import Decimal, InvalidOperation, localcontext
from typing import Any


def _dec(value: Any, name: str) -> Decimal:
    try:
        d = value if isinstance(value, Decimal) else Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise ValueError(f"{name}: '{value}' is not a number") from None
    if not d.is_finite():
        raise ValueError(f"{name}: '{value}' is not a number")
    return d


def crf(rate: Any, years: int) -> Decimal:
    r = _dec(rate, "discount_rate")
    if years <= 0:
        raise ValueError("lifetime: must be at least 1 year")
    if r < 0:
        raise ValueError("discount_rate: must not be negative")
    with localcontext() as ctx:
        ctx.prec = 34
        if r == 0:
            return Decimal(1) / years
        g = (1 + r) ** years
        return r * g / (g - 1)


def levelised_cost(*, capex: Any, delta_opex: Any, abatement_t: Any, discount_rate: Any, lifetime_years: int) -> Decimal:
    a = _dec(abatement_t, "abatement_t")
    if a <= 0:
        raise ValueError("abatement_t: must be greater than 0")
    with localcontext() as ctx:
        ctx.prec = 34
        return (crf(discount_rate, lifetime_years) * _dec(capex, "capex") + _dec(delta_opex, "delta_opex")) / a


def payback_years(*, capex: Any, delta_opex: Any) -> Decimal | None:
    saving = -_dec(delta_opex, "delta_opex")
    if saving <= 0:
        return None
    return _dec(capex, "capex") / saving


def curve(opportunities: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Opportunities (``id``, ``capex``, ``delta_opex``, ``abatement_t``, ``discount_rate``, ``lifetime_years``)
    sorted by levelised cost, cheapest first, each with its cost, payback and the cumulative abatement at which
    its bar ends on the curve (ties keep the input order)."""
    rows = []
    for o in opportunities:
        cost = levelised_cost(capex=o["capex"], delta_opex=o["delta_opex"], abatement_t=o["abatement_t"],
                              discount_rate=o["discount_rate"], lifetime_years=int(o["lifetime_years"]))
        rows.append({**o, "cost_per_t": cost, "payback_years": payback_years(capex=o["capex"], delta_opex=o["delta_opex"])})
    rows.sort(key=lambda r: r["cost_per_t"])
    total = Decimal(0)
    for r in rows:
        total += _dec(r["abatement_t"], "abatement_t")
        r["cumulative_t"] = total
    return rows
