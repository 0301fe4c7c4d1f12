"""``{{ value|figure:1 }}``: a number with thousands separators (1,234,567.8) in every language; a negative ``digits`` gives up to that many decimals, as figures of
record are read on the cockpit; "—" for no value."""
from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django import template

register = template.Library()


@register.filter
def figure(value, digits=0):
    if value is None or value == "":
        return "—"
    try:
        d = Decimal(str(value))
        digits = int(digits)
    except (InvalidOperation, ValueError, TypeError):
        return value
    text = f"{d:,.{abs(digits)}f}"
    if digits < 0 and "." in text:  # up to |digits| decimals, no trailing zeros
        text = text.rstrip("0").rstrip(".")
    return text
