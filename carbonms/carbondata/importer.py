"""Import of the activity-data workbook: validate everything first, then commit all-or-nothing.

Every error names the sheet, row, column and reason (in the user's language). The uploaded file is
kept with its SHA-256 and uploader (``DataImport``) whether it is committed or refused. Hostile files
are refused before they are read: not a zip, a zip that expands too much (zip bomb), too many rows,
formulas in cells.
"""
from __future__ import annotations

import hashlib
import io
import zipfile
import zlib
from dataclasses import dataclass, field

from defusedxml import DefusedXmlException
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from openpyxl.utils import get_column_letter

from carbonms.common import numbers
from carbonms.common.spreadsheet import unescape_text

from . import output_workbook
from .models import ActivityRecord, DataImport, Source
from .services import activity as activity_services
from .services.common import record_event, require_for
from .workbook import COLUMNS, DATA_SHEET, META_SHEET, TEMPLATE_HEADERS, TEMPLATE_VERSION

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
MAX_UNZIPPED_BYTES = 60 * 1024 * 1024
MAX_ROWS = 20_000
KEYS = [c[0] for c in COLUMNS]
NUMBER_KEYS = ("amount", "opening_stock", "purchased", "closing_stock", "transferred_out")
#: header cells read beyond the template's last column, to refuse columns the template does not have
EXTRA_HEADER_COLUMNS = 30
#: how much of each XML part is searched for a DTD before openpyxl parses it
PROLOGUE_BYTES = 4096


@dataclass
class Row:
    number: int
    source: Source
    month: int
    amount: object
    unit: str
    stock: dict
    note: str


@dataclass
class Report:
    errors: list[dict] = field(default_factory=list)
    rows: list[Row] = field(default_factory=list)
    template_version: str = ""
    production: list = field(default_factory=list)  # rows of the "产量" sheet (output_workbook)
    economic: list = field(default_factory=list)  # the row of the "经济数据" sheet

    @property
    def n_rows(self) -> int:
        """Every value the import writes: activity, production and economic rows."""
        return len(self.rows) + len(self.production) + len(self.economic)

    def error(self, message: str, *, sheet: str = "", row: int | None = None, column: str = "") -> None:
        self.errors.append({"sheet": sheet, "row": row, "column": column, "message": str(message)})

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass
class _Sheets:
    """What the import reads of a workbook, all of it read before anything is checked."""

    meta: dict
    max_row: int  # as the sheet declares it
    header: list
    rows: list[tuple[int, dict, set]]  # (row number, {key: value}, keys holding a formula)
    output: dict = field(default_factory=dict)  # sheet -> (header, rows) of the output sheets present


class _Unreadable(Exception):
    def __init__(self, sheet: str, row: int, exc: Exception):
        super().__init__(sheet, row)
        self.sheet, self.row, self.exc = sheet, row, exc


def _col(key: str) -> str:
    i = KEYS.index(key)
    return f"{get_column_letter(i + 1)}（{COLUMNS[i][1]}）"


def _entities_refused() -> str:
    return _("The workbook declares XML entities (a known attack); it is refused.")


def _not_a_workbook() -> str:
    return _("This is not an Excel workbook (.xlsx): the file is damaged or of another type.")


def _open(data: bytes, report: Report):
    if len(data) > MAX_UPLOAD_BYTES:
        report.error(_("The file is larger than 5 MB."))
        return None
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            if sum(i.file_size for i in zf.infolist()) > MAX_UNZIPPED_BYTES:
                report.error(_("The workbook expands to more than 60 MB; it is refused."))
                return None
            if _declares_entities(zf):
                report.error(_entities_refused())
                return None
    except (zipfile.BadZipFile, zlib.error, OSError, EOFError):
        report.error(_not_a_workbook())
        return None
    from openpyxl import load_workbook

    try:
        return load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception as exc:  # openpyxl raises zipfile, zlib, XML, key and value errors on a damaged file
        report.error(_entities_refused() if _is_xml_attack(exc) else _not_a_workbook())
        return None


def _declares_entities(zf: zipfile.ZipFile) -> bool:
    """A part of the package opens with a DTD. Workbooks never have one; entity bombs (billion laughs) need one.

    Only the head of each part is looked at; a DTD hidden behind a long prologue is refused by defusedxml,
    through which openpyxl parses the sheets.
    """
    for info in zf.infolist():
        if info.filename.endswith((".xml", ".rels")):
            with zf.open(info) as part:
                head = part.read(PROLOGUE_BYTES)
            if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
                return True
    return False


