"""The output sheets of the activity workbook (issue 10 item 3; docs/data-files.md): "产量" (production per
product and month) and "经济数据" (the year's economic figures of the enterprise).

Both sheets are optional in an uploaded workbook (a workbook of template CarbonMS-AD-1 generated before
they existed still imports); when present, their header row must be the template's. Every row is checked
before anything is written, with the same services as the pages (``services.output``), and the rows are
written set-based in the import's one transaction: an error anywhere means nothing is written.
"""
from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from carbonms.common import numbers
from carbonms.common.spreadsheet import safe_row, safe_text, unescape_text

from .models import EconomicRecord, Product, ProductionRecord
from .services import output as services

PRODUCTION_SHEET = "产量"
ECONOMIC_SHEET = "经济数据"
PRODUCTION_COLUMNS = [  # (key, Chinese header, width)
    ("product", "产品编码", 14), ("name", "产品名称", 24), ("month", "月份", 8), ("quantity", "产量", 14),
    ("unit", "单位", 10), ("note", "备注", 30),
]
ECONOMIC_COLUMNS = [
    ("output_value_10k_yuan", "工业总产值（万元）", 18), ("value_added_10k_yuan", "工业增加值（万元）", 18),
    ("price_basis", "增加值价格口径", 16), ("price_base_year", "不变价基年", 12), ("revenue_10k_yuan", "营业收入（万元）", 16),
    ("employees", "从业人员（人）", 14), ("note", "备注", 30),
]
SHEETS = {PRODUCTION_SHEET: PRODUCTION_COLUMNS, ECONOMIC_SHEET: ECONOMIC_COLUMNS}
#: the spellings of the price basis the sheet accepts
PRICE_BASIS = {"当年价": "current", "当年价格": "current", "现价": "current", "current": "current",
               "不变价": "constant", "不变价格": "constant", "可比价": "constant", "constant": "constant"}
PRICE_BASIS_SHOWN = {"current": "当年价", "constant": "不变价"}
HELP_LINES = [
    "8. “产量”工作表：每个产品每个月一行，产量按产品登记的单位填写（如改用同量纲单位，如“万吨”代替“t”，系统会换算；"
    "件、台等计数单位必须与登记一致）。外供电量、外供热量也作为产品登记（类型“外供电力/外供热力”）。产量不能为负数。",
    "9. “经济数据”工作表：填写本年度工业总产值、工业增加值（万元）、营业收入（万元）和从业人员；填写增加值时必须注明价格口径"
    "（当年价 或 不变价；不变价须填基年）。",
]


def header_row(ws, columns) -> None:
    """Row 1 of a data sheet: the Chinese headers, white on green, with the column widths; frozen."""
    fill = PatternFill("solid", fgColor="0E7C66")
    for col, (_key, header, width) in enumerate(columns, start=1):
        c = ws.cell(row=1, column=col, value=header)
        c.font, c.fill, c.alignment = Font(bold=True, color="FFFFFF"), fill, Alignment(horizontal="center")
        ws.column_dimensions[get_column_letter(col)].width = width
    ws.freeze_panes = "A2"


def build_sheets(wb, enterprise, year: int) -> None:
    """Add the two sheets to the generated workbook, pre-filled with the products, months and current values."""
    ws = wb.create_sheet(PRODUCTION_SHEET)
    header_row(ws, PRODUCTION_COLUMNS)
    products = list(Product.objects.filter(enterprise=enterprise, active=True).order_by("code"))
    current = {(r.product_id, r.month): r for r in ProductionRecord.objects.filter(enterprise=enterprise, year=year, is_current=True)}
    row = 2
    for p in products:
        for month in range(1, 13):
            rec = current.get((p.pk, month))
            for col, v in enumerate(safe_row([p.code, p.name, month, float(rec.quantity) if rec else None, p.unit,
                                              rec.note if rec else None]), start=1):
                ws.cell(row=row, column=col, value=v)
            row += 1
    last = max(row - 1, 2) + 200
    dv_month = DataValidation(type="whole", operator="between", formula1="1", formula2="12", allow_blank=False,
                              errorTitle="月份", error="月份必须是 1 到 12 的整数。")
    dv_quantity = DataValidation(type="decimal", operator="greaterThanOrEqual", formula1="0", allow_blank=True,
                                 errorTitle="产量", error="只能填写不小于 0 的数字。")
    for dv, col in ((dv_month, "C"), (dv_quantity, "D")):
        ws.add_data_validation(dv)
        dv.add(f"{col}2:{col}{last}")

    ws = wb.create_sheet(ECONOMIC_SHEET)
    header_row(ws, ECONOMIC_COLUMNS)
    rec = EconomicRecord.objects.filter(enterprise=enterprise, year=year, is_current=True).first()
    if rec is not None:
        values = [rec.output_value_10k_yuan, rec.value_added_10k_yuan, PRICE_BASIS_SHOWN.get(rec.price_basis, ""),
                  rec.price_base_year, rec.revenue_10k_yuan, rec.employees, rec.note]
        for col, v in enumerate(safe_row([float(v) if hasattr(v, "as_tuple") else v for v in values]), start=1):
            ws.cell(row=2, column=col, value=v)
    dv_basis = DataValidation(type="list", formula1='"当年价,不变价"', allow_blank=True, errorTitle="价格口径",
                              error="请选择 当年价 或 不变价。")
    ws.add_data_validation(dv_basis)
    dv_basis.add("C2:C3")


