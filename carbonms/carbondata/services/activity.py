"""Activity data: entry, submission (with the data-quality checks), review, period lock, correction.

Rules (issue 4): a reviewer never approves a value they entered or submitted; a locked period is
changed only by a correction with a reason, which creates a new version and keeps the old one.
"""
from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from carbonms.accounting import units
from carbonms.common import numbers
from carbonms.organizations.models import Enterprise

from ..models import ActivityRecord, PeriodLock, Source
from ..workflows import ACTIVITY
from . import quality
from .common import bulk_write, record_event, require_for

S = ActivityRecord.Status
STOCK_FIELDS = ("opening_stock", "purchased", "closing_stock", "transferred_out")


def is_locked(enterprise_id: int, year: int, month: int) -> bool:
    return PeriodLock.objects.filter(enterprise_id=enterprise_id, year=year, month=month).exists()


def to_decimal(value: Any, field: str, model=ActivityRecord) -> Decimal | None:
    """A number for ``field`` of ``model`` under the platform's number rule (:mod:`carbonms.common.numbers`),
    with the field's precision; the error is keyed by ``field``."""
    model_field = model._meta.get_field(field)
    try:
        return numbers.decimal_for_field(value, model_field)
    except ValidationError as exc:
        raise ValidationError({field: exc.messages}) from None


class Periods:
    """What :func:`check_value` asks the database about an enterprise's periods, asked once and remembered.

    One instance serves a whole workbook (or any batch), so checking 10,000 values costs a handful of
    queries rather than three per value. A fresh instance per call behaves exactly as before.
    """

    def __init__(self, enterprise: Enterprise):
        self.enterprise = enterprise
        self._boundaries: list[tuple] | None = None

    def _accounting(self) -> list[tuple]:
        if self._boundaries is None:  # one query: the enterprise's accounting boundaries and their validity
            self._boundaries = list(self.enterprise.boundaries.filter(kind="accounting").values_list(
                "park_id", "effective_from", "effective_to"))
        return self._boundaries

    def has_boundaries(self) -> bool:
        return bool(self._accounting())

    def boundary_in_force(self, day: dt.date) -> bool:
        """As ``organizations.selectors.boundaries_in_force`` (in the enterprise's park) finding an accounting boundary."""
        return any(park_id == self.enterprise.park_id and start <= day and (end is None or end >= day)
                   for park_id, start, end in self._accounting())


def _refuse_locked(enterprise_id: int, year: int, month: int):
    """The refusal of a change to a locked month, naming the statement that closed the year when there is one."""
    from carbonms.inventory.statements import year_closed

    st = year_closed(enterprise_id, year)
    if st is not None:
        raise ValidationError({"month": _("%(year)d is closed by inventory statement #%(n)d: change a value of %(year)d-%(month)02d "
                                          "with a correction with a reason, then restate the statement.")
                               % {"year": year, "month": month, "n": st.pk}})
    raise ValidationError({"month": _("%(year)d-%(month)02d is locked: changes need a correction with a reason.")
                           % {"year": year, "month": month}})


def locked_months(enterprise_id: int, year: int) -> set[int]:
    return set(PeriodLock.objects.filter(enterprise_id=enterprise_id, year=year).values_list("month", flat=True))


