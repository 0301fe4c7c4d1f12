"""Provenance is never rewritten (issue 11, item 3): the grid posts back every cell it shows; saving or
submitting changes only the values the user changed (compared as numbers) and imported and meter-derived
values keep their origin, their file and their detail.

The grid is exercised as a browser would: the page is fetched, every input is posted back as rendered."""
from __future__ import annotations

import html
import io
import re
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from carbonms.carbondata import importer, services, workbook
from carbonms.carbondata.models import ActivityRecord
from tests.carbondata.factories import ElectricitySourceFactory

INPUT = re.compile(r'<input name="(v_\d+_\d+)"[^>]*?value="([^"]*)"')
# 12 monthly values as a ledger gives them: integers, one decimal, many decimals
LEDGER = ["1600", "1555.5", "1640.25", "330.5", "1200", "1234.567891", "980.1", "1000", "12.3", "0.5", "5073", "77.000001"]


@pytest.fixture
def ent(world):
    return world.e1.enterprise


def _client(user):
    c = Client()
    c.force_login(user)
    return c


def _post_grid_back(client, ent, year, action, change=None):
    """GET the grid, post every rendered input back (changing the ones in ``change``)."""
    url = reverse("carbondata:grid", args=[ent.pk]) + f"?year={year}"
    page = client.get(url).content.decode()
    data = {name: html.unescape(value) for name, value in INPUT.findall(page)}
    assert data, "the grid shows no editable cell"
    data.update(change or {})
    data.update(year=str(year), action=action)
    return client.post(url, data), data


def _import(world, ent, source, year=2025):
    wb = load_workbook(io.BytesIO(workbook.build(ent, year)))
    ws = wb["活动数据"]
    for row in ws.iter_rows(min_row=2):
        if row[0].value == source.code:
            row[4].value = float(LEDGER[row[3].value - 1]) if "." in LEDGER[row[3].value - 1] else int(LEDGER[row[3].value - 1])
    out = io.BytesIO()
    wb.save(out)
    imp, report = importer.upload(actor=world.users["data_clerk"], enterprise=ent, year=year,
                                  file=SimpleUploadedFile("ledger.xlsx", out.getvalue()))
    assert report.ok, report.errors
    assert importer.commit(actor=world.users["data_clerk"], data_import=imp) == 12
    return imp


def test_pages_import_then_grid_submit_keeps_origin_and_file(world, ent):
    src = ElectricitySourceFactory(enterprise=ent, code="E01")
    imp = _import(world, ent, src)
    clerk = _client(world.users["data_clerk"])
    response, posted = _post_grid_back(clerk, ent, 2025, "submit")
    assert response.status_code in (200, 302)
    records = list(ActivityRecord.objects.filter(source=src, year=2025, is_current=True).order_by("month"))
    assert len(records) == 12
    assert [r.status for r in records] == ["submitted"] * 12
    assert [r.origin for r in records] == ["import"] * 12, "submitting the grid rewrote imported values as manual"
    assert all(r.data_import_id == imp.pk for r in records)
    assert [r.amount for r in records] == [Decimal(v) for v in LEDGER]
    assert all(r.version == 1 for r in records)


def test_pages_grid_save_changes_only_the_changed_value(world, ent):
    src = ElectricitySourceFactory(enterprise=ent, code="E01")
    imp = _import(world, ent, src)
    clerk = _client(world.users["data_clerk"])
    name = f"v_{src.pk}_4"
    response, _ = _post_grid_back(clerk, ent, 2025, "save", change={name: "331"})
    assert response.status_code == 302
    by_month = {r.month: r for r in ActivityRecord.objects.filter(source=src, year=2025, is_current=True)}
    assert by_month[4].amount == Decimal("331") and by_month[4].origin == "manual"
    others = [r for m, r in by_month.items() if m != 4]
    assert {r.origin for r in others} == {"import"} and {r.data_import_id for r in others} == {imp.pk}
    # the same number written differently is no change
    response, _ = _post_grid_back(clerk, ent, 2025, "save", change={f"v_{src.pk}_1": "1600.000", f"v_{src.pk}_2": "1.5555e3"})
    assert ActivityRecord.objects.get(source=src, year=2025, month=1, is_current=True).origin == "import"
    assert ActivityRecord.objects.get(source=src, year=2025, month=2, is_current=True).origin == "import"


def test_pages_meter_draft_then_grid_submit_keeps_meter_origin_and_detail(world, ent):
    src = ElectricitySourceFactory(enterprise=ent, code="E02")
    detail = {"meters": [{"meter": "M-01", "unit": "kWh", "share": "1", "completeness": 0.97}], "completeness": 0.97}
    services.activity_from_meter(actor=world.users["data_clerk"], source=src, year=2025, month=3, amount="330.5",
                                 unit="MWh", detail=detail)
    services.activity_from_meter(actor=world.users["data_clerk"], source=src, year=2025, month=4, amount="1200",
                                 unit="MWh", detail=detail)
    clerk = _client(world.users["data_clerk"])
    response, posted = _post_grid_back(clerk, ent, 2025, "submit")
    assert posted[f"v_{src.pk}_3"] in ("330.5", "330.500000")  # as the page renders it
    for month in (3, 4):
        rec = ActivityRecord.objects.get(source=src, year=2025, month=month, is_current=True)
        assert rec.status == "submitted"
        assert rec.origin == "meter", "submitting the grid rewrote a meter value as manual"
        assert rec.meter_detail["completeness"] == 0.97 and rec.meter_detail["meters"][0]["meter"] == "M-01"
