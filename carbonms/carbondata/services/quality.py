"""Data-quality checks run on submission (issue 4): completeness against the monitoring plan,
month-over-month jumps, stock balances that do not close, implausible values, overdue calibration.

Findings are warnings for the reviewer: they are stored on each record (``quality_flags``) and the
completeness gaps of an enterprise-month as a data event. They never block the submission.
"""
from __future__ import annotations

import calendar
import datetime as dt
from decimal import Decimal

from django.utils.translation import gettext as _

from ..models import ActivityRecord, MeasuringInstrument, MonitoringPlan

JUMP_RATIO = Decimal("0.5")  # a change of more than 50 % against the previous month
STOCK_TOLERANCE = Decimal("0.005")  # 0.5 % of the consumption
# Plausible monthly ceilings by activity unit when a source sets none (a park enterprise, one source).
DEFAULT_CEILINGS = {"t": Decimal("2000000"), "MWh": Decimal("2000000"), "10^4Nm3": Decimal("50000"), "GJ": Decimal("20000000")}


def _flag(code: str, message: str) -> dict:
    return {"code": code, "message": message}


def check_record(r: ActivityRecord, previous: ActivityRecord | None, instruments: list[MeasuringInstrument]) -> list[dict]:
    flags = []
    if previous is not None and previous.amount > 0:
        change = (r.amount - previous.amount) / previous.amount
        if abs(change) > JUMP_RATIO:
            flags.append(_flag("jump", _("%(pct)+.0f %% against the previous month.") % {"pct": float(change) * 100}))
    stock = [r.opening_stock, r.purchased, r.closing_stock]
    if all(v is not None for v in stock):
        expected = r.opening_stock + r.purchased - r.closing_stock - (r.transferred_out or 0)
        if abs(expected - r.amount) > max(abs(r.amount) * STOCK_TOLERANCE, Decimal("0.001")):
            flags.append(_flag("stock", _("Stock balance does not close: opening + purchased − closing − transferred = "
                                          "%(expected)s, reported %(amount)s.") % {"expected": format(expected.normalize(), "f"), "amount": format(r.amount.normalize(), "f")}))
    s = r.source
    low, high = s.plausible_min, s.plausible_max or DEFAULT_CEILINGS.get(s.activity_unit)
    if (low is not None and r.amount < low) or (high is not None and r.amount > high):
        flags.append(_flag("range", _("Outside the plausible range for this source and industry (%(low)s – %(high)s).")
                           % {"low": low if low is not None else 0, "high": high}))
    if instruments and s.data_source == "meter":
        day = dt.date(r.year, r.month, calendar.monthrange(r.year, r.month)[1])
        if not any(i.valid_on(day, list(i.calibrations.all())) for i in instruments):
            flags.append(_flag("calibration", _("The meter's calibration was overdue in this month.")))
    return flags


def run_checks(records: list[ActivityRecord]) -> list[dict]:
    """Check the records of one enterprise; set their flags; return the findings of the batch."""
    if not records:
        return []
    enterprise = records[0].enterprise
    prev_keys = {(r.source_id, r.year - (r.month == 1), 12 if r.month == 1 else r.month - 1) for r in records}
    prevs = {
        (p.source_id, p.year, p.month): p
        for p in ActivityRecord.objects.filter(
            source_id__in={k[0] for k in prev_keys}, is_current=True,
            year__in={k[1] for k in prev_keys},
        )
    }
    instruments: dict[int, list] = {}
    for inst in MeasuringInstrument.objects.filter(sources__in={r.source_id for r in records}).prefetch_related("calibrations", "sources"):
        for src in inst.sources.all():
            instruments.setdefault(src.pk, []).append(inst)
    findings = []
    for r in records:
        prev = prevs.get((r.source_id, r.year - (r.month == 1), 12 if r.month == 1 else r.month - 1))
        r.quality_flags = check_record(r, prev, instruments.get(r.source_id, []))
        findings += [{"record": r.pk, "source": r.source.code, "period": f"{r.year}-{r.month:02d}", **f} for f in r.quality_flags]
    findings += completeness(enterprise, {(r.year, r.month) for r in records})
    return findings


def completeness(enterprise, periods: set[tuple[int, int]]) -> list[dict]:
    """Sources the approved monitoring plan requires monthly whose value is missing for a period."""
    plan = enterprise.monitoring_plans.filter(status=MonitoringPlan.Status.APPROVED).first()
    if plan is None:
        return [{"code": "no_plan", "message": _("The enterprise has no approved monitoring plan.")}]
    required = {i.source_id: i.source for i in plan.items.filter(data_item="activity").select_related("source")
                if i.source.status == "active"}
    out = []
    for year, month in sorted(periods):
        have = set(ActivityRecord.objects.filter(enterprise=enterprise, year=year, month=month, is_current=True)
                   .values_list("source_id", flat=True))
        for sid, src in required.items():
            if sid not in have:
                out.append({"code": "missing", "source": src.code, "period": f"{year}-{month:02d}",
                            "message": _("No value for %(code)s although the monitoring plan requires it.") % {"code": src.code}})
    return out
