"""Decimal in, JSON numbers out: tonnes as integers when whole, money rounded to the fen."""
from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal


def dec(x) -> Decimal:
    return x if isinstance(x, Decimal) else Decimal(str(x))


def qty(d: Decimal) -> int | float:
    d = dec(d)
    return int(d) if d == d.to_integral_value() else float(d)


def money(d) -> float:
    return float(dec(d).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))
