"""Issue 9, item 4 (imports and numbers): the header row, number bounds on every path, hostile sheets,
text that looks like a formula, and a refused commit that keeps its status."""
from __future__ import annotations

import io
import re
import zipfile
from decimal import Decimal

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook
from rest_framework.test import APIClient

from carbonms.carbondata import importer, services, workbook
from carbonms.carbondata.models import ActivityRecord, DataImport
from tests.carbondata.factories import ActivityRecordFactory, SourceFactory

S = ActivityRecord.Status
PREFIXES = ["=", "+", "-", "@", "\t", "\r"]


@pytest.fixture
def ent(world):
    e = world.e1.enterprise
    SourceFactory(enterprise=e, code="B01", name="1#锅炉燃煤")
    return e


def _book(ent, year=2025):
    return load_workbook(io.BytesIO(workbook.build(ent, year)))


def _bytes(wb) -> bytes:
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _upload(world, ent, data, year=2025):
    return importer.upload(actor=world.users["data_clerk"], enterprise=ent, year=year,
                           file=SimpleUploadedFile("data.xlsx", data))


def _sheet_path(data: bytes) -> str:
    """The zip entry of the data sheet (the second sheet of the template)."""
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return sorted(n for n in zf.namelist() if n.startswith("xl/worksheets/sheet"))[1]


def _replace_entry(data: bytes, name: str, new: bytes, *, compress=zipfile.ZIP_DEFLATED) -> bytes:
    src, out = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(out, "w", compress) as dst:
        for info in src.infolist():
            dst.writestr(info.filename, new if info.filename == name else src.read(info.filename))
    return out.getvalue()


def _with_sheet_xml(ent, edit) -> bytes:
    wb = _book(ent)
    wb["活动数据"]["E2"] = 123456
    data = _bytes(wb)
    name = _sheet_path(data)
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        xml = zf.read(name)
    return _replace_entry(data, name, edit(xml))


def _api(user):
    c = APIClient()
    c.force_authenticate(user)
    return c


# --- the header row --------------------------------------------------------------------------------------------


def test_swapped_amount_and_closing_stock_columns_are_refused(world, ent):
    """The issue's workbook: amount and closing stock swapped, which committed 13 rows of 999 instead of 12."""
    wb = _book(ent)
    ws = wb["活动数据"]
    ws["E1"], ws["I1"] = "期末库存", "活动数据"
    for r in range(2, 15):
        ws.cell(row=r, column=5, value=999)  # closing stock, now in the amount's place
        ws.cell(row=r, column=9, value=12)   # the amount
    imp, report = _upload(world, ent, _bytes(wb))
    assert imp.status == DataImport.Status.REFUSED and imp.n_rows == 0 and report.rows == []
    assert [(e["sheet"], e["row"], e["column"], e["message"]) for e in report.errors] == [
        ("活动数据", 1, "E", "Column E should be headed “活动数据” (template CarbonMS-AD-1), but it is headed “期末库存”."),
        ("活动数据", 1, "I", "Column I should be headed “期末库存” (template CarbonMS-AD-1), but it is headed “活动数据”."),
    ]
    with pytest.raises(ValidationError):
        importer.commit(actor=world.users["data_clerk"], data_import=imp)
    assert not ActivityRecord.objects.exists()


def test_foreign_headers_are_refused_column_by_column(world, ent):
    wb = _book(ent)
    ws = wb["活动数据"]
    for col in range(1, 12):
        ws.cell(row=1, column=col, value=f"foo{col}")
    ws["E2"] = 10
    imp, report = _upload(world, ent, _bytes(wb))
    assert imp.status == DataImport.Status.REFUSED
    assert [e["column"] for e in report.errors] == list("ABCDEFGHIJK")
    assert report.errors[0]["message"] == "Column A should be headed “排放源编码” (template CarbonMS-AD-1), but it is headed “foo1”."