def _is_xml_attack(exc: BaseException | None) -> bool:
    """defusedxml refused entity declarations somewhere in the chain (openpyxl wraps parse errors)."""
    seen = 0
    while exc is not None and seen < 10:
        if isinstance(exc, DefusedXmlException):
            return True
        exc, seen = exc.__cause__ or exc.__context__, seen + 1
    return False


def _read(wb) -> _Sheets | None:
    """Read the meta sheet, the header row and the data rows; raise :class:`_Unreadable` where parsing fails.

    Only openpyxl runs here (no database), so any exception is the file's fault.
    """
    if META_SHEET not in wb.sheetnames or DATA_SHEET not in wb.sheetnames:
        return None
    row = 0
    try:
        meta = {}
        for r in wb[META_SHEET].iter_rows(min_row=1, max_row=10, max_col=2, values_only=True):
            row += 1
            if r and r[0]:
                meta[r[0]] = r[1] if len(r) > 1 else None
    except Exception as exc:
        raise _Unreadable(META_SHEET, row, exc) from exc
    ws, row, header, rows = wb[DATA_SHEET], 0, [], []
    try:
        max_row = ws.max_row or 0
        if max_row > MAX_ROWS + 1:
            return _Sheets(meta=meta, max_row=max_row, header=[], rows=[])
        for cells in ws.iter_rows(min_row=1, max_row=1, max_col=len(KEYS) + EXTRA_HEADER_COLUMNS):
            header, row = [c.value for c in cells], 1
        for n, cells in enumerate(ws.iter_rows(min_row=2, max_col=len(KEYS)), start=2):
            if n > MAX_ROWS + 1:
                rows.append((n, {}, set()))  # the caller refuses the sheet as too long
                break
            values, formulas = {}, set()
            for key, cell in zip(KEYS, cells, strict=False):
                if cell.data_type == "f":
                    formulas.add(key)
                    values[key] = None
                else:
                    values[key] = unescape_text(cell.value)  # text stays as typed (an export's quote is taken off)
            rows.append((n, values, formulas))
            row = n
    except Exception as exc:
        raise _Unreadable(DATA_SHEET, row, exc) from exc
    output = {}
    for sheet, columns in output_workbook.SHEETS.items():
        if sheet in wb.sheetnames:
            try:
                output[sheet] = output_workbook.read_rows(wb[sheet], columns, MAX_ROWS)
            except Exception as exc:
                raise _Unreadable(sheet, 0, exc) from exc
    return _Sheets(meta=meta, max_row=max_row, header=header, rows=rows, output=output)


def validate(data: bytes, enterprise, year: int, progress=None) -> Report:
    """Every error of the workbook, or its rows ready to save. ``progress(done, total)`` is told as rows are checked."""
    report = Report()
    wb = _open(data, report)
    if wb is None:
        return report
    try:
        sheets = _read(wb)
    except _Unreadable as unreadable:
        if _is_xml_attack(unreadable.exc):
            report.error(_entities_refused(), sheet=unreadable.sheet)
        else:
            report.error(_("The sheet “%(sheet)s” cannot be read after row %(row)d: a cell holds something that is not "
                           "a value (such as NaN) or the file is damaged.") % {"sheet": unreadable.sheet, "row": unreadable.row},
                         sheet=unreadable.sheet)
        return report
    finally:
        wb.close()
    if sheets is None:
        report.error(_("This workbook was not generated by the platform (template %(version)s): download the template again.")
                     % {"version": TEMPLATE_VERSION})
        return report
    _validate_workbook(sheets, enterprise, year, report, progress)
    return report


def _check_header(header: list, report: Report) -> None:
    """The header row must be the template version's, name by name and in order."""
    expected = TEMPLATE_HEADERS[report.template_version]
    for i, want in enumerate(expected):
        found = header[i] if i < len(header) else None
        found = "" if found is None else str(found).strip()
        if found == want:
            continue
        args = {"letter": get_column_letter(i + 1), "expected": want, "found": found[:60],
                "version": report.template_version}
        if found:
            msg = _("Column %(letter)s should be headed “%(expected)s” (template %(version)s), but it is headed “%(found)s”.")
        else:
            msg = _("Column %(letter)s should be headed “%(expected)s” (template %(version)s), but it is empty.")
        report.error(msg % args, sheet=DATA_SHEET, row=1, column=get_column_letter(i + 1))
    for i in range(len(expected), len(header)):
        found = "" if header[i] is None else str(header[i]).strip()
        if found:
            report.error(_("Column %(letter)s (“%(found)s”) is not part of template %(version)s: remove it.")
                         % {"letter": get_column_letter(i + 1), "found": found[:60], "version": report.template_version},
                         sheet=DATA_SHEET, row=1, column=get_column_letter(i + 1))


