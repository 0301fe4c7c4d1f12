"""Tonnes and yuan on the ledger pages: grouped by thousands whatever the language (the zh-hans locale groups
nothing), tonnes whole, yuan to the fen, "—" for no value."""
from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django import template

register = template.Library()


def _grouped(value, places: int) -> str:
    if value in (None, ""):
        return "—"
    try:
        d = Decimal(str(value)).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    except (InvalidOperation, ValueError):
        return str(value)
    text = f"{abs(d):,.{places}f}"
    return ("−" if d < 0 else "") + text


@register.filter
def tonnes(value) -> str:
    return _grouped(value, 0)


@register.filter
def yuan(value) -> str:
    return _grouped(value, 2)