def test_missing_and_extra_header_columns_are_refused(world, ent):
    wb = _book(ent)
    ws = wb["活动数据"]
    ws["K1"] = None
    ws["L1"] = "单价"
    _imp, report = _upload(world, ent, _bytes(wb))
    assert [(e["column"], e["message"]) for e in report.errors] == [
        ("K", "Column K should be headed “备注” (template CarbonMS-AD-1), but it is empty."),
        ("L", "Column L (“单价”) is not part of template CarbonMS-AD-1: remove it."),
    ]


def test_header_errors_are_in_the_users_language(world, ent):
    wb = _book(ent)
    wb["活动数据"]["E1"] = "foo"
    _imp, report = _upload(world, ent, _bytes(wb))
    assert report.errors[0]["message"] == "E 列的标题应为“活动数据”（模板 CarbonMS-AD-1），实际为“foo”。"


def test_headers_with_surrounding_spaces_are_accepted(world, ent):
    wb = _book(ent)
    wb["活动数据"]["E1"] = " 活动数据 "
    wb["活动数据"]["E2"] = 5
    _imp, report = _upload(world, ent, _bytes(wb))
    assert report.ok and len(report.rows) == 1


# --- numbers: one rule ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("value, message", [
    ("1e30", "1e30 is too large: a value must be smaller than 10^15 in magnitude."),
    ("1000000000000000", "1000000000000000 is too large: a value must be smaller than 10^15 in magnitude."),
    ("-1e15", "-1e15 is too large: a value must be smaller than 10^15 in magnitude."),
    ("NaN", "“NaN” is not a finite number."),
    ("-Infinity", "“-Infinity” is not a finite number."),
    (float("inf"), "“inf” is not a finite number."),
    ("1" * 400, "“" + "1" * 30 + "…” is not a number."),
    ("123456789012345.5", "123456789012345.5 has too many digits before the decimal point: at most 14 fit."),
    ("999999999999999.9999999", "999999999999999.9999999 has too many digits before the decimal point: at most 14 fit."),
    ("99999999999999.9999999", "99999999999999.9999999 has too many digits before the decimal point: at most 14 fit."),
    (True, "“True” is not a number."),
])
def test_the_number_rule(value, message):
    from carbonms.common import numbers

    with pytest.raises(ValidationError) as exc:
        numbers.parse_decimal(value, max_digits=20, decimal_places=6)
    assert exc.value.messages == [message]


def test_the_number_rule_accepts_and_rounds():
    from carbonms.common import numbers

    assert numbers.parse_decimal(" 1,234.5 ", max_digits=20, decimal_places=6) == Decimal("1234.5")
    assert numbers.parse_decimal(0.1 + 0.2, max_digits=20, decimal_places=6) == Decimal("0.300000")
    assert numbers.parse_decimal("99999999999999.999999", max_digits=20, decimal_places=6) == Decimal("99999999999999.999999")
    assert numbers.parse_decimal("", max_digits=20, decimal_places=6) is None
    assert numbers.parse_decimal(None) is None
    assert numbers.parse_decimal("-5") == Decimal("-5")


@pytest.mark.parametrize("column, value, message", [
    ("E", 1e30, "1e+30 is too large: a value must be smaller than 10^15 in magnitude."),
    ("E", "NaN", "“NaN” is not a finite number."),
    ("E", "inf", "“inf” is not a finite number."),
    ("I", 123456789012345678, "1.234567890123457e+17 is too large: a value must be smaller than 10^15 in magnitude."),
    ("G", 99999999999999.99, None),  # fits
    ("H", 123456789012345.6, "123456789012345.6 has too many digits before the decimal point: at most 14 fit."),
    ("J", 1234567890123456.0, "1234567890123456 is too large: a value must be smaller than 10^15 in magnitude."),
])
def test_numbers_out_of_bounds_are_row_errors_at_the_dry_run(world, ent, column, value, message):
    wb = _book(ent)
    ws = wb["活动数据"]
    ws["E3"] = 12
    ws[f"{column}3"] = value
    imp, report = _upload(world, ent, _bytes(wb))
    if message is None:
        assert report.ok
        return
    assert imp.status == DataImport.Status.REFUSED
    assert [(e["sheet"], e["row"], e["column"][0], e["message"]) for e in report.errors] == [("活动数据", 3, column, message)]


