"""The demo's carbon data, and the pages working on it end to end (Django test client)."""
from __future__ import annotations

import hashlib
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from carbonms.accounts.models import User
from carbonms.carbondata.models import ActivityRecord, DataEvent, Evidence, MonitoringPlan, Source
from carbonms.demo.generator import build
from carbonms.inventory.models import CalculationRun, RunResult


@pytest.fixture
def demo(db):
    return build(enterprises=4, seed=7, extensions=("evidence",))


def _client(username):
    c = Client()
    c.force_login(User.objects.get(username=username))
    return c


def test_demo_has_register_plan_and_a_year_of_approved_data(demo):
    park = demo.park
    ents = park.enterprises.all()
    assert all(Source.objects.filter(enterprise=e).exists() for e in ents)
    assert all(MonitoringPlan.objects.filter(enterprise=e, status="approved").exists() for e in ents)
    year = CalculationRun.objects.filter(park=park, enterprise=None).order_by("-year").first().year
    per_source = ActivityRecord.objects.filter(enterprise__park=park, year=year, status__in=("approved", "locked")).count()
    assert per_source == 12 * Source.objects.filter(enterprise__park=park).count()  # the year is closed: locked
    assert Source.objects.filter(enterprise__park=park, supplier__isnull=False).exists()  # heat from the park's heating station
    invoices = Evidence.objects.filter(kind="invoice")  # real PDFs for a sample of records (issue 15 item 4)
    assert invoices.count() >= 1 and all(e.activity.year == year for e in invoices)
    assert DataEvent.objects.filter(kind="demo_data_seeded").exists()
    run = CalculationRun.objects.filter(park=park, enterprise=None).order_by("-year", "-created_at", "-id").first()
    assert run.totals["gross"] > 0 and run.totals["excluded_double_counting"] > 0


def test_pages_render_and_drill_down_to_the_invoice(demo):
    park, officer = demo.park, _client("park_officer")
    run = CalculationRun.objects.filter(park=park, enterprise=None).order_by("-year", "-created_at", "-id").first()
    year = run.year
    page = officer.get(reverse("inventory:park", args=[park.pk]), {"year": year})
    assert page.status_code == 200 and b"chart-category" in page.content and b"tce" in page.content
    inv = Evidence.objects.filter(kind="invoice").order_by("pk").first()
    result = RunResult.objects.get(run=run, activity=inv.activity)
    drill = officer.get(reverse("inventory:drill", args=[run.pk]), {"category": result.category})
    assert drill.status_code == 200 and result.source.code.encode() in drill.content
    prov = officer.get(reverse("inventory:result", args=[result.pk]))
    assert prov.status_code == 200 and inv.original_name.encode() in prov.content
    from carbonms.inventory.factor_card import factor_card

    card = factor_card(result.factor, result.gas, result.gwp)  # the factor is shown as a card (name, source, version)
    assert card["name"] and card["name"].encode() in prov.content and card["version"].encode() in prov.content
    f = officer.get(reverse("carbondata:evidence", args=[inv.pk]))
    body = b"".join(f.streaming_content)
    assert f.status_code == 200 and body.startswith(b"%PDF") and hashlib.sha256(body).hexdigest() == inv.sha256
    export = officer.get(reverse("inventory:export", args=[run.pk]), {"category": result.category})
    wb = load_workbook(io.BytesIO(export.content))
    assert wb["明细"].max_row == 1 + RunResult.objects.filter(run=run, category=result.category).count()
    for name in ("carbondata:park_register",):
        assert officer.get(reverse(name, args=[park.pk])).status_code == 200