def help_lines() -> list[str]:
    return [safe_text(line) for line in HELP_LINES]


# -- reading -----------------------------------------------------------------------------------------

def read_rows(ws, columns, max_rows: int) -> tuple[list, list[tuple[int, dict, set]]]:
    """(header, rows) of a sheet: each row as (row number, {key: value}, keys holding a formula)."""
    keys = [c[0] for c in columns]
    header: list = []
    for cells in ws.iter_rows(min_row=1, max_row=1, max_col=len(keys) + 10):
        header = [c.value for c in cells]
    rows = []
    for n, cells in enumerate(ws.iter_rows(min_row=2, max_col=len(keys)), start=2):
        if n > max_rows + 1:
            rows.append((n, {}, set()))
            break
        values, formulas = {}, set()
        for key, cell in zip(keys, cells, strict=False):
            if cell.data_type == "f":
                formulas.add(key)
                values[key] = None
            else:
                values[key] = unescape_text(cell.value)
        rows.append((n, values, formulas))
    return header, rows


# -- checking ----------------------------------------------------------------------------------------

@dataclass
class ProductionRow:
    number: int
    product: Product
    month: int
    quantity: object
    unit: str
    note: str


@dataclass
class EconomicRow:
    number: int
    data: dict


def _col(columns, key: str) -> str:
    keys = [c[0] for c in columns]
    i = keys.index(key) if key in keys else 0
    return f"{get_column_letter(i + 1)}（{columns[i][1]}）"


def _errors(exc: ValidationError, report, sheet: str, columns, n: int, fallback: str) -> None:
    keys = [c[0] for c in columns]
    if not hasattr(exc, "error_dict"):
        for m in exc.messages:
            report.error(m, sheet=sheet, row=n)
        return
    for key, msgs in exc.message_dict.items():
        col = key if key in keys else fallback
        for m in msgs:
            report.error(m, sheet=sheet, row=n, column=_col(columns, col))


def _check_header(header: list, columns, sheet: str, report, version: str) -> bool:
    before = len(report.errors)
    for i, (_key, want, _w) in enumerate(columns):
        found = header[i] if i < len(header) else None
        found = "" if found is None else str(found).strip()
        if found != want:
            report.error(_("Column %(letter)s should be headed “%(expected)s” (template %(version)s), but it is headed “%(found)s”.")
                         % {"letter": get_column_letter(i + 1), "expected": want, "found": found[:60], "version": version},
                         sheet=sheet, row=1, column=get_column_letter(i + 1))
    return len(report.errors) == before


def _formulas(formulas, columns, sheet, n, report) -> None:
    for key in formulas:
        report.error(_("Formulas are not accepted: enter the value itself."), sheet=sheet, row=n, column=_col(columns, key))


def validate(output: dict, enterprise, year: int, report) -> None:
    """Check the output sheets of a workbook; the rows to save go to ``report.production`` / ``report.economic``."""
    if PRODUCTION_SHEET in output:
        header, rows = output[PRODUCTION_SHEET]
        if _check_header(header, PRODUCTION_COLUMNS, PRODUCTION_SHEET, report, report.template_version):
            _validate_production(rows, enterprise, year, report)
    if ECONOMIC_SHEET in output:
        header, rows = output[ECONOMIC_SHEET]
        if _check_header(header, ECONOMIC_COLUMNS, ECONOMIC_SHEET, report, report.template_version):
            _validate_economic(rows, enterprise, year, report)


