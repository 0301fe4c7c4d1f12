"""Performance of an indicator against its baseline in a reporting year (T/CSES 6.4, 6.5; T/CPQS 7.4, 10.1.1; ISO 50006
normalisation): adjusted baseline, savings = adjusted baseline − actual, performance index = actual / adjusted baseline.

* A baseline with a regression model (``Baseline.regression_input``: the input of ``carbonms planning baseline``,
  monthly periods with their relevant variables) is applied to the reporting year's months through the planning
  core (:func:`carbonms.planning.baseline.fit`): the year's monthly emissions come from the statement in force
  (``totals.by_month``), each variable's monthly values from the approved output of the product of that code.
  A variable without twelve approved months leaves the model unapplied, with the reason.
* Otherwise the baseline is static: the adjusted baseline is the base value (an organic change of output is not a
  base-year change, T/CSES 6.5), compared with the indicator's value of the year.
"""
from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _


def _url(obj) -> str:
    from .planning_data import safe_url

    return safe_url(obj)


def _monthly_output(baseline, year: int, code: str) -> dict[int, float]:
    from carbonms.carbondata.models import ProductionRecord
    from carbonms.carbondata.output_selectors import USABLE

    qs = ProductionRecord.objects.filter(year=year, is_current=True, status__in=USABLE, product__code=code)
    qs = qs.filter(enterprise_id=baseline.enterprise_id) if baseline.enterprise_id else qs.filter(enterprise__park_id=baseline.park_id)
    out: dict[int, float] = {}
    for month, qty in qs.values_list("month", "quantity"):
        out[month] = out.get(month, 0.0) + float(qty)
    return out


def performance(baseline, year: int, actual: Decimal | None = None, statement=None) -> dict[str, Any]:
    """The baseline's comparison for ``year``: ``{"method", "baseline", "actual", "adjusted_baseline", "savings",
    "performance_index", "warnings", "note"}`` (figures None with a ``note`` when they cannot be computed)."""
    out: dict[str, Any] = {"baseline": str(baseline), "baseline_url": _url(baseline), "method": "static",
                           "actual": None, "adjusted_baseline": None, "savings": None, "performance_index": None,
                           "warnings": [], "note": ""}
    if baseline.status != "approved":
        out["note"] = _("The baseline is not approved.")
        return out
    reg = baseline.regression_input or {}
    if reg.get("periods") and reg.get("variables"):
        return _regression(baseline, year, reg, statement, out)
    if actual is None:
        out["note"] = _("No value of the indicator for this year.")
        return out
    adjusted = Decimal(baseline.value)
    out.update(actual=actual, adjusted_baseline=adjusted, savings=adjusted - actual,
               performance_index=(actual / adjusted).quantize(Decimal("0.0001")) if adjusted else None)
    return out


def _regression(baseline, year, reg, statement, out):
    from carbonms.planning.baseline import fit
    from carbonms.planning.errors import PlanningErrors

    out["method"] = "regression"
    by_month = ((statement.totals or {}).get("by_month") or {}) if statement is not None else {}
    if len(by_month) < 12:
        out["note"] = _("The statement of %(year)s has no twelve monthly figures to apply the model to.") % {"year": year}
        return out
    variables = list(reg["variables"])
    monthly = {v: _monthly_output(baseline, year, v) for v in variables}
    missing = [v for v, m in monthly.items() if len(m) < 12]
    if missing:
        out["note"] = _("No twelve approved months of output for: %(names)s.") % {"names": ", ".join(missing)}
        return out
    periods = list(reg["periods"]) + [{"period": f"{year}-{m:02d}", "value": float(by_month.get(str(m), 0.0)),
                                       "variables": {v: monthly[v][m] for v in variables}} for m in range(1, 13)]
    try:
        result = fit({**reg, "periods": periods, "report_start": f"{year}-01", "report_end": f"{year}-12"})
    except PlanningErrors as exc:
        out["note"] = str(exc)
        return out
    rep = result.get("report") or {}
    dec = lambda x: None if x is None else Decimal(repr(x)).quantize(Decimal("0.0001"))  # noqa: E731
    out.update(actual=dec(rep.get("actual")), adjusted_baseline=dec(rep.get("adjusted_baseline")), savings=dec(rep.get("savings")),
               performance_index=dec(rep.get("performance_index")), warnings=rep.get("warnings") or [],
               valid=result["model"]["valid"], reasons=result["model"]["reasons"])
    return out