@dataclass
class _Lookups:
    """Everything the rows are checked against, each looked up once for the whole sheet."""

    own: dict  # code → Source of the enterprise
    elsewhere: set  # codes of the sheet that belong to other enterprises
    current: dict  # (source id, month) → current ActivityRecord
    locked: set  # locked months of the year
    periods: activity_services.Periods

    @classmethod
    def load(cls, sheets: _Sheets, enterprise, year: int) -> _Lookups:
        own = {s.code: s for s in Source.objects.filter(enterprise=enterprise).select_related("enterprise__park")}
        unknown = {_code(values) for _n, values, _f in sheets.rows} - set(own)
        elsewhere = set(Source.objects.exclude(enterprise=enterprise).filter(code__in=unknown)
                        .values_list("code", flat=True)) if unknown else set()
        return cls(own=own, elsewhere=elsewhere, current=activity_services.current_versions(enterprise, year),
                   locked=activity_services.locked_months(enterprise.pk, year),
                   periods=activity_services.Periods(enterprise))


def _code(values: dict) -> str:
    return str(values.get("source") or "").strip().lstrip("'")


class _Progress:
    """Tells ``callback`` how far the rows are, about ten times in all whatever the number of rows."""

    STEPS = 10

    def __init__(self, callback, total: int):
        self.callback, self.total, self.step = callback, total, 0
        if callback:
            callback(0, total)

    def __call__(self, done: int) -> None:
        if self.callback and self.total and done * self.STEPS // self.total > self.step:
            self.step = done * self.STEPS // self.total
            self.callback(done, self.total)


def _validate_workbook(sheets: _Sheets, enterprise, year: int, report: Report, progress=None) -> None:
    meta = sheets.meta
    report.template_version = str(meta.get("template_version") or "")
    if report.template_version not in TEMPLATE_HEADERS:
        report.error(_("The workbook is from template version “%(found)s”; this platform expects %(version)s. Download the template again.")
                     % {"found": report.template_version, "version": TEMPLATE_VERSION}, sheet=META_SHEET)
        return
    if str(meta.get("enterprise")) != enterprise.credit_code:
        report.error(_("This workbook was generated for another enterprise."), sheet=META_SHEET)
        return
    if str(meta.get("year")) != str(year):
        report.error(_("This workbook is for the year %(found)s, not %(year)s.") % {"found": meta.get("year"), "year": year}, sheet=META_SHEET)
        return
    if sheets.max_row > MAX_ROWS + 1:
        report.error(_("The sheet has %(n)d rows; at most %(max)d are accepted.") % {"n": sheets.max_row, "max": MAX_ROWS},
                     sheet=DATA_SHEET)
        return
    if sheets.rows and sheets.rows[-1][0] > MAX_ROWS + 1:
        report.error(_("The sheet has more than %(max)d rows.") % {"max": MAX_ROWS}, sheet=DATA_SHEET)
        return
    _check_header(sheets.header, report)
    if not report.ok:
        return  # with the columns in the wrong places, every value would be read as something else
    lookups = _Lookups.load(sheets, enterprise, year)
    seen: dict[tuple[str, int], int] = {}
    tick = _Progress(progress, len(sheets.rows))
    for i, (n, values, formulas) in enumerate(sheets.rows, start=1):
        tick(i)
        for key in KEYS:
            if key in formulas:
                report.error(_("Formulas are not accepted: enter the value itself."), sheet=DATA_SHEET, row=n, column=_col(key))
        if values.get("amount") in (None, "") and not any(values.get(k) not in (None, "") for k in KEYS[6:10]):
            continue  # an empty line of the template
        _validate_row(n, values, lookups, seen, enterprise, year, report)
    output_workbook.validate(sheets.output, enterprise, year, report)


