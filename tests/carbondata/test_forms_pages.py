"""Form pages of the register and the monitoring plan, posted through the Django test client (pages tests
run in the default language, Chinese)."""
from __future__ import annotations

import datetime as dt

from django.test import Client
from django.urls import reverse

from carbonms.carbondata.models import Calibration, LabAnalysis, MonitoringPlan, Source
from tests.carbondata.factories import InstrumentFactory


def _client(user):
    c = Client()
    c.force_login(user)
    return c


def test_source_pages_create_edit_retire_and_lab(world):
    e1 = world.e1.enterprise
    clerk = _client(world.users["data_clerk"])
    url = reverse("carbondata:source_create", args=[e1.pk])
    data = {"code": "NG-01", "name": "锅炉天然气", "unit": world.e1.unit.pk, "category": "stationary_combustion",
            "gases": "CO2", "method": "fuel_combustion", "material": "天然气", "activity_unit": "10^4Nm3",
            "data_source": "meter", "effective_from": "2024-01-01", "method_reason": "计量表连续计量"}
    bad = clerk.post(url, {**data, "category": "purchased_electricity"})
    assert bad.status_code == 200 and "该核算方法不适用于类别“外购电力”。" in bad.content.decode()
    resp = clerk.post(url, data)
    src = Source.objects.get(code="NG-01")
    assert resp.status_code == 302 and resp["Location"] == src.get_absolute_url()
    assert clerk.post(reverse("carbondata:source_edit", args=[src.pk]), {**data, "name": "1#锅炉天然气"}).status_code == 302
    lab = clerk.post(reverse("carbondata:lab_create", args=[src.pk]), {"year": 2025, "month": 1, "batch": "A", "parameter": "ncv",
                                                                      "value": "389.31", "unit": "GJ/10^4Nm3", "weight": "12"})
    assert lab.status_code == 302 and LabAnalysis.objects.filter(source=src).count() == 1
    assert "389.31" in clerk.get(src.get_absolute_url()).content.decode()
    resp = clerk.post(reverse("carbondata:source_retire", args=[src.pk]), {"on": "2025-12-31", "reason": "改用电锅炉"})
    src.refresh_from_db()
    assert resp.status_code == 302 and src.status == "retired"
    assert _client(world.users["reviewer"]).post(url, data).status_code == 403


def test_monitoring_plan_and_equipment_pages(world):
    e1 = world.e1.enterprise
    clerk, reviewer = _client(world.users["data_clerk"]), _client(world.users["reviewer"])
    src = Source.objects.create(enterprise=e1, code="E01", name="外购电力", category="purchased_electricity",
                                method="emission_factor", material="电力", activity_unit="MWh", data_source="meter",
                                effective_from=dt.date(2020, 1, 1))
    resp = clerk.post(reverse("carbondata:instrument_create", args=[e1.pk]), {
        "code": "M-01", "name": "关口电能表", "instrument_type": "electricity", "model_number": "DTZY1296",
        "accuracy_class": "0.2S", "location": "110kV 变电站", "sources": [src.pk], "in_service": "on"})
    assert resp.status_code == 302
    meter = e1.instruments.get(code="M-01")
    assert list(meter.sources.all()) == [src]
    resp = clerk.post(reverse("carbondata:calibration_create", args=[meter.pk]), {
        "kind": "verification", "performed_on": "2025-01-10", "due_on": "2026-01-09", "certificate_no": "JD2025-001",
        "body": "南通市计量检定测试所", "passed": "on"})
    assert resp.status_code == 302 and Calibration.objects.filter(instrument=meter).count() == 1
    resp = clerk.post(reverse("carbondata:plan_create", args=[e1.pk]), {
        "basic_information": "江海特钢", "boundary_description": "运营控制权法", "effective_from": "2025-01-01"})
    plan = MonitoringPlan.objects.get(enterprise=e1)
    assert resp.status_code == 302 and plan.prepared_by == world.users["data_clerk"]
    resp = clerk.post(reverse("carbondata:plan_item_create", args=[plan.pk]), {
        "source": src.pk, "data_item": "activity", "data_source": "meter", "min_frequency": "monthly",
        "requirements": "按月抄表", "evidence_kept": "电费发票、抄表记录", "instrument": meter.pk})
    assert resp.status_code == 302 and plan.items.count() == 1
    assert clerk.post(reverse("carbondata:plan_approve", args=[plan.pk])).status_code == 403  # a clerk cannot approve
    resp = reviewer.post(reverse("carbondata:plan_approve", args=[plan.pk]), follow=True)
    plan.refresh_from_db()
    assert plan.status == "approved" and "监测计划已批准。" in resp.content.decode()
    page = clerk.get(plan.get_absolute_url()).content.decode()
    assert "关口电能表" in page and "110kV 变电站" in page and "电费发票、抄表记录" in page
    other = InstrumentFactory(enterprise=world.e2.enterprise)
    assert clerk.get(other.get_absolute_url()).status_code == 404


def test_user_factor_pages(world):
    from carbonms.carbondata.models import UserFactor

    e1, park = world.e1.enterprise, world.park_a
    clerk = _client(world.users["data_clerk"])
    url = reverse("carbondata:factor_create", args=[e1.pk])
    data = {"key": "实测烟煤", "kind": "fuel", "material": "烟煤", "ncv": "21.2", "ncv_unit": "GJ/t", "carbon_content": "0.0265",
            "oxidation_rate": "1.5", "source_document": "2025年煤质化验汇总", "status": "unverified"}
    bad = clerk.post(url, data)
    assert bad.status_code == 200 and "氧化率是 0 到 1 之间的分数。" in bad.content.decode()
    assert clerk.post(url, {**data, "oxidation_rate": "0.95"}).status_code == 302
    f = UserFactor.objects.get(key="实测烟煤")
    assert (f.enterprise, f.version, f.created_by) == (e1, 1, world.users["data_clerk"])
    form = clerk.get(url, {"key": "实测烟煤"}).content.decode()
    assert 'value="21.2"' in form  # a new version starts from the latest
    assert clerk.post(url, {**data, "oxidation_rate": "0.96", "note": "第二季度化验"}).status_code == 302
    page = clerk.get(reverse("carbondata:factors", args=[park.pk])).content.decode()
    assert "实测烟煤" in page and "v2" in page and "第二季度化验" in page
    assert clerk.get(reverse("carbondata:park_factor_create", args=[park.pk])).status_code == 403
    officer = _client(world.users["park_carbon_officer"])
    resp = officer.post(reverse("carbondata:park_factor_create", args=[park.pk]), {
        "key": "园区供热", "kind": "ef", "material": "热力", "ef": "0.095", "ef_unit": "tCO2/GJ", "source_document": "供热站核算报告",
        "status": "verified"})
    assert resp.status_code == 302 and UserFactor.objects.get(key="园区供热").enterprise is None
    # The park's own factor is listed for the enterprise's clerk too (read only).
    assert "园区供热" in clerk.get(reverse("carbondata:factors", args=[park.pk])).content.decode()
