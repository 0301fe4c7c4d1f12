"""The one rule for numbers that people type, import or post (issue 9: imports and numbers).

Every path that takes a quantity from outside — the entry grid, the page forms, the API, the
workbook import — parses it with :func:`parse_decimal`, so all of them accept and refuse the same
values with the same message:

* text that is not a number is refused (booleans too, and text longer than :data:`MAX_TEXT`);
* NaN and the infinities are refused;
* a magnitude of 10¹⁵ or more is refused (:data:`MAX_MAGNITUDE`), whatever the field could hold;
* the integer part must fit the field: ``max_digits - decimal_places`` digits before the point;
* digits beyond the field's ``decimal_places`` are rounded (half to even), because a spreadsheet's
  value such as 0.30000000000000004 is a number the user meant, not an error.

The messages are translated and never contain more than :data:`SHOWN` characters of the value.
"""
from __future__ import annotations

from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation, localcontext
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import DecimalValidator
from django.utils.translation import gettext as _
from rest_framework import serializers

MAX_MAGNITUDE = Decimal(10) ** 15
MAX_TEXT = 100
SHOWN = 30


def _shown(value: Any) -> str:
    text = str(value).strip()
    return text if len(text) <= SHOWN else text[:SHOWN] + "…"


def _not_a_number(value: Any) -> ValidationError:
    return ValidationError(_("“%(value)s” is not a number.") % {"value": _shown(value)}, code="invalid")


def parse_decimal(value: Any, *, max_digits: int | None = None, decimal_places: int | None = None) -> Decimal | None:
    """``value`` (text, int, float or Decimal) as a Decimal under the rule above; None when empty.

    Raises ``ValidationError`` (codes ``invalid``, ``not_finite``, ``too_large``, ``max_whole_digits``).
    Without ``decimal_places`` nothing is rounded; without ``max_digits`` only the magnitude is bounded.
    """
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool) or not isinstance(value, str | int | float | Decimal):
        raise _not_a_number(value)
    text = str(value).strip().replace(",", "")
    if len(text) > MAX_TEXT:
        raise _not_a_number(value)
    try:
        number = Decimal(text)
    except (InvalidOperation, ValueError):
        raise _not_a_number(value) from None
    if not number.is_finite():
        raise ValidationError(_("“%(value)s” is not a finite number.") % {"value": _shown(value)}, code="not_finite")
    if abs(number) >= MAX_MAGNITUDE:
        raise ValidationError(_("%(value)s is too large: a value must be smaller than 10^15 in magnitude.")
                              % {"value": _shown(value)}, code="too_large")
    with localcontext() as ctx:
        ctx.prec = 60  # |number| < 10^15: quantize never runs out of precision
        if decimal_places is not None:
            number = number.quantize(Decimal(1).scaleb(-decimal_places), rounding=ROUND_HALF_EVEN)
        if max_digits is not None:
            whole = max_digits - (decimal_places or 0)
            if number != 0 and number.adjusted() + 1 > whole:
                raise ValidationError(_("%(value)s has too many digits before the decimal point: at most %(n)d fit.")
                                      % {"value": _shown(value), "n": whole}, code="max_whole_digits")
    return number


def decimal_for_field(value: Any, model_field) -> Decimal | None:
    """:func:`parse_decimal` with the precision of a model's ``DecimalField``."""
    return parse_decimal(value, max_digits=model_field.max_digits, decimal_places=model_field.decimal_places)


class DecimalFormField(forms.DecimalField):
    """A form field for a model ``DecimalField`` that applies the rule (``Meta.field_classes``)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # the rule replaces Django's digit validator (which refuses decimals rather than rounding them)
        self.validators = [v for v in self.validators if not isinstance(v, DecimalValidator)]

    def to_python(self, value):
        if value in self.empty_values:
            return None
        return parse_decimal(value, max_digits=self.max_digits, decimal_places=self.decimal_places)


class DecimalSerializerField(serializers.DecimalField):
    """A serializer field with the same rule; answers 400 with the rule's message."""

    def to_internal_value(self, data):
        try:
            value = parse_decimal(data, max_digits=self.max_digits, decimal_places=self.decimal_places)
        except ValidationError as exc:
            raise serializers.ValidationError(exc.messages) from None
        if value is None:
            if self.allow_null:
                return None
            self.fail("invalid")
        return value
