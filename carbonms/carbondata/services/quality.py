"""Data-quality checks run on submission (issues 4 and 11), with the evidence the reviewer needs.

Checks of each submitted value (T/CIECCPA 061 §8.2.x data quality, T/CPQS §9):

* ``jump_month``: change beyond the threshold against the nearest earlier month with a value (within 12
  months; the reference month is named, so a value after a gap is compared with the last one known);
* ``jump_year``: change beyond the threshold against the same month of the previous year;
* ``meter_completeness``: a meter-derived value whose meters were less than 90 % complete in the month
  (approval then needs a reason, :func:`needs_reason`);
* ``reconcile``: the meters feeding the source give a monthly total that differs from the ledger value by
  more than the reconciliation tolerance (meter totals come from a provider the monitoring app registers);
* ``stock``: opening + purchased − closing − transferred out does not give the consumption;
* ``range``: outside the source's plausible range, or where the source sets none, the range of its
  industry from ``carbondata/data/plausible_ranges.csv``;
* ``calibration``: a meter source whose measuring equipment was not calibrated in the month.

And of the enterprise-month: ``missing`` (a value the approved monitoring plan requires) and ``no_plan``.

Findings are stored as codes with parameters (``{"code": …, "params": {…}}``) on each record
(``quality_flags``) and put in words in the reader's language when shown (:func:`describe`). They never
block a submission; a ``meter_completeness`` finding makes the approval need a reason.

Thresholds: ``settings.CARBONDATA_QUALITY`` (keys of :data:`DEFAULTS`) for the platform; a source's
``change_threshold`` replaces the change threshold for that source.
"""
from __future__ import annotations

import calendar
import csv
import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from functools import cache
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _

from ..models import ActivityRecord, MeasuringInstrument, MonitoringPlan

DEFAULTS = {
    "CHANGE_SHARE": "0.5",         # a change of more than 50 % against the reference month
    "COMPLETENESS_MIN": "0.9",     # meters less than 90 % complete in the month
    "RECONCILE_SHARE": "0.05",     # meter total and ledger more than 5 % apart
    "STOCK_TOLERANCE": "0.005",    # stock balance off by more than 0.5 % of the consumption
}
#: findings whose value needs a reason to be approved
REASON_REQUIRED = frozenset({"meter_completeness"})
RANGES_FILE = Path(__file__).resolve().parents[1] / "data" / "plausible_ranges.csv"

#: providers of meter totals: f(records) -> {record pk: {"amount": Decimal, "completeness": float, "meters": [codes]}}
#: for the records whose source meters feed (registered by carbonms.monitoring, which carbondata does not import)
METER_TOTALS: list[Callable[[list[ActivityRecord]], dict[int, dict]]] = []


def register_meter_totals(provider: Callable[[list[ActivityRecord]], dict[int, dict]]) -> None:
    if provider not in METER_TOTALS:
        METER_TOTALS.append(provider)


def threshold(name: str) -> Decimal:
    return Decimal(str(getattr(settings, "CARBONDATA_QUALITY", {}).get(name, DEFAULTS[name])))


def _s(value) -> str:
    """A Decimal as plain text for the stored parameters (no exponent, no trailing zeros)."""
    d = Decimal(value).normalize()
    return format(d, "f")


def _flag(code: str, **params) -> dict:
    return {"code": code, "params": params}


# --------------------------------------------------------------------------- industry plausible ranges

@cache
def plausible_ranges() -> list[dict]:
    with RANGES_FILE.open(encoding="utf-8", newline="") as fh:
        return [{**r, "min": Decimal(r["min"]), "max": Decimal(r["max"])} for r in csv.DictReader(fh)]


def industry_range(industry_code: str, category: str, unit: str) -> dict | None:
    """The most specific row of the table for an industry (GB/T 4754 code), source category and unit."""
    division = (industry_code or "")[:2]
    best, best_rank = None, -1
    for r in plausible_ranges():
        if r["activity_unit"] != unit or r["industry_division"] not in ("*", division) or r["category"] not in ("*", category):
            continue
        rank = 2 * (r["industry_division"] != "*") + (r["category"] != "*")
        if rank > best_rank:
            best, best_rank = r, rank
    return best


# --------------------------------------------------------------------------- the checks of one value

def _change(code: str, amount: Decimal, ref: tuple[int, int, Decimal] | None, limit: Decimal) -> dict | None:
    if ref is None:
        return None
    year, month, ref_amount = ref
    if ref_amount <= 0:
        return None
    change = (amount - ref_amount) / ref_amount
    if abs(change) <= limit:
        return None
    return _flag(code, change=_s(round(change, 4)), reference=_s(ref_amount), reference_period=f"{year}-{month:02d}",
                 threshold=_s(limit))