def check_value(*, enterprise: Enterprise, source: Source, year: int, month: int, amount: Any, unit: str,
                periods: Periods | None = None) -> Decimal:
    """Validate one value against its source and period; return the amount in the source's unit.

    ``periods`` remembers the period lookups across the values of a batch (see :class:`Periods`).
    """
    periods = periods or Periods(enterprise)
    if source.enterprise_id != enterprise.pk:
        raise ValidationError({"source": _("Source %(code)s belongs to another enterprise.") % {"code": source.code}})
    if not (1 <= int(month) <= 12) or not (2000 <= int(year) <= 2100):
        raise ValidationError({"month": _("The period %(year)s-%(month)s does not exist.") % {"year": year, "month": month}})
    first, last = dt.date(year, month, 1), dt.date(year, month, calendar.monthrange(year, month)[1])
    if last < source.effective_from or (source.effective_to and first > source.effective_to):
        raise ValidationError({"month": _("%(year)d-%(month)02d is outside the effective period of source %(code)s.")
                               % {"year": year, "month": month, "code": source.code}})
    if periods.has_boundaries() and not periods.boundary_in_force(last) and not periods.boundary_in_force(first):
        raise ValidationError({"month": _("%(year)d-%(month)02d is outside the validity of the enterprise's accounting boundary.")
                               % {"year": year, "month": month}})
    try:  # bounded here; the digits are checked on the value in the source's unit, below
        value = numbers.parse_decimal(amount)
    except ValidationError as exc:
        raise ValidationError({"amount": exc.messages}) from None
    if value is None:
        raise ValidationError({"amount": _("Enter the amount.")})
    if value < 0:
        raise ValidationError({"amount": _("The amount cannot be negative.")})
    unit = (unit or "").strip() or source.activity_unit
    if not units.is_known(unit):
        raise ValidationError({"unit": _("Unknown unit “%(unit)s”.") % {"unit": unit}})
    if unit != source.activity_unit:
        try:
            value = Decimal(repr(units.convert(float(value), unit, source.activity_unit)))
        except Exception:
            raise ValidationError({"unit": _("Wrong unit “%(unit)s”: source %(code)s is measured in %(expected)s.")
                                   % {"unit": unit, "code": source.code, "expected": source.activity_unit}})
    return to_decimal(value, "amount")


def _current(source: Source, year: int, month: int) -> ActivityRecord | None:
    return ActivityRecord.objects.filter(source=source, year=year, month=month, is_current=True).first()


@transaction.atomic
def activity_save(*, actor, source: Source, year: int, month: int, amount: Any, unit: str = "", note: str = "",
                  stock: dict[str, Any] | None = None, origin: str = ActivityRecord.Origin.MANUAL, data_import=None,
                  meter_detail: dict | None = None, enterprise: Enterprise | None = None) -> ActivityRecord:
    """Enter or change the draft value of a source for a month.

    A value already submitted waits for the reviewer; an approved or locked value is changed only by
    :func:`activity_correct`.
    """
    enterprise = enterprise or source.enterprise
    require_for(actor, enterprise, "add")
    if is_locked(enterprise.pk, year, month):
        _refuse_locked(enterprise.pk, year, month)
    value = check_value(enterprise=enterprise, source=source, year=year, month=month, amount=amount, unit=unit)
    rec = _current(source, year, month)
    if rec is not None and rec.status == S.SUBMITTED:
        raise ValidationError({"amount": _("This value is waiting for review; ask the reviewer to return it first.")})
    if rec is not None and rec.status in (S.APPROVED, S.LOCKED):
        raise ValidationError({"amount": _("This value is approved: change it with a correction.")})
    if rec is None:
        rec = ActivityRecord(source=source, enterprise=enterprise, year=year, month=month, entered_by=actor)
    rec.amount, rec.unit, rec.note = value, source.activity_unit, note or rec.note
    rec.status, rec.origin, rec.entered_by = S.DRAFT, origin, actor
    rec.data_import = data_import
    if meter_detail is not None:
        rec.meter_detail = meter_detail
    for f in STOCK_FIELDS:
        setattr(rec, f, to_decimal((stock or {}).get(f), f))
    rec.full_clean(validate_constraints=False)
    rec.save()
    return rec


def unchanged(current: ActivityRecord, posted: Any) -> bool:
    """True when ``posted`` (the text of a grid cell) is the current amount: compared as numbers at the
    field's precision, so "330.500000", "330.5" and "3.305e2" are the same value. Text that is no
    number is a change (and :func:`activity_save` reports it)."""
    try:
        return to_decimal(posted, "amount") == current.amount
    except ValidationError:
        return False