def _number(key: str, value, n: int, report: Report):
    """A number cell under the platform's number rule; a row error (and None) when it is refused."""
    try:
        if key == "amount":  # its digits are checked in the source's unit, by the activity service
            return numbers.parse_decimal(value)
        return numbers.decimal_for_field(value, ActivityRecord._meta.get_field(key))
    except ValidationError as exc:
        if exc.code == "invalid" and isinstance(value, str):
            msg = _("“%(value)s” is text, not a number.") % {"value": value[:numbers.SHOWN]}
        else:
            msg = exc.messages[0]
        report.error(msg, sheet=DATA_SHEET, row=n, column=_col(key))
        return None


def _row_errors(exc: ValidationError, n: int, report: Report) -> None:
    if not hasattr(exc, "error_dict"):
        for m in exc.messages:
            report.error(m, sheet=DATA_SHEET, row=n)
        return
    for key, msgs in exc.message_dict.items():
        col = key if key in KEYS else "amount"
        for m in msgs:
            report.error(m, sheet=DATA_SHEET, row=n, column=_col(col))


def _validate_row(n, values, lookups: _Lookups, seen, enterprise, year, report) -> None:
    code = _code(values)
    err = len(report.errors)
    source = lookups.own.get(code)
    if source is None:
        msg = (_("Source %(code)s belongs to another enterprise.") if code in lookups.elsewhere
               else _("Unknown source code “%(code)s”."))
        shown = code if len(code) <= numbers.SHOWN else code[:numbers.SHOWN] + "…"
        report.error(msg % {"code": shown}, sheet=DATA_SHEET, row=n, column=_col("source"))
    month = values.get("month")
    try:
        month = int(str(month).strip())
        if not 1 <= month <= 12:
            raise ValueError
    except (TypeError, ValueError):
        report.error(_("The month must be a whole number from 1 to 12."), sheet=DATA_SHEET, row=n, column=_col("month"))
        month = None
    note = values.get("note")
    limit = ActivityRecord._meta.get_field("note").max_length
    if note is not None and len(str(note)) > limit:
        report.error(_("The note has %(n)d characters; at most %(max)d fit.") % {"n": len(str(note)), "max": limit},
                     sheet=DATA_SHEET, row=n, column=_col("note"))
    stock = {}
    for key in NUMBER_KEYS:
        value = _number(key, values.get(key), n, report)
        if key != "amount":
            stock[key] = value
    if source is not None and month is not None:
        first = seen.get((code, month))
        if first:
            report.error(_("Duplicate row: %(code)s month %(month)d is already on row %(first)d.")
                         % {"code": code, "month": month, "first": first}, sheet=DATA_SHEET, row=n, column=_col("source"))
        else:
            seen[(code, month)] = n
    if len(report.errors) > err:
        return
    try:
        amount = activity_services.check_value(enterprise=enterprise, source=source, year=year, month=month,
                                               amount=values.get("amount"), unit=str(values.get("unit") or ""),
                                               periods=lookups.periods)
        cur = lookups.current.get((source.pk, month))
        if cur is not None and cur.status not in (cur.Status.DRAFT, cur.Status.REJECTED) and cur.amount == amount:
            return  # the value already submitted or approved, unchanged: nothing to import
        if month in lookups.locked:
            raise ValidationError({"month": _("%(year)d-%(month)02d is locked: changes need a correction with a reason.")
                                   % {"year": year, "month": month}})
        if cur is not None and cur.status not in (cur.Status.DRAFT, cur.Status.REJECTED):
            raise ValidationError({"amount": _("This value is already %(status)s; change it with a correction.")
                                   % {"status": cur.get_status_display()}})
    except ValidationError as exc:
        _row_errors(exc, n, report)
        return
    report.rows.append(Row(n, source, month, values.get("amount"), str(values.get("unit") or ""), stock,
                           str(values.get("note") or "")))


# --- the dry run and the commit, as background jobs -----------------------------------------------------------------
#
# ``start_upload`` / ``start_commit`` keep the file (or claim the import) and hand the work to a Celery task
# (:mod:`carbonms.carbondata.tasks`; eager and in-process on the embedded default); the task runs
# ``run_dry_run`` / ``run_commit``, which store the progress (rows checked / rows) on the import and tell the
# user the result in their task list. ``upload`` and ``commit`` do the same work synchronously.


