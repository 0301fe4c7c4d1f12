"""``{% load data_quality %}``: a stored data-quality finding (code and parameters) in the reader's language,
``{{ flag|finding }}`` (carbonms.carbondata.services.quality.describe)."""
from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django import template

from ..services import quality

register = template.Library()


@register.filter
def finding(flag: dict) -> str:
    return quality.describe(flag)


@register.filter
def needs_reason(record) -> bool:
    return quality.needs_reason(record)


@register.filter
def share_percent(share) -> str:
    """A share (0.65) as a percentage with one decimal (65.0)."""
    try:
        return f"{float(share) * 100:.1f}"
    except (TypeError, ValueError):
        return ""


@register.filter
def plain_number(value) -> str:
    """A Decimal as it was entered: 1612.500000 → 1612.5, 5073.000000 → 5073 (no exponent)."""
    if value is None or value == "":
        return ""
    try:
        return format(Decimal(value).normalize(), "f")
    except (InvalidOperation, TypeError, ValueError):
        return str(value)