@transaction.atomic
def activity_save_grid(*, actor, enterprise: Enterprise, year: int, cells: dict[tuple[Source, int], str]) -> list[str]:
    """Save the cells of the entry grid that the user changed; returns the errors (nothing saved then).

    The grid posts every cell it shows back. A cell whose number equals the current value is not a change:
    its record keeps its origin (import, meter), its file and its detail (issue 11). A changed value
    becomes a manual entry and keeps the stock figures it had (the grid does not show them).
    """
    require_for(actor, enterprise, "add")
    current = current_versions(enterprise, year)
    errors: list[str] = []
    for (source, month), posted in sorted(cells.items(), key=lambda kv: (kv[0][0].code, kv[0][1])):
        rec = current.get((source.pk, month))
        if rec is not None and (rec.status not in (S.DRAFT, S.REJECTED) or unchanged(rec, posted)):
            continue
        stock = {f: getattr(rec, f) for f in STOCK_FIELDS} if rec is not None else None
        try:
            activity_save(actor=actor, source=source, year=year, month=month, amount=posted, stock=stock,
                          enterprise=enterprise)
        except ValidationError as exc:
            errors += [f"{source.code} {month:02d}: {m}" for m in exc.messages]
    if errors:
        transaction.set_rollback(True)
    return errors


#: the foreign keys of a record built by :func:`import_prepare`: all known to exist, so not checked by a query each
_KNOWN_RELATIONS = ("source", "enterprise", "previous", "data_import", "entered_by", "submitted_by", "reviewed_by")


def import_prepare(*, actor, enterprise: Enterprise, source: Source, year: int, month: int, amount: Any, unit: str = "",
                   note: str = "", stock: dict[str, Any] | None = None, current: ActivityRecord | None,
                   locked: set[int], periods: Periods, origin: str = ActivityRecord.Origin.IMPORT,
                   data_import=None) -> ActivityRecord:
    """One value of a batch, checked as :func:`activity_save` checks it but with the lookups done beforehand:
    the month's lock (``locked``), the current version (``current``) and the periods (``periods``).

    Returns the record to save (new, or the current draft changed); makes no query and saves nothing.
    """
    if month in locked:
        raise ValidationError({"month": _("%(year)d-%(month)02d is locked: changes need a correction with a reason.")
                               % {"year": year, "month": month}})
    value = check_value(enterprise=enterprise, source=source, year=year, month=month, amount=amount, unit=unit,
                        periods=periods)
    rec = current
    if rec is not None and rec.status == S.SUBMITTED:
        raise ValidationError({"amount": _("This value is waiting for review; ask the reviewer to return it first.")})
    if rec is not None and rec.status in (S.APPROVED, S.LOCKED):
        raise ValidationError({"amount": _("This value is approved: change it with a correction.")})
    if rec is None:
        rec = ActivityRecord(source=source, enterprise=enterprise, year=year, month=month, entered_by=actor)
    rec.amount, rec.unit, rec.note = value, source.activity_unit, note or rec.note
    rec.status, rec.origin, rec.entered_by = S.DRAFT, origin, actor
    rec.data_import = data_import
    for f in STOCK_FIELDS:
        setattr(rec, f, to_decimal((stock or {}).get(f), f))
    rec.clean_fields(exclude=_KNOWN_RELATIONS)
    return rec


def current_versions(enterprise: Enterprise, year: int) -> dict[tuple[int, int], ActivityRecord]:
    """The current version of every value of an enterprise's year, by (source id, month): one query."""
    qs = ActivityRecord.objects.filter(source__enterprise=enterprise, year=year, is_current=True)
    return {(r.source_id, r.month): r for r in qs.select_related("source", "enterprise__park")}


_SAVED_FIELDS = ("amount", "unit", "note", "status", "origin", "entered_by", "data_import", *STOCK_FIELDS, "updated_at")