def _store(*, actor, enterprise, year: int, file) -> DataImport:
    require_for(actor, enterprise, "add")
    data = file.read()
    imp = DataImport(enterprise=enterprise, year=year, original_name=(getattr(file, "name", "") or "upload.xlsx").replace("\x00", "")[:200],
                     sha256=hashlib.sha256(data).hexdigest(), size=len(data), uploaded_by=actor,
                     status=DataImport.Status.CHECKING)
    imp.file.save(imp.original_name, ContentFile(data), save=False)
    imp.full_clean()
    imp.save()
    return imp


def _progress(imp: DataImport):
    """A callback storing the progress on the import (a plain update: progress is not change-logged)."""
    def store(done: int, total: int) -> None:
        imp.progress_done, imp.progress_total = done, total
        DataImport.objects.filter(pk=imp.pk).update(progress_done=done, progress_total=total)
    return store


def _dry_run(imp: DataImport) -> Report:
    with imp.file.open("rb") as f:
        data = f.read()
    report = validate(data, imp.enterprise, imp.year, progress=_progress(imp))
    imp.status = DataImport.Status.VALIDATED if report.ok else DataImport.Status.REFUSED
    imp.template_version, imp.errors, imp.n_rows = report.template_version[:40], report.errors, report.n_rows
    imp.save(update_fields=["status", "template_version", "errors", "n_rows", "updated_at"])
    return report


def upload(*, actor, enterprise, year: int, file) -> tuple[DataImport, Report]:
    """Dry run: keep the file as evidence and report every error; nothing else is saved."""
    with transaction.atomic():
        imp = _store(actor=actor, enterprise=enterprise, year=year, file=file)
        return imp, _dry_run(imp)


def start_upload(*, actor, enterprise, year: int, file) -> DataImport:
    """Keep the file and start its dry run as a background job; the import page shows its progress."""
    imp = _store(actor=actor, enterprise=enterprise, year=year, file=file)
    _enqueue("carbonms.carbondata.import_dry_run", imp.pk, actor.pk)
    return imp


def run_dry_run(*, actor, import_id: int) -> DataImport:
    """The dry-run job: check the stored file, store the report, tell the uploader."""
    imp = DataImport.objects.select_related("enterprise__park").get(pk=import_id)
    if imp.status != DataImport.Status.CHECKING:
        return imp  # already done (a job delivered twice)
    try:
        _dry_run(imp)
    except Exception:
        _failed(imp)
        raise
    _notify(actor, imp)
    return imp


class _Refused(Exception):
    """Raised inside the writing transaction to roll every row back."""


def _write(actor, data_import: DataImport, report: Report) -> None:
    """Save every row in bulk; a row the service refuses becomes a row error and all rows are rolled back."""
    with transaction.atomic():
        rows = [{"source": r.source, "month": r.month, "amount": r.amount, "unit": r.unit, "note": r.note,
                 "stock": r.stock} for r in report.rows]
        _records, errors = activity_services.activity_save_many(
            actor=actor, enterprise=data_import.enterprise, year=data_import.year, rows=rows,
            origin=ActivityRecord.Origin.IMPORT, data_import=data_import)
        for i, exc in sorted(errors.items()):
            _row_errors(exc, report.rows[i].number, report)
        if report.ok:
            output_workbook.write(actor, data_import, report)
        if not report.ok:
            raise _Refused
        data_import.status, data_import.n_rows = DataImport.Status.COMMITTED, report.n_rows
        data_import.save(update_fields=["status", "n_rows", "updated_at"])
        record_event(actor=actor, enterprise=data_import.enterprise, kind="import_committed", data_import=data_import.pk,
                     sha256=data_import.sha256, rows=report.n_rows)


def _claim(actor, data_import: DataImport) -> DataImport:
    """Mark a validated import as being committed (one commit at a time)."""
    require_for(actor, data_import.enterprise, "add")
    with transaction.atomic():
        imp = DataImport.objects.select_for_update().get(pk=data_import.pk)
        if imp.status != DataImport.Status.VALIDATED:
            raise ValidationError(_("Only a validated import can be committed."))
        if not imp.file:  # removed after REFUSED_UPLOAD_RETENTION_DAYS (carbonms/carbondata/retention.py)
            raise ValidationError(_("The uploaded file was removed after the retention period; upload it again."))
        imp.status, imp.progress_done, imp.progress_total = DataImport.Status.COMMITTING, 0, imp.n_rows
        imp.save(update_fields=["status", "progress_done", "progress_total", "updated_at"])
    data_import.status = imp.status
    return imp


