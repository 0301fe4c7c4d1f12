"""The annual reduction of a measure, computed by the accounting core (``carbonms.accounting.calculate``) from
the activity of one year before and after it: ΔE = E(before) − E(after) for the same output (T/CPQS 7.2 a);
specs §1.4: "ex-ante annual abatement computed with the accounting core").

Each side is a list of rows in the core's input columns (docs/calc-input.md) without ``entity``, ``period`` and
``source``, which are filled in here. Purchased electricity uses the grid factor of the latest year up to
``factor_year`` that has one (the factors are published years late). The result keeps what produced it: the GWP
set, the factor versions used and both totals.
"""
from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from carbonms.accounting import AccountingErrors, calculate

ROW_KEYS = ("category", "method", "material", "amount", "unit")


def _lang() -> str:
    return "en" if (get_language() or "").startswith("en") else "zh"


def _side(rows: Any, field: str, factor_year: int, gwp_set: str) -> tuple[float, float, list[str]]:
    from carbonms.inventory.services import grid_year

    if not isinstance(rows, list) or not rows:
        raise ValidationError({field: _("Give at least one activity row.")})
    prepared = []
    for i, r in enumerate(rows, start=1):
        if not isinstance(r, dict):
            raise ValidationError({field: _("Row %(n)d is not an object.") % {"n": i}})
        missing = [k for k in ROW_KEYS if r.get(k) in (None, "")]
        if missing:
            raise ValidationError({field: _("Row %(n)d: %(keys)s missing.") % {"n": i, "keys": ", ".join(missing)}})
        row = {k: v for k, v in r.items() if v not in (None, "")}
        year = grid_year(factor_year) if row["category"] == "purchased_electricity" else factor_year
        row.update(entity="x", period=str(factor_year), source=f"{field}-{i}")
        row.setdefault("year", year)
        prepared.append(row)
    try:
        result = calculate(prepared, gwp_set=gwp_set)
    except AccountingErrors as exc:
        raise ValidationError({field: [_("%(side)s: %(msg)s") % {"side": _("before") if field == "activity_before" else _("after"),
                                                                  "msg": m} for m in exc.messages(_lang())]}) from None
    except (ValueError, KeyError) as exc:
        raise ValidationError({field: str(exc)}) from None
    factors = sorted({r.factor.get("version_id") for r in result.rows if r.factor and r.factor.get("version_id")})
    return float(result.totals["net"]), float(result.totals.get("energy_tce") or 0), factors


def annual_reduction(before: Any, after: Any, *, factor_year: int, gwp_set: str) -> tuple[Decimal, dict]:
    """(ΔE in tCO₂e, the record of how it was computed). Raises ``ValidationError`` keyed by side."""
    if not isinstance(factor_year, int) or not 1990 <= factor_year <= 2100:
        raise ValidationError({"factor_year": _("Give the year whose emission factors the estimate uses.")})
    errors = {}
    results = {}
    for field, rows in (("activity_before", before), ("activity_after", after)):
        try:
            results[field] = _side(rows, field, factor_year, gwp_set)
        except ValidationError as exc:
            errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    (e0, tce0, f0), (e1, tce1, f1) = results["activity_before"], results["activity_after"]
    reduction = Decimal(repr(e0 - e1)).quantize(Decimal("0.001"))
    return reduction, {"engine": "carbonms.accounting.calculate", "gwp_set": gwp_set, "factor_year": factor_year,
                       "before_t": round(e0, 6), "after_t": round(e1, 6), "energy_before_tce": round(tce0, 6),
                       "energy_after_tce": round(tce1, 6), "factors": sorted(set(f0) | set(f1))}