def test_an_18_digit_stock_value_fails_at_the_dry_run_not_at_commit(world, ent):
    wb = _book(ent)
    wb["活动数据"]["E2"], wb["活动数据"]["I2"] = 12, "123456789012345678"
    imp, report = _upload(world, ent, _bytes(wb))
    assert imp.status == DataImport.Status.REFUSED
    assert [(e["row"], e["column"]) for e in report.errors] == [(2, "I（期末库存）")]


def test_amount_1e30_on_the_api_is_a_400(world, ent):
    src = ent.sources.get(code="B01")
    clerk = _api(world.users["data_clerk"])
    for amount in ("1e30", "NaN", "Infinity", "1e15", "9" * 400):
        r = clerk.post("/api/v1/activity/", {"source": src.pk, "year": 2025, "month": 1, "amount": amount}, format="json")
        assert r.status_code == 400 and list(r.json()) == ["amount"], (amount, r.content)
    for field in ("opening_stock", "purchased", "closing_stock", "transferred_out"):
        r = clerk.post("/api/v1/activity/", {"source": src.pk, "year": 2025, "month": 1, "amount": "1", field: "1e30"},
                       format="json")
        assert r.status_code == 400 and r.json() == {field: ["1e30 大于允许范围：数值的绝对值必须小于 10^15。"]}
    r = clerk.post("/api/v1/activity/", {"source": src.pk, "year": 2025, "month": 1, "amount": "1", "purchased": "0.1234567"},
                   format="json")  # rounded to the field's six decimals, as on the grid and in the workbook
    assert r.status_code == 201 and r.json()["purchased"] == "0.123457"
    assert ActivityRecord.objects.count() == 1


def test_amount_1e30_on_correct_is_a_400_and_a_form_error(world, ent):
    src = ent.sources.get(code="B01")
    rec = ActivityRecordFactory(source=src, month=2, amount=Decimal("5"), status=S.APPROVED)
    r = _api(world.users["data_clerk"]).post(f"/api/v1/activity/{rec.pk}/correct/", {"amount": "1e30", "reason": "x"},
                                             format="json")
    assert r.status_code == 400 and "amount" in r.json()
    page = Client()
    page.force_login(world.users["data_clerk"])
    resp = page.post(reverse("carbondata:activity_correct", args=[rec.pk]), {"amount": "1e30", "reason": "抄错"})
    assert resp.status_code == 200 and "1e30 大于允许范围" in resp.content.decode()
    assert ActivityRecord.objects.count() == 1


def test_amount_1e30_on_the_grid_is_a_cell_error(world, ent):
    src = ent.sources.get(code="B01")
    page = Client()
    page.force_login(world.users["data_clerk"])
    url = reverse("carbondata:grid", args=[ent.pk]) + "?year=2025"
    for value in ("1e30", "NaN", "Infinity", "123456789012345678"):
        resp = page.post(url, {f"v_{src.pk}_1": value, "action": "save"})
        assert resp.status_code == 200 and "B01 01:" in resp.content.decode(), value
    assert not ActivityRecord.objects.exists()


def test_forged_grid_cell_names_are_ignored_not_a_500(world, ent):
    src = ent.sources.get(code="B01")
    page = Client()
    page.force_login(world.users["data_clerk"])
    url = reverse("carbondata:grid", args=[ent.pk]) + "?year=2025"
    for key in ("v_abc_1", f"v_{src.pk}_x", f"v_{src.pk}_1_2", f"v_{src.pk}_99999999999999999999", "v_99999999999999999999_1",
                f"v_{src.pk}_13"):
        resp = page.post(url, {key: "5", "action": "save"})
        assert resp.status_code == 302, key
    assert not ActivityRecord.objects.exists()