def check_record(r: ActivityRecord, *, previous: tuple[int, int, Decimal] | None = None,
                 last_year: tuple[int, int, Decimal] | None = None, instruments: list[MeasuringInstrument] = (),
                 meter: dict | None = None) -> list[dict]:
    """The findings of one value. ``previous``/``last_year``: (year, month, amount) of the reference values;
    ``meter``: the meters' total of the month for a value that did not come from them."""
    flags: list[dict] = []
    s = r.source
    limit = s.change_threshold if s.change_threshold is not None else threshold("CHANGE_SHARE")
    for f in (_change("jump_month", r.amount, previous, limit), _change("jump_year", r.amount, last_year, limit)):
        if f:
            flags.append(f)
    completeness = (r.meter_detail or {}).get("completeness")
    if (r.origin == ActivityRecord.Origin.METER and completeness is not None
            and Decimal(str(completeness)) < threshold("COMPLETENESS_MIN")):
        flags.append(_flag("meter_completeness", completeness=_s(round(Decimal(str(completeness)), 4)),
                           threshold=_s(threshold("COMPLETENESS_MIN")),
                           meters=[m["meter"] for m in r.meter_detail.get("meters", []) if "meter" in m]))
    if meter is not None and r.origin != ActivityRecord.Origin.METER:
        total, ledger = Decimal(meter["amount"]), r.amount
        base = max(abs(total), abs(ledger))
        if base > 0 and abs(total - ledger) / base > threshold("RECONCILE_SHARE"):
            flags.append(_flag("reconcile", meter=_s(total), ledger=_s(ledger),
                               difference=_s(round((total - ledger) / ledger, 4)) if ledger else "",
                               threshold=_s(threshold("RECONCILE_SHARE")), meters=list(meter.get("meters", [])),
                               completeness=_s(round(Decimal(str(meter.get("completeness", 1))), 4))))
    if all(getattr(r, f) is not None for f in ("opening_stock", "purchased", "closing_stock")):
        expected = r.opening_stock + r.purchased - r.closing_stock - (r.transferred_out or 0)
        if abs(expected - r.amount) > max(abs(r.amount) * threshold("STOCK_TOLERANCE"), Decimal("0.001")):
            flags.append(_flag("stock", expected=_s(expected), amount=_s(r.amount)))
    low, high, basis = s.plausible_min, s.plausible_max, "source"
    if high is None:  # the source sets no ceiling: the industry's (or the platform's) from the table
        row = industry_range(r.enterprise.industry_code, s.category, s.activity_unit)
        if row is not None and r.amount > row["max"]:
            low, high, basis = row["min"], row["max"], "industry" if row["industry_division"] != "*" else "platform"
    if (low is not None and r.amount < low) or (high is not None and r.amount > high):
        flags.append(_flag("range", low=_s(low) if low is not None else "", high=_s(high) if high is not None else "",
                           unit=s.activity_unit, basis=basis, amount=_s(r.amount)))
    if instruments and s.data_source == "meter":
        day = dt.date(r.year, r.month, calendar.monthrange(r.year, r.month)[1])
        if not any(i.valid_on(day, list(i.calibrations.all())) for i in instruments):
            flags.append(_flag("calibration"))
    return flags


def needs_reason(record: ActivityRecord) -> bool:
    return any(f.get("code") in REASON_REQUIRED for f in record.quality_flags or [])


# --------------------------------------------------------------------------- a batch

def _references(records: list[ActivityRecord]) -> dict[int, dict[tuple[int, int], Decimal]]:
    """The current values of the batch's sources in its years and the years before: one query."""
    years = {r.year for r in records} | {r.year - 1 for r in records}
    out: dict[int, dict[tuple[int, int], Decimal]] = {}
    for sid, year, month, amount in ActivityRecord.objects.filter(
            source_id__in={r.source_id for r in records}, is_current=True, year__in=years).values_list(
            "source_id", "year", "month", "amount"):
        out.setdefault(sid, {})[(year, month)] = amount
    return out


def _nearest_earlier(values: dict[tuple[int, int], Decimal], year: int, month: int) -> tuple[int, int, Decimal] | None:
    y, m = year, month
    for _step in range(12):
        y, m = (y - 1, 12) if m == 1 else (y, m - 1)
        if (y, m) in values:
            return y, m, values[(y, m)]
    return None


def meter_totals(records: list[ActivityRecord]) -> dict[int, dict]:
    totals: dict[int, dict] = {}
    for provider in METER_TOTALS:
        totals.update(provider(records))
    return totals