@transaction.atomic
def activity_save_many(*, actor, enterprise: Enterprise, year: int, rows: list[dict[str, Any]],
                       origin: str = ActivityRecord.Origin.IMPORT, data_import=None
                       ) -> tuple[list[ActivityRecord], dict[int, ValidationError]]:
    """:func:`activity_save` for many values of one enterprise and year, set-based.

    ``rows`` hold ``source``, ``month``, ``amount`` and optionally ``unit``, ``note``, ``stock``. The lookups
    are one query each for the whole batch; new records are inserted in bulk, changed drafts updated in
    bulk, and their change records written in bulk (the same entries as one save each). Returns the
    records in the order of ``rows`` and the errors by row index; with any error nothing is written.
    """
    require_for(actor, enterprise, "add")
    locked, current, periods = locked_months(enterprise.pk, year), current_versions(enterprise, year), Periods(enterprise)
    records: list[ActivityRecord] = []
    errors: dict[int, ValidationError] = {}
    seen: set[tuple[int, int]] = set()
    for i, row in enumerate(rows):
        source, month = row["source"], row["month"]
        if (source.pk, month) in seen:
            errors[i] = ValidationError({"source": _("Duplicate value: %(code)s month %(month)d appears twice.")
                                         % {"code": source.code, "month": month}})
            continue
        seen.add((source.pk, month))
        try:
            records.append(import_prepare(
                actor=actor, enterprise=enterprise, source=source, year=year, month=month, amount=row["amount"],
                unit=row.get("unit", ""), note=row.get("note", ""), stock=row.get("stock"),
                current=current.get((source.pk, month)), locked=locked, periods=periods, origin=origin,
                data_import=data_import))
        except ValidationError as exc:
            errors[i] = exc
    if errors:
        return [], errors
    bulk_write(ActivityRecord, records, _SAVED_FIELDS)
    return records, {}


@transaction.atomic
def activity_from_meter(*, actor, source: Source, year: int, month: int, amount: Any, unit: str,
                        detail: dict) -> ActivityRecord:
    """A monthly meter rollup (issue 5) as draft activity data, with the meter data as its evidence.

    ``detail`` is the rollup's evidence (meters, shares, readings, completeness, substituted
    intervals); it is kept in ``meter_detail`` with the amount. Where a value entered by a person or
    imported already exists, it is kept and the meter figure and the difference are recorded beside
    it for the reviewer. A rollup never changes a locked month.
    """
    current = _current(source, year, month)
    if current is None or (current.origin == ActivityRecord.Origin.METER and current.status in (S.DRAFT, S.REJECTED)):
        value = check_value(enterprise=source.enterprise, source=source, year=year, month=month, amount=amount, unit=unit)
        return activity_save(actor=actor, source=source, year=year, month=month, amount=value, unit=source.activity_unit,
                             origin=ActivityRecord.Origin.METER, meter_detail={**detail, "amount": str(value)})
    require_for(actor, source.enterprise, "add")
    if is_locked(source.enterprise_id, year, month):
        _refuse_locked(source.enterprise_id, year, month)
    value = check_value(enterprise=source.enterprise, source=source, year=year, month=month, amount=amount, unit=unit)
    current.meter_detail = {**detail, "amount": str(value), "difference": str(current.amount - value)}
    current.save()
    return current


@transaction.atomic
def activity_correct(*, actor, record: ActivityRecord, amount: Any, reason: str, unit: str = "",
                     stock: dict[str, Any] | None = None) -> ActivityRecord:
    """A new version of an approved or locked value; the old version stays and is used until the
    correction is approved."""
    ACTIVITY.check(actor, record, "correct")
    if not (reason or "").strip():
        raise ValidationError({"reason": _("A correction needs a reason.")})
    if record.corrections.exclude(status__in=(S.SUPERSEDED, S.REJECTED)).exists():
        raise ValidationError(_("A correction of this value is already waiting."))
    value = check_value(enterprise=record.enterprise, source=record.source, year=record.year, month=record.month,
                        amount=amount, unit=unit)
    version = (ActivityRecord.objects.filter(source=record.source, year=record.year, month=record.month)
               .aggregate(v=Max("version"))["v"]) + 1
    new = ActivityRecord(
        source=record.source, enterprise=record.enterprise, year=record.year, month=record.month, amount=value,
        unit=record.unit, version=version, previous=record, is_current=False, correction_reason=reason.strip(),
        status=S.DRAFT, origin=ActivityRecord.Origin.MANUAL, entered_by=actor,
    )
    for f in STOCK_FIELDS:
        setattr(new, f, to_decimal((stock or {}).get(f), f))
    new.full_clean(validate_constraints=False)
    new.save()
    return new