def _validate_production(rows, enterprise, year: int, report) -> None:
    sheet, cols = PRODUCTION_SHEET, PRODUCTION_COLUMNS
    own = {p.code: p for p in Product.objects.filter(enterprise=enterprise)}
    current = {(r.product_id, r.month): r for r in ProductionRecord.objects.filter(enterprise=enterprise, year=year, is_current=True)}
    locked = services.locked_months(enterprise.pk, year)
    seen: dict[tuple[str, int], int] = {}
    for n, values, formulas in rows:
        _formulas(formulas, cols, sheet, n, report)
        if values.get("quantity") in (None, "") and "quantity" not in formulas:
            continue  # an empty line of the template
        code = str(values.get("product") or "").strip().lstrip("'")
        before = len(report.errors)
        product = own.get(code)
        if product is None:
            shown = code if len(code) <= numbers.SHOWN else code[:numbers.SHOWN] + "…"
            report.error(_("Unknown product code “%(code)s”: add the product to the register first.") % {"code": shown},
                         sheet=sheet, row=n, column=_col(cols, "product"))
        try:
            month = int(str(values.get("month")).strip())
            if not 1 <= month <= 12:
                raise ValueError
        except (TypeError, ValueError):
            report.error(_("The month must be a whole number from 1 to 12."), sheet=sheet, row=n, column=_col(cols, "month"))
            month = None
        if product is not None and month is not None:
            first = seen.get((code, month))
            if first:
                report.error(_("Duplicate row: %(code)s month %(month)d is already on row %(first)d.")
                             % {"code": code, "month": month, "first": first}, sheet=sheet, row=n, column=_col(cols, "product"))
            seen.setdefault((code, month), n)
        if len(report.errors) > before:
            continue
        unit, note = str(values.get("unit") or "").strip(), str(values.get("note") or "")
        cur = current.get((product.pk, month))
        try:
            value = services.quantity_in_product_unit(product, values.get("quantity"), unit)
            if cur is not None and cur.status not in services.OPEN and cur.quantity == value:
                continue  # unchanged approved value: nothing to import
            services.production_prepare(actor=None, enterprise=enterprise, product=product, year=year, month=month,
                                        quantity=values.get("quantity"), unit=unit, note=note, current=cur, locked=locked)
        except ValidationError as exc:
            _errors(exc, report, sheet, cols, n, "quantity")
            continue
        report.production.append(ProductionRow(n, product, month, values.get("quantity"), unit, note))


def _validate_economic(rows, enterprise, year: int, report) -> None:
    sheet, cols = ECONOMIC_SHEET, ECONOMIC_COLUMNS
    figures = [c[0] for c in cols if c[0] != "note"]
    filled = [(n, v, f) for n, v, f in rows if f or any(v.get(k) not in (None, "") for k in figures)]
    for n, _v, formulas in filled:
        _formulas(formulas, cols, sheet, n, report)
    if len(filled) > 1:
        for n, _v, _f in filled[1:]:
            report.error(_("The economic figures of the year take one row; row %(first)d already holds them.")
                         % {"first": filled[0][0]}, sheet=sheet, row=n)
        return
    if not filled:
        return
    n, values, _f = filled[0]
    data = dict(values)
    basis = str(data.get("price_basis") or "").strip()
    data["price_basis"] = PRICE_BASIS.get(basis, basis)
    current = EconomicRecord.objects.filter(enterprise=enterprise, year=year, is_current=True).first()
    try:
        if current is not None and current.status not in services.OPEN:
            new = services.check_economic(data, park_level=False)
            if all(getattr(current, k) == new.get(k) for k in (*EconomicRecord.FIGURES, "price_basis", "price_base_year")):
                return  # unchanged approved figures: nothing to import
        services.economic_prepare(actor=None, park=enterprise.park, enterprise=enterprise, year=year, data=data,
                                  current=current, closed=services.year_closed(enterprise.pk, year))
    except ValidationError as exc:
        _errors(exc, report, sheet, cols, n, "value_added_10k_yuan")
        return
    report.economic.append(EconomicRow(n, data))


# -- writing (inside the import's transaction) -------------------------------------------------------

def write(actor, data_import, report) -> None:
    """Save the checked rows; a row the services refuse becomes a row error (the caller rolls everything back)."""
    enterprise, year = data_import.enterprise, data_import.year
    if report.production:
        rows = [{"product": r.product, "month": r.month, "quantity": r.quantity, "unit": r.unit, "note": r.note}
                for r in report.production]
        _records, errors = services.production_save_many(actor=actor, enterprise=enterprise, year=year, rows=rows,
                                                          origin=ProductionRecord.Origin.IMPORT, data_import=data_import)
        for i, exc in sorted(errors.items()):
            _errors(exc, report, PRODUCTION_SHEET, PRODUCTION_COLUMNS, report.production[i].number, "quantity")
    for r in report.economic:
        try:
            services.economic_save(actor=actor, park=enterprise.park, enterprise=enterprise, year=year, data=r.data,
                                   origin=EconomicRecord.Origin.IMPORT, data_import=data_import)
        except ValidationError as exc:
            _errors(exc, report, ECONOMIC_SHEET, ECONOMIC_COLUMNS, r.number, "value_added_10k_yuan")
