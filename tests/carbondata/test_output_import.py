"""The output sheets of the activity workbook (issue 10 item 3): template, good rows imported as drafts,
bad rows refused with sheet, row, column and reason, and nothing written when any row is wrong."""
from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from carbonms.carbondata import importer
from carbonms.carbondata.models import (
    ActivityRecord,
    DataImport,
    EconomicRecord,
    PeriodLock,
    ProductionRecord,
)
from carbonms.carbondata.output_workbook import ECONOMIC_SHEET, PRODUCTION_SHEET

from .factories import SourceFactory
from .output_helpers import S, product, production
from .test_workbook_import import _book, _bytes

pytestmark = pytest.mark.django_db


@pytest.fixture
def ent(world):
    e = world.e1.enterprise
    SourceFactory(enterprise=e, code="B01")
    product(e, "P1", "t")
    product(e, "M1", "台", name="电机")
    return e


def _row(ws, code, month):
    for r in range(2, ws.max_row + 1):
        if ws.cell(r, 1).value == code and ws.cell(r, 3).value == month:
            return r
    raise AssertionError((code, month))


def _upload(world, ent, wb, year=2025):
    return importer.upload(actor=world.users["data_clerk"], enterprise=ent, year=year,
                           file=SimpleUploadedFile("data.xlsx", _bytes(wb)))


def test_template_has_the_output_sheets_prefilled(ent):
    wb = _book(ent)
    ws = wb[PRODUCTION_SHEET]
    assert [c.value for c in ws[1]] == ["产品编码", "产品名称", "月份", "产量", "单位", "备注"]
    assert ws.max_row == 1 + 2 * 12 and ws.cell(2, 1).value == "M1" and ws.cell(2, 5).value == "台"
    assert [c.value for c in wb[ECONOMIC_SHEET][1]][:3] == ["工业总产值（万元）", "工业增加值（万元）", "增加值价格口径"]
    assert any("产量" in (c.value or "") for c in wb["填写说明"]["A"])


def test_good_rows_are_imported_as_drafts_in_one_commit(world, ent):
    wb = _book(ent)
    ws = wb[PRODUCTION_SHEET]
    ws.cell(_row(ws, "P1", 1), 4, 1200.5)
    ws.cell(_row(ws, "P1", 2), 4, 1.1)
    ws.cell(_row(ws, "P1", 2), 5, "kt")  # converted to t
    ws.cell(_row(ws, "M1", 3), 4, 12)
    econ = wb[ECONOMIC_SHEET]
    for col, v in enumerate([52000, 11000.5, "不变价", 2020, 50500, 320], start=1):
        econ.cell(2, col, v)
    imp, report = _upload(world, ent, wb)
    assert report.errors == [] and imp.n_rows == 4
    assert not ProductionRecord.objects.exists()  # a dry run writes nothing
    assert importer.commit(actor=world.users["data_clerk"], data_import=imp) == 4
    q = {(r.product.code, r.month): r for r in ProductionRecord.objects.select_related("product")}
    assert q[("P1", 1)].quantity == Decimal("1200.5") and q[("P1", 2)].quantity == Decimal("1100")
    assert q[("M1", 3)].quantity == 12 and all(r.status == S.DRAFT and r.origin == "import" for r in q.values())
    assert all(r.data_import_id == imp.pk for r in q.values())
    e = EconomicRecord.objects.get()
    assert (e.value_added_10k_yuan, e.price_basis, e.price_base_year, e.employees) == (Decimal("11000.50"), "constant", 2020, 320)