def _commit_claimed(actor, data_import: DataImport) -> int:
    """Validate the stored file again (progress stored as rows are checked), then save every row or none.

    A file that no longer validates (or a row the service refuses) is *refused*: the import's status and
    errors are saved — outside the rolled-back writes — and a ``ValidationError`` is raised.
    """
    imp = DataImport.objects.select_related("enterprise__park").get(pk=data_import.pk)
    with imp.file.open("rb") as f:
        data = f.read()
    if hashlib.sha256(data).hexdigest() != imp.sha256:
        report = Report()
        report.error(_("The stored file does not match its SHA-256; it was altered."))
    else:
        report = validate(data, imp.enterprise, imp.year, progress=_progress(imp))
    with transaction.atomic():
        imp = DataImport.objects.select_for_update().select_related("enterprise__park").get(pk=data_import.pk)
        if imp.status != DataImport.Status.COMMITTING:
            raise ValidationError(_("Only a validated import can be committed."))
        if report.ok:
            try:
                _write(actor, imp, report)
            except _Refused:
                pass
            else:
                data_import.status, data_import.n_rows = imp.status, imp.n_rows
                return report.n_rows
        imp.status, imp.errors = DataImport.Status.REFUSED, report.errors
        imp.save(update_fields=["status", "errors", "updated_at"])
    data_import.status, data_import.errors = imp.status, imp.errors
    raise ValidationError(ngettext("The workbook no longer validates: %(n)d error.", "The workbook no longer validates: %(n)d errors.", len(report.errors)) % {"n": len(report.errors)})


def commit(*, actor, data_import: DataImport) -> int:
    """Commit a validated import now: validate the stored file again, then save every row or none."""
    _claim(actor, data_import)
    return _commit_claimed(actor, data_import)


def start_commit(*, actor, data_import: DataImport) -> DataImport:
    """Claim a validated import and commit it in a background job; the import page shows its progress."""
    imp = _claim(actor, data_import)
    _enqueue("carbonms.carbondata.import_commit", imp.pk, actor.pk)
    return imp


def run_commit(*, actor, import_id: int) -> DataImport:
    """The commit job: commit, tell the user the result (a refusal is a result, not a failure)."""
    imp = DataImport.objects.select_related("enterprise__park").get(pk=import_id)
    if imp.status != DataImport.Status.COMMITTING:
        return imp
    try:
        _commit_claimed(actor, imp)
    except ValidationError:
        pass
    except Exception:
        _failed(imp)
        raise
    imp.refresh_from_db()
    _notify(actor, imp)
    return imp


def _failed(imp: DataImport) -> None:
    """A job that broke leaves the import refused with a message, never checking or committing for ever."""
    imp.refresh_from_db()
    imp.status = DataImport.Status.REFUSED
    imp.errors = [*imp.errors, {"sheet": "", "row": None, "column": "",
                                "message": _("The import stopped on an unexpected error; nothing was saved. Try again.")}]
    imp.save(update_fields=["status", "errors", "updated_at"])


def _enqueue(task_name: str, import_id: int, actor_id: int) -> None:
    """Run the job: at once in-process on the embedded default, else on a worker once this transaction commits."""
    from django.conf import settings

    from . import tasks

    task = {"carbonms.carbondata.import_dry_run": tasks.import_dry_run,
            "carbonms.carbondata.import_commit": tasks.import_commit}[task_name]
    if getattr(settings, "CELERY_TASK_ALWAYS_EAGER", False):
        task.delay(import_id, actor_id)
    else:
        transaction.on_commit(lambda: task.delay(import_id, actor_id))


def _notify(actor, imp: DataImport) -> None:
    """The result in the user's task list (the platform's notifications)."""
    from carbonms.conformity.notifications import notify

    S = DataImport.Status
    params = {"name": imp.original_name, "n": imp.n_rows, "errors": len(imp.errors)}
    code = {S.VALIDATED: "import_validated", S.COMMITTED: "import_committed"}.get(imp.status, "import_refused")
    notify(actor, ref=f"import:{imp.pk}:{imp.status}", code=code, params=params, url=imp.get_absolute_url(),
           park_id=imp.enterprise.park_id, enterprise_id=imp.enterprise_id)
