"""Query parameters read safely: a bad value is a 400 naming the parameter and the reason, never a 500.

    filters = params.read(request.GET, {"year": params.YEAR, "month": params.MONTH, "enterprise": params.ID})

A page answers 400 (Django's ``BadRequest``); the API answers 400 with ``{"<parameter>": ["<reason>"]}``
(:class:`carbonms.common.api.ScopedModelViewSet` converts :class:`BadParameter`).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from django.core.exceptions import BadRequest
from django.utils.translation import gettext as _

MAX_ID = 2**63 - 1  # a 64-bit primary key
_INT = re.compile(r"[+-]?\d{1,20}")


class BadParameter(BadRequest):
    def __init__(self, name: str, message: str):
        super().__init__(f"{name}: {message}")
        self.name, self.message = name, message


@dataclass(frozen=True)
class Int:
    min_value: int
    max_value: int

    def parse(self, name: str, raw: str) -> int:
        raw = raw.strip()
        if not _INT.fullmatch(raw):
            raise BadParameter(name, _("Enter a whole number."))
        value = int(raw)
        if not self.min_value <= value <= self.max_value:
            raise BadParameter(name, _("Enter a number from %(min)s to %(max)s.") % {"min": self.min_value, "max": self.max_value})
        return value


@dataclass(frozen=True)
class Choice:
    choices: tuple[str, ...]

    def parse(self, name: str, raw: str) -> str:
        if raw not in self.choices:
            raise BadParameter(name, _("Choose one of: %(choices)s.") % {"choices": ", ".join(self.choices)})
        return raw


YEAR = Int(1900, 2100)
MONTH = Int(1, 12)
ID = Int(1, MAX_ID)


def choice(choices) -> Choice:
    """A parameter that must be one of a model's ``TextChoices`` (or any iterable of values)."""
    return Choice(tuple(getattr(choices, "values", choices)))


def read(params, spec: dict) -> dict:
    """The parameters of ``spec`` present in ``params`` (a QueryDict), parsed; others are ignored."""
    out = {}
    for name, kind in spec.items():
        raw = params.get(name)
        if raw is None or raw == "":
            continue
        out[name] = kind.parse(name, raw)
    return out


def int_or_none(raw, kind: Int = ID) -> int | None:
    """``raw`` as an int within ``kind``'s range, or None (for lenient reads such as an optional filter)."""
    try:
        return kind.parse("", str(raw)) if raw not in (None, "") else None
    except BadParameter:
        return None