def test_bad_rows_name_sheet_row_column_and_nothing_is_written(world, ent):
    PeriodLock.objects.create(enterprise=ent, year=2025, month=4, locked_by=world.users["enterprise_admin"])
    wb = _book(ent)
    wb["活动数据"].cell(2, 5, 10)  # a good activity value: refused with the rest
    ws = wb[PRODUCTION_SHEET]
    ws.cell(_row(ws, "P1", 1), 4, 5)
    ws.cell(_row(ws, "P1", 1), 5, "MWh")  # wrong unit
    ws.cell(_row(ws, "P1", 2), 4, -7)  # negative
    ws.cell(_row(ws, "M1", 3), 4, 2)
    ws.cell(_row(ws, "M1", 3), 5, "t")  # a count product in tonnes
    ws.cell(_row(ws, "P1", 4), 4, 9)  # a locked month
    ws.append(["ZZ9", "不存在", 5, 1, "t", None])  # an unknown product
    econ = wb[ECONOMIC_SHEET]
    econ.cell(2, 2, 800)  # value added without its price basis
    imp, report = _upload(world, ent, wb)
    assert imp.status == DataImport.Status.REFUSED
    by = {(e["sheet"], e["row"], e["column"][:1]): e["message"] for e in report.errors}
    assert by[(PRODUCTION_SHEET, _row(ws, "P1", 1), "E")] == "Wrong unit “MWh”: product P1 is counted in t."
    assert by[(PRODUCTION_SHEET, _row(ws, "P1", 2), "D")] == "The quantity cannot be negative."
    assert "counted in 台" in by[(PRODUCTION_SHEET, _row(ws, "M1", 3), "E")]
    assert "2025-04 is locked" in by[(PRODUCTION_SHEET, _row(ws, "P1", 4), "C")]
    assert "ZZ9" in by[(PRODUCTION_SHEET, ws.max_row, "A")]
    assert "price basis" in by[(ECONOMIC_SHEET, 2, "C")]
    assert len(report.errors) == 6
    assert not ProductionRecord.objects.exists() and not EconomicRecord.objects.exists() and not ActivityRecord.objects.exists()


def test_a_refusal_at_commit_rolls_back_every_sheet(world, ent):
    wb = _book(ent)
    wb["活动数据"].cell(2, 5, 10)
    ws = wb[PRODUCTION_SHEET]
    ws.cell(_row(ws, "P1", 1), 4, 5)
    econ = wb[ECONOMIC_SHEET]
    econ.cell(2, 2, 800)
    econ.cell(2, 3, "当年价")
    imp, report = _upload(world, ent, wb)
    assert report.errors == []
    # between the dry run and the commit, the month is closed: the commit refuses and writes nothing
    PeriodLock.objects.create(enterprise=ent, year=2025, month=1, locked_by=world.users["enterprise_admin"])
    with pytest.raises(Exception, match="no longer validates"):
        importer.commit(actor=world.users["data_clerk"], data_import=imp)
    assert not ProductionRecord.objects.exists() and not EconomicRecord.objects.exists() and not ActivityRecord.objects.exists()
    imp.refresh_from_db()
    assert imp.status == DataImport.Status.REFUSED and any(e["sheet"] == PRODUCTION_SHEET for e in imp.errors)


def test_unchanged_approved_values_are_skipped_and_a_workbook_without_output_sheets_imports(world, ent):
    p1 = ent.products.get(code="P1")
    production(p1, 1, 100, user=world.users["data_clerk"])
    wb = _book(ent)
    assert wb[PRODUCTION_SHEET].cell(_row(wb[PRODUCTION_SHEET], "P1", 1), 4).value == 100
    _imp, report = _upload(world, ent, wb)
    assert report.errors == [] and report.production == []
    del wb[PRODUCTION_SHEET]
    del wb[ECONOMIC_SHEET]
    wb["活动数据"].cell(2, 5, 10)
    imp, report = _upload(world, ent, wb)
    assert report.errors == [] and imp.n_rows == 1


def test_a_renamed_output_column_is_refused(world, ent):
    wb = _book(ent)
    wb[PRODUCTION_SHEET].cell(1, 4, "数量")
    _imp, report = _upload(world, ent, wb)
    assert [(e["sheet"], e["row"], e["column"]) for e in report.errors] == [(PRODUCTION_SHEET, 1, "D")]
