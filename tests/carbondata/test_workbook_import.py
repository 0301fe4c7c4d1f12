"""The activity-data workbook and its import: dry run with every error, all-or-nothing commit,
hostile files (broken zip, formulas, huge sheets, zip bombs) and formula injection on export."""
from __future__ import annotations

import hashlib
import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook

from carbonms.carbondata import importer, services, workbook
from carbonms.carbondata.models import ActivityRecord, DataEvent, DataImport
from tests.carbondata.factories import ElectricitySourceFactory, SourceFactory


@pytest.fixture
def ent(world):
    e = world.e1.enterprise
    SourceFactory(enterprise=e, code="B01", name="1#锅炉燃煤")
    ElectricitySourceFactory(enterprise=e, code="E01", name="=HYPERLINK(\"http://evil\")")
    return e


def _book(ent, year=2025):
    return load_workbook(io.BytesIO(workbook.build(ent, year)))


def _bytes(wb) -> bytes:
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _upload(world, ent, data, name="data.xlsx", year=2025):
    return importer.upload(actor=world.users["data_clerk"], enterprise=ent, year=year, file=SimpleUploadedFile(name, data))


def test_workbook_has_chinese_headers_dropdowns_units_instructions_and_version(ent):
    wb = _book(ent)
    assert wb.sheetnames == ["填写说明", "活动数据", "排放源清单", "产量", "经济数据", "_meta"]  # output sheets: issue 10
    ws = wb["活动数据"]
    assert [c.value for c in ws[1]] == workbook.HEADERS
    assert ws.max_row == 1 + 24
    assert ws["A2"].value == "B01" and ws["D2"].value == 1 and ws["F2"].value == "t"
    assert {str(dv.sqref)[0] for dv in ws.data_validations.dataValidation} == {"A", "D", "E", "F"}
    assert wb["_meta"]["B1"].value == workbook.TEMPLATE_VERSION and wb["_meta"].sheet_state == "hidden"
    assert "模板版本" in wb["填写说明"]["A1"].value


def test_formula_injection_is_escaped_on_export(ent):
    wb = _book(ent)
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                assert c.data_type != "f", (ws.title, c.coordinate, c.value)
    assert wb["活动数据"]["B14"].value == "'=HYPERLINK(\"http://evil\")"


def test_dry_run_reports_every_error_then_fixed_file_commits(world, ent):
    wb = _book(ent)
    ws = wb["活动数据"]
    ws["E2"] = 10.5            # B01 Jan ok
    ws["E3"] = "十二"           # text in a number cell
    ws["E4"], ws["F4"] = 3, "MWh"  # wrong unit
    ws["E14"] = 500            # E01 Jan ok
    ws["A40"], ws["D40"], ws["E40"] = "B01", 1, 7  # duplicate of row 2
    ws["A41"], ws["D41"], ws["E41"] = "B01", 13, 1  # month outside
    other = SourceFactory(enterprise=world.e2.enterprise, code="OTHER1")
    ws["A42"], ws["D42"], ws["E42"] = other.code, 1, 1  # another enterprise's source
    imp, report = _upload(world, ent, _bytes(wb))
    assert imp.status == DataImport.Status.REFUSED and not ActivityRecord.objects.exists()
    errors = {(e["row"], e["column"][0]): e["message"] for e in report.errors}
    assert errors == {
        (3, "E"): "“十二” is text, not a number.",
        (4, "F"): "Wrong unit “MWh”: source B01 is measured in t.",
        (40, "A"): "Duplicate row: B01 month 1 is already on row 2.",
        (41, "D"): "The month must be a whole number from 1 to 12.",
        (42, "A"): "Source OTHER1 belongs to another enterprise.",
    }
    assert all(e["sheet"] == "活动数据" for e in report.errors)
    assert len(imp.sha256) == 64  # kept with its hash
    assert imp.uploaded_by == world.users["data_clerk"] and imp.file.name
    # fix the file
    ws["E3"], ws["F4"] = 12, "t"
    for cell in ("A40", "D40", "E40", "A41", "D41", "E41", "A42", "D42", "E42"):
        ws[cell] = None
    data = _bytes(wb)
    imp, report = _upload(world, ent, data)
    assert report.ok and imp.status == DataImport.Status.VALIDATED and imp.n_rows == 4
    assert not ActivityRecord.objects.exists()  # a dry run saves no data
    assert imp.sha256 == hashlib.sha256(data).hexdigest()
    n = importer.commit(actor=world.users["data_clerk"], data_import=imp)
    assert n == 4 and ActivityRecord.objects.filter(origin="import", data_import=imp).count() == 4
    assert DataEvent.objects.filter(kind="import_committed").exists()
    imp.refresh_from_db()
    assert imp.status == DataImport.Status.COMMITTED