def test_clerk_grid_reviewer_queue_and_park_run_from_the_pages(demo):
    clerk, reviewer, officer = _client("clerk"), _client("reviewer"), _client("park_officer")
    ent = User.objects.get(username="clerk").role_assignments.first().enterprise
    src = Source.objects.filter(enterprise=ent).order_by("code").first()
    url = reverse("carbondata:grid", args=[ent.pk])
    bad = clerk.post(url, {"year": 2030, f"v_{src.pk}_1": "abc", "action": "save"})
    assert bad.status_code == 200 and "“abc”不是数字。" in bad.content.decode()
    assert not ActivityRecord.objects.filter(year=2030).exists()
    clerk.post(url, {"year": 2030, f"v_{src.pk}_1": "12.5", "action": "submit"})
    rec = ActivityRecord.objects.get(source=src, year=2030, month=1)
    assert rec.status == "submitted"
    own = reverse("carbondata:review")
    assert src.code.encode() in reviewer.get(own).content
    reviewer.post(own, {"record": [rec.pk], "action": "approve"})
    rec.refresh_from_db()
    assert rec.status == "approved"
    resp = officer.post(reverse("inventory:park", args=[ent.park_id]), {"year": 2030, "gwp_set": "AR5"})
    run = CalculationRun.objects.get(year=2030)
    assert resp.status_code == 302 and resp["Location"] == run.get_absolute_url() and run.gwp_set == "AR5"
    assert officer.get(run.get_absolute_url()).status_code == 200


def test_import_pages_dry_run_then_commit(demo):
    clerk = _client("clerk")
    ent = User.objects.get(username="clerk").role_assignments.first().enterprise
    wb_resp = clerk.get(reverse("carbondata:workbook", args=[ent.pk]), {"year": 2030})
    wb = load_workbook(io.BytesIO(wb_resp.content))
    wb["活动数据"]["E2"] = "很多"
    buf = io.BytesIO()
    wb.save(buf)
    up = reverse("carbondata:import_upload", args=[ent.pk])
    resp = clerk.post(up, {"year": 2030, "file": SimpleUploadedFile("a.xlsx", buf.getvalue())})
    report = clerk.get(resp["Location"]).content.decode()
    assert "“很多”是文字，不是数字。" in report and "活动数据" in report
    wb["活动数据"]["E2"] = 3
    buf = io.BytesIO()
    wb.save(buf)
    resp = clerk.post(up, {"year": 2030, "file": SimpleUploadedFile("b.xlsx", buf.getvalue())})
    detail = resp["Location"]
    assert b"commit-import" in clerk.get(detail).content
    clerk.post(detail)
    assert ActivityRecord.objects.filter(year=2030, origin="import", status="draft").count() == 1


def test_every_total_drills_down(demo):
    officer = _client("park_officer")
    run = CalculationRun.objects.filter(park=demo.park, enterprise=None).order_by("-year", "-created_at", "-id").first()
    page = officer.get(run.get_absolute_url()).content.decode()
    for q in ("?month=3", "?gas=CO2", "?category=stationary_combustion", f"?enterprise={demo.park.enterprises.first().pk}"):
        assert f"/inventory/runs/{run.pk}/results/{q}" in page, q
    drill = officer.get(f"/inventory/runs/{run.pk}/results/", {"month": 3})
    n = RunResult.objects.filter(run=run, month=3).count()
    assert f">{n} 结果".encode() in drill.content.replace(b"<div class=\"sub\">", b">")
    heat = officer.get(f"/inventory/runs/{run.pk}/results/", {"category": "purchased_heat"}).content.decode()
    assert "已在供应方计入" in heat  # heat bought from the park's heating station is counted at the supplier


def test_drill_total_equals_the_total_it_came_from(demo):
    import pytest as _pytest

    officer = _client("park_officer")
    run = CalculationRun.objects.filter(park=demo.park, enterprise=None).order_by("-year", "-created_at", "-id").first()
    for cat, value in run.totals["by_category"].items():
        resp = officer.get(f"/inventory/runs/{run.pk}/results/", {"category": cat})
        assert resp.context["total"] == _pytest.approx(value), cat
    resp = officer.get(f"/inventory/runs/{run.pk}/results/")
    assert resp.context["total"] == _pytest.approx(run.totals["gross"])
    assert resp.context["tce"] == _pytest.approx(run.totals["energy_tce"])