def test_a_note_too_long_fails_at_the_dry_run_not_at_commit(world, ent):
    wb = _book(ent)
    wb["活动数据"]["E2"], wb["活动数据"]["K2"] = 12, "长" * 301
    imp, report = _upload(world, ent, _bytes(wb))
    assert imp.status == DataImport.Status.REFUSED
    assert [(e["row"], e["column"], e["message"]) for e in report.errors] == [
        (2, "K（备注）", "The note has 301 characters; at most 300 fit.")]


def test_lab_value_uses_the_same_rule(world, ent):
    src = ent.sources.get(code="B01")
    page = Client()
    page.force_login(world.users["data_clerk"])
    resp = page.post(reverse("carbondata:lab_create", args=[src.pk]), {
        "year": 2025, "month": 1, "batch": "A", "parameter": "ncv", "value": "1e30", "unit": "GJ/t", "weight": "NaN"})
    text = resp.content.decode()
    assert resp.status_code == 200 and "1e30 大于允许范围" in text and "“NaN”不是有限的数字。" in text


# --- hostile sheets --------------------------------------------------------------------------------------------


def test_a_nan_cell_is_refused_with_a_clear_message(world, ent):
    data = _with_sheet_xml(ent, lambda xml: xml.replace(b"<v>123456</v>", b"<v>NaN</v>"))
    imp, report = _upload(world, ent, data)
    assert imp.status == DataImport.Status.REFUSED
    assert report.errors[0]["sheet"] == "活动数据"
    assert report.errors[0]["message"] == ("The sheet “活动数据” cannot be read after row 1: a cell holds something that "
                                           "is not a value (such as NaN) or the file is damaged.")


def test_an_infinite_number_cell_is_a_row_error(world, ent):
    data = _with_sheet_xml(ent, lambda xml: xml.replace(b"<v>123456</v>", b"<v>1E+999</v>"))
    _imp, report = _upload(world, ent, data)
    assert [(e["row"], e["column"][0], e["message"]) for e in report.errors] == [(2, "E", "“inf” is not a finite number.")]