def test_commit_is_all_or_nothing(world, ent, monkeypatch):
    wb = _book(ent)
    wb["活动数据"]["E2"], wb["活动数据"]["E3"] = 1, 2
    imp, report = _upload(world, ent, _bytes(wb))
    real = services.activity.import_prepare  # the per-row check of the bulk save
    calls = []

    def failing(**kw):
        calls.append(1)
        if len(calls) == 2:
            raise ValidationError("boom")
        return real(**kw)

    monkeypatch.setattr(services.activity, "import_prepare", failing)
    with pytest.raises(ValidationError):
        importer.commit(actor=world.users["data_clerk"], data_import=imp)
    assert not ActivityRecord.objects.exists()


def test_workbook_of_another_template_version_or_enterprise(world, ent):
    wb = _book(ent)
    wb["_meta"]["B1"] = "CarbonMS-AD-0"
    _imp, report = _upload(world, ent, _bytes(wb))
    assert report.errors[0]["message"].startswith("The workbook is from template version “CarbonMS-AD-0”")
    _imp, report = importer.upload(actor=world.users["park_carbon_officer"], enterprise=world.e2.enterprise, year=2025,
                                   file=SimpleUploadedFile("x.xlsx", _bytes(_book(ent))))
    assert report.errors[0]["message"] == "This workbook was generated for another enterprise."
    plain = Workbook()
    _imp, report = _upload(world, ent, _bytes(plain))
    assert "not generated by the platform" in report.errors[0]["message"]


def test_broken_zip_and_other_file_types(world, ent):
    for data in (b"not a zip at all", _bytes(_book(ent))[:500], b"PK\x03\x04garbage"):
        imp, report = _upload(world, ent, data)
        assert report.errors[0]["message"] == "This is not an Excel workbook (.xlsx): the file is damaged or of another type."
        assert imp.status == DataImport.Status.REFUSED


def test_formulas_in_cells_are_refused(world, ent):
    wb = _book(ent)
    wb["活动数据"]["E2"] = "=1+1"
    wb["活动数据"]["K3"] = "=cmd|' /C calc'!A0"
    _imp, report = _upload(world, ent, _bytes(wb))
    rows = {(e["row"], e["column"][0]) for e in report.errors}
    assert rows == {(2, "E"), (3, "K")}
    assert report.errors[0]["message"] == "Formulas are not accepted: enter the value itself."


def test_huge_sheet_is_refused(world, ent, monkeypatch):
    monkeypatch.setattr(importer, "MAX_ROWS", 50)
    wb = _book(ent)
    ws = wb["活动数据"]
    for r in range(30, 80):
        ws.cell(row=r, column=1, value="B01")
    _imp, report = _upload(world, ent, _bytes(wb))
    assert report.errors[0]["message"].startswith("The sheet has 79 rows; at most 50 are accepted.")


def test_zip_bomb_is_refused(world, ent):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("xl/worksheets/sheet1.xml", b"0" * (importer.MAX_UNZIPPED_BYTES + 10))
    _imp, report = _upload(world, ent, buf.getvalue())
    assert report.errors[0]["message"] == "The workbook expands to more than 60 MB; it is refused."


def test_locked_period_and_approved_values_in_the_workbook(world, ent):
    clerk, reviewer = world.users["data_clerk"], world.users["reviewer"]
    src = ent.sources.get(code="B01")
    rec = services.activity_save(actor=clerk, source=src, year=2025, month=1, amount="5")
    services.activity_submit(actor=clerk, records=[rec])
    services.activity_approve(actor=reviewer, records=[rec])
    services.period_lock(actor=reviewer, enterprise=ent, year=2025, month=1)
    wb = _book(ent)
    assert wb["活动数据"]["E2"].value == 5  # the current value is pre-filled
    _imp, report = _upload(world, ent, _bytes(wb))
    assert report.ok and report.rows == []  # unchanged values are skipped
    wb["活动数据"]["E2"] = 6
    _imp, report = _upload(world, ent, _bytes(wb))
    assert report.errors[0]["message"] == "2025-01 is locked: changes need a correction with a reason."


def test_errors_are_in_the_users_language(world, ent):
    wb = _book(ent)
    wb["活动数据"]["E2"] = "十二"
    wb["活动数据"]["E3"] = "=1+1"
    _imp, report = _upload(world, ent, _bytes(wb))
    assert [e["message"] for e in report.errors] == ["“十二”是文字，不是数字。", "不接受公式：请直接填写数值。"]
    assert report.errors[0]["column"] == "E（活动数据）"