def run_checks(records: list[ActivityRecord]) -> list[dict]:
    """Check the records of one enterprise; set their flags; return the findings of the batch."""
    if not records:
        return []
    enterprise = records[0].enterprise
    refs = _references(records)
    instruments: dict[int, list] = {}
    for inst in MeasuringInstrument.objects.filter(sources__in={r.source_id for r in records}).prefetch_related("calibrations", "sources"):
        for src in inst.sources.all():
            instruments.setdefault(src.pk, []).append(inst)
    meters = meter_totals([r for r in records if r.origin != ActivityRecord.Origin.METER])
    findings = []
    for r in records:
        values = refs.get(r.source_id, {})
        last_year = (r.year - 1, r.month, values[(r.year - 1, r.month)]) if (r.year - 1, r.month) in values else None
        r.quality_flags = check_record(r, previous=_nearest_earlier(values, r.year, r.month), last_year=last_year,
                                       instruments=instruments.get(r.source_id, []), meter=meters.get(r.pk))
        findings += [{"record": r.pk, "source": r.source.code, "period": f"{r.year}-{r.month:02d}", **f} for f in r.quality_flags]
    findings += completeness(enterprise, {(r.year, r.month) for r in records})
    return findings


def completeness(enterprise, periods: set[tuple[int, int]]) -> list[dict]:
    """Sources the approved monitoring plan requires monthly whose value is missing for a period."""
    plan = enterprise.monitoring_plans.filter(status=MonitoringPlan.Status.APPROVED).first()
    if plan is None:
        return [_flag("no_plan")]
    required = {i.source_id: i.source for i in plan.items.filter(data_item="activity").select_related("source")
                if i.source.status == "active"}
    out = []
    for year, month in sorted(periods):
        have = set(ActivityRecord.objects.filter(enterprise=enterprise, year=year, month=month, is_current=True)
                   .values_list("source_id", flat=True))
        for sid, src in required.items():
            if sid not in have:
                out.append({"source": src.code, "period": f"{year}-{month:02d}", **_flag("missing", source=src.code)})
    return out


# --------------------------------------------------------------------------- in words, when shown

def _pct(share: str) -> str:
    return f"{Decimal(share) * 100:+.0f}"


def _pct_plain(share: str) -> str:
    return f"{Decimal(share) * 100:.0f}"


def describe(flag: dict) -> str:
    """A stored finding in the current language. Findings stored before codes had parameters keep their text."""
    code, p = flag.get("code"), flag.get("params")
    if p is None:
        return flag.get("message", code or "")
    if code == "jump_month":
        return _("%(pct)s %% against %(period)s (%(reference)s); threshold %(threshold)s %%.") % {
            "pct": _pct(p["change"]), "period": p["reference_period"], "reference": p["reference"],
            "threshold": _pct_plain(p["threshold"])}
    if code == "jump_year":
        return _("%(pct)s %% against the same month last year, %(period)s (%(reference)s); threshold %(threshold)s %%.") % {
            "pct": _pct(p["change"]), "period": p["reference_period"], "reference": p["reference"],
            "threshold": _pct_plain(p["threshold"])}
    if code == "meter_completeness":
        return _("The meters were only %(pct)s %% complete in this month (below %(min)s %%): approving needs a reason.") % {
            "pct": f"{Decimal(p['completeness']) * 100:.1f}", "min": _pct_plain(p["threshold"])}
    if code == "reconcile":
        return _("The meters feeding this source total %(meter)s against %(ledger)s in the ledger "
                 "(more than %(threshold)s %% apart; meters %(meters)s, %(completeness)s %% complete).") % {
            "meter": p["meter"], "ledger": p["ledger"], "threshold": _pct_plain(p["threshold"]),
            "meters": ", ".join(p.get("meters") or []) or "—", "completeness": f"{Decimal(p['completeness']) * 100:.0f}"}
    if code == "stock":
        return _("Stock balance does not close: opening + purchased − closing − transferred = %(expected)s, "
                 "reported %(amount)s.") % p
    if code == "range":
        basis = {"source": _("the source's plausible range"), "industry": _("the plausible range of the industry"),
                 "platform": _("the platform's plausible range")}.get(p.get("basis"), "")
        return _("%(amount)s is outside %(basis)s (%(low)s – %(high)s %(unit)s).") % {
            "amount": p["amount"], "basis": basis, "low": p["low"] or "0", "high": p["high"] or "∞", "unit": p["unit"]}
    if code == "calibration":
        return _("The meter's calibration was overdue in this month.")
    if code == "missing":
        return _("No value for %(code)s although the monitoring plan requires it.") % {"code": p["source"]}
    if code == "no_plan":
        return _("The enterprise has no approved monitoring plan.")
    return code or ""