@pytest.mark.parametrize("how", ["truncated xml", "bad crc", "truncated zip"])
def test_a_truncated_sheet_is_refused(world, ent, how):
    if how == "truncated xml":
        data = _with_sheet_xml(ent, lambda xml: xml[: len(xml) // 2])
    elif how == "bad crc":
        good = _with_sheet_xml(ent, lambda xml: xml)
        name = _sheet_path(good)
        data = _replace_entry(good, name, zipfile.ZipFile(io.BytesIO(good)).read(name), compress=zipfile.ZIP_STORED)
        i = data.index(b"<sheetData>")
        data = data[:i] + b"<sheetDaTa>" + data[i + 11:]  # same length, wrong CRC
    else:
        data = _bytes(_book(ent))
        data = data[: len(data) * 9 // 10]
    imp, report = _upload(world, ent, data)
    assert imp.status == DataImport.Status.REFUSED and len(report.errors) == 1
    assert re.fullmatch(r"This is not an Excel workbook \(\.xlsx\): the file is damaged or of another type\."
                        r"|The sheet “活动数据” cannot be read after row \d+: a cell holds something that is not a value "
                        r"\(such as NaN\) or the file is damaged\.", report.errors[0]["message"])


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol">
<!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
<!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
<!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
<!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
<!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
<!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
<!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>
<row r="1"><c r="A1" t="inlineStr"><is><t>&lol9;</t></is></c></row></sheetData></worksheet>"""


def test_openpyxl_parses_through_defusedxml():
    assert openpyxl.DEFUSEDXML is True


@pytest.mark.parametrize("part", ["data sheet", "data sheet behind a long comment", "xl/workbook.xml", "xl/styles.xml"])
def test_a_billion_laughs_part_is_refused(world, ent, part):
    data = _bytes(_book(ent))
    name = _sheet_path(data) if part.startswith("data sheet") else part
    xml = BILLION_LAUGHS
    if part == "data sheet behind a long comment":  # past the pre-check: defusedxml (inside openpyxl) refuses it
        xml = xml.replace(b"?>", b"?><!--" + b"x" * (importer.PROLOGUE_BYTES * 2) + b"-->", 1)
    data = _replace_entry(data, name, xml)
    imp, report = _upload(world, ent, data)
    assert imp.status == DataImport.Status.REFUSED
    assert [e["message"] for e in report.errors] == ["The workbook declares XML entities (a known attack); it is refused."]


# --- text that looks like a formula ------------------------------------------------------------------------------


@pytest.mark.parametrize("prefix", PREFIXES)
def test_text_starting_with_a_formula_prefix_is_stored_as_typed_and_escaped_on_export(world, ent, prefix):
    note = f"{prefix}cmd|' /C calc'!A0"
    wb = _book(ent)
    ws = wb["活动数据"]
    ws["E2"], ws["K2"] = 7, note
    ws["K2"].data_type = "s"  # a text cell, as a spreadsheet keeps text typed after a quote
    imp, report = _upload(world, ent, _bytes(wb))
    assert report.ok, report.errors
    importer.commit(actor=world.users["data_clerk"], data_import=imp)
    rec = ActivityRecord.objects.get()
    assert rec.note == note  # stored as typed
    exported = _book(ent)["活动数据"]["K2"]
    assert exported.data_type == "s" and exported.value == "'" + note
    # and the exported workbook imports back to the same text
    again = _book(ent)
    again["活动数据"]["E2"] = 8
    imp2, report = _upload(world, ent, _bytes(again))
    assert report.ok and report.rows[0].note == note


@pytest.mark.parametrize("prefix", PREFIXES)
def test_every_prefix_is_escaped_in_the_workbook_and_inventory_exports(world, ent, prefix):
    from carbonms.inventory.services import run_calculation

    src = SourceFactory(enterprise=ent, code=f"{prefix}X1", name=f"{prefix}HYPERLINK(\"http://evil\")")
    SourceFactory(enterprise=ent, code="X2", material=f"{prefix}煤")  # no data: in the workbook, not in the run
    ActivityRecordFactory(source=src, month=1, amount=Decimal("10"), note=f"{prefix}note")
    wb = _book(ent)
    cells = [c for ws in wb.worksheets for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    assert all(c.data_type == "s" and not c.value.startswith(tuple(PREFIXES)) for c in cells)
    values = {c.value for c in cells}
    assert {f"'{prefix}X1", f"'{prefix}HYPERLINK(\"http://evil\")", f"'{prefix}煤", f"'{prefix}note"} <= values
    run = run_calculation(actor=world.users["park_carbon_officer"], park=world.park_a, year=2025)
    page = Client()
    page.force_login(world.users["park_carbon_officer"])
    resp = page.get(reverse("inventory:export", args=[run.pk]))
    assert resp.status_code == 200
    xl = load_workbook(io.BytesIO(resp.content))
    cells = [c for ws in xl.worksheets for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    assert all(c.data_type == "s" and not c.value.startswith(tuple(PREFIXES)) for c in cells)
    assert f"'{prefix}HYPERLINK(\"http://evil\")" in {c.value for c in cells}


@pytest.mark.parametrize("prefix", PREFIXES)
def test_every_prefix_is_escaped_in_the_meter_evidence_csv(world, prefix):
    import csv

    from carbonms.monitoring import rollups
    from carbonms.monitoring.activity import _evidence_csv
    from carbonms.monitoring.ingestion import ingest
    from tests.monitoring.factories import JAN1, MeterFactory, day_of_readings, gateway_with_token

    ent = world.e1.enterprise
    gw = gateway_with_token(ent)[0]
    m = MeterFactory(enterprise=ent, code=f"{prefix}M1")
    ingest(gateway=gw, items=day_of_readings(m.code, JAN1, value=lambda i: 1.0), channel="http")
    rollups.refresh_dirty()
    src = SourceFactory(enterprise=ent)
    rows = list(csv.reader(io.StringIO(_evidence_csv(src, 2026, 1, [m.code]).read().decode())))
    assert rows[1][0] == f"'{prefix}M1"


@pytest.mark.parametrize("text, escaped", [
    ("=1+1", "'=1+1"), ("+1", "'+1"), ("-1", "'-1"), ("@SUM(A1)", "'@SUM(A1)"), ("\tx", "'\tx"), ("\rx", "'\rx"),
    ("a=b", "a=b"), ("'=x", "'=x"), ("", ""), (12, 12), (None, None),
])
def test_safe_text(text, escaped):
    from carbonms.common import spreadsheet

    assert spreadsheet.safe_text(text) == escaped


def test_unescape_only_undoes_our_escape():
    from carbonms.common import spreadsheet

    assert spreadsheet.unescape_text("'=x") == "=x"
    assert spreadsheet.unescape_text("'abc") == "'abc"
    assert spreadsheet.unescape_text("'-") == "-"


def test_formula_cells_are_still_refused(world, ent):
    wb = _book(ent)
    wb["活动数据"]["K2"] = "=cmd|' /C calc'!A0"  # openpyxl writes a real formula
    wb["活动数据"]["E2"] = 1
    _imp, report = _upload(world, ent, _bytes(wb))
    assert [(e["row"], e["column"][0], e["message"]) for e in report.errors] == [
        (2, "K", "Formulas are not accepted: enter the value itself.")]


# --- a refused commit keeps its status ----------------------------------------------------------------------------


def test_a_refused_commit_keeps_its_status_and_writes_nothing(world, ent):
    clerk, reviewer = world.users["data_clerk"], world.users["reviewer"]
    wb = _book(ent)
    wb["活动数据"]["E2"], wb["活动数据"]["E3"] = 10, 11
    imp, report = _upload(world, ent, _bytes(wb))
    assert report.ok
    services.period_lock(actor=reviewer, enterprise=ent, year=2025, month=1)  # the file no longer validates
    with pytest.raises(ValidationError) as exc:
        importer.commit(actor=clerk, data_import=imp)
    assert exc.value.messages == ["The workbook no longer validates: 1 error."]
    imp.refresh_from_db()
    assert imp.status == DataImport.Status.REFUSED
    assert [(e["row"], e["column"][0]) for e in imp.errors] == [(2, "D")]
    assert not ActivityRecord.objects.exists()


def test_a_row_refused_while_committing_refuses_the_import_with_its_row(world, ent, monkeypatch):
    wb = _book(ent)
    wb["活动数据"]["E2"], wb["活动数据"]["E3"] = 1, 2
    imp, _report = _upload(world, ent, _bytes(wb))
    real = services.activity.import_prepare  # the per-row check of the bulk save

    def failing(**kw):
        if kw["month"] == 2:
            raise ValidationError({"amount": "boom"})
        return real(**kw)

    monkeypatch.setattr(services.activity, "import_prepare", failing)
    with pytest.raises(ValidationError):
        importer.commit(actor=world.users["data_clerk"], data_import=imp)
    imp.refresh_from_db()
    assert imp.status == DataImport.Status.REFUSED and not ActivityRecord.objects.exists()
    assert [(e["row"], e["column"][0], e["message"]) for e in imp.errors] == [(3, "E", "boom")]


def test_the_commit_page_shows_the_refusal(world, ent):
    wb = _book(ent)
    wb["活动数据"]["E2"] = 10
    imp, _report = _upload(world, ent, _bytes(wb))
    services.period_lock(actor=world.users["reviewer"], enterprise=ent, year=2025, month=1)
    page = Client()
    page.force_login(world.users["data_clerk"])
    resp = page.post(reverse("carbondata:import_detail", args=[imp.pk]), follow=True)
    assert resp.status_code == 200
    imp.refresh_from_db()
    assert imp.status == DataImport.Status.REFUSED
    assert re.search("2025-01 已锁定", resp.content.decode())
    assert not ActivityRecord.objects.exists()