@transaction.atomic
def activity_submit(*, actor, records: Iterable[ActivityRecord]) -> list[dict]:
    """Submit drafts for review. Runs the data-quality checks; returns the findings (also stored)."""
    records = list(records)
    ACTIVITY.check_all(actor, records, "submit")
    findings: list[dict] = []
    for ent_id in {r.enterprise_id for r in records}:
        ent_records = [r for r in records if r.enterprise_id == ent_id]
        findings += quality.run_checks(ent_records)
    now = timezone.now()
    for r in records:
        r.status, r.submitted_by, r.submitted_at = S.SUBMITTED, actor, now
        r.save()
    return findings


@transaction.atomic
def activity_approve(*, actor, records: Iterable[ActivityRecord], comment: str = "") -> list[ActivityRecord]:
    records = list(records)
    ACTIVITY.check_all(actor, records, "approve")
    flagged = [r for r in records if quality.needs_reason(r)]
    if flagged and not (comment or "").strip():
        raise ValidationError({"comment": _("%(records)s: the meter data of the month is incomplete; say why the value "
                                            "is approved.") % {"records": ", ".join(str(r) for r in flagged)}})
    comment = (comment or "").strip()
    now = timezone.now()
    for r in records:
        if r.previous_id:
            old = r.previous
            old.is_current, old.status = False, S.SUPERSEDED
            old.save()
            r.is_current = True
        r.status = S.LOCKED if is_locked(r.enterprise_id, r.year, r.month) else S.APPROVED
        r.reviewed_by, r.reviewed_at, r.review_comment = actor, now, comment
        r.save()
    return records


@transaction.atomic
def activity_return(*, actor, records: Iterable[ActivityRecord], comment: str) -> list[ActivityRecord]:
    records = list(records)
    ACTIVITY.check_all(actor, records, "return")
    if not (comment or "").strip():
        raise ValidationError({"comment": _("Say why the data is returned.")})
    now = timezone.now()
    for r in records:
        r.status, r.reviewed_by, r.reviewed_at, r.review_comment = S.REJECTED, actor, now, comment.strip()
        r.save()
    return records


@transaction.atomic
def period_lock(*, actor, enterprise: Enterprise, year: int, month: int, reason: str = "") -> PeriodLock:
    """Close a month: every current value must be approved; they become locked."""
    require_for(actor, enterprise, "approve")
    if is_locked(enterprise.pk, year, month):
        raise ValidationError(_("%(year)d-%(month)02d is already locked.") % {"year": year, "month": month})
    current = ActivityRecord.objects.filter(enterprise=enterprise, year=year, month=month, is_current=True)
    from . import output  # production closes with its month (issue 10)

    open_ = current.exclude(status__in=(S.APPROVED, S.LOCKED)).count() + output.open_in_month(enterprise, year, month)
    if open_:
        raise ValidationError(ngettext("%(n)d value of %(year)d-%(month)02d is not approved yet.",
                                       "%(n)d values of %(year)d-%(month)02d are not approved yet.", open_)
                              % {"n": open_, "year": year, "month": month})
    lock = PeriodLock(enterprise=enterprise, year=year, month=month, locked_by=actor, reason=reason)
    lock.full_clean()
    lock.save()
    for r in current.filter(status=S.APPROVED):
        r.status = S.LOCKED
        r.save()
    output.lock_month(enterprise, year, month)
    record_event(actor=actor, enterprise=enterprise, kind="period_locked", year=year, month=month)
    return lock
