"""The workbook import as it was before issue 16 — row by row, four queries a row to check and sixteen to save —
kept only so that bench/workbook_import.py can measure it against the set-based import in the same run.

Not used by the platform. It reuses the importer's reading and header checks and changes none of its results.
"""
from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from carbonms.carbondata import importer as imp_mod
from carbonms.carbondata.importer import (
    DATA_SHEET,
    KEYS,
    NUMBER_KEYS,
    Report,
    Row,
    _col,
    _number,
    _row_errors,
)
from carbonms.carbondata.models import ActivityRecord, Source
from carbonms.carbondata.services import activity as activity_services


def validate_per_row(data: bytes, enterprise, year: int) -> Report:
    report = Report()
    wb = imp_mod._open(data, report)
    sheets = imp_mod._read(wb)
    wb.close()
    report.template_version = str(sheets.meta.get("template_version") or "")
    imp_mod._check_header(sheets.header, report)
    own = {s.code: s for s in Source.objects.filter(enterprise=enterprise).select_related("enterprise")}
    elsewhere = set(Source.objects.exclude(enterprise=enterprise).values_list("code", flat=True))
    seen: dict = {}
    for n, values, _formulas in sheets.rows:
        if values.get("amount") in (None, "") and not any(values.get(k) not in (None, "") for k in KEYS[6:10]):
            continue
        _validate_row(n, values, own, elsewhere, seen, enterprise, year, report)
    return report


def _validate_row(n, values, own, elsewhere, seen, enterprise, year, report) -> None:
    code = str(values.get("source") or "").strip().lstrip("'")
    err = len(report.errors)
    source = own.get(code)
    if source is None:
        report.error(_("Unknown source code “%(code)s”.") % {"code": code}, sheet=DATA_SHEET, row=n, column=_col("source"))
    month = int(str(values.get("month")).strip())
    stock = {}
    for key in NUMBER_KEYS:
        value = _number(key, values.get(key), n, report)
        if key != "amount":
            stock[key] = value
    if len(report.errors) > err:
        return
    try:
        amount = activity_services.check_value(enterprise=enterprise, source=source, year=year, month=month,
                                               amount=values.get("amount"), unit=str(values.get("unit") or ""))
        cur = ActivityRecord.objects.filter(source=source, year=year, month=month, is_current=True).first()
        if cur is not None and cur.status not in (cur.Status.DRAFT, cur.Status.REJECTED) and cur.amount == amount:
            return
        if activity_services.is_locked(enterprise.pk, year, month):
            raise ValidationError({"month": "locked"})
    except ValidationError as exc:
        _row_errors(exc, n, report)
        return
    report.rows.append(Row(n, source, month, values.get("amount"), str(values.get("unit") or ""), stock,
                           str(values.get("note") or "")))


def commit_per_row(actor, data_import, report: Report) -> int:
    """The old ``_write``: one ``activity_save`` (with its checks, full_clean, save and change record) a row."""
    with transaction.atomic():
        for row in report.rows:
            activity_services.activity_save(
                actor=actor, source=row.source, enterprise=data_import.enterprise, year=data_import.year,
                month=row.month, amount=row.amount, unit=row.unit, note=row.note, stock=row.stock,
                origin=ActivityRecord.Origin.IMPORT, data_import=data_import)
    return len(report.rows)
