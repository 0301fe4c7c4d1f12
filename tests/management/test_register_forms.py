"""Every register can be filled in through its page: create, read, edit, with errors shown on the form."""
from __future__ import annotations

import pytest
from django.test import Client

from carbonms.management.registers import REGISTERS

from .helpers import obligation

pytestmark = pytest.mark.django_db

FORM_DATA = {
    "context": {"title": "区域电网排放因子下降", "kind": "external", "category": "economic"},
    "parties": {"name": "南通市发改委", "kind": "government", "needs": "完成能耗双控目标"},
    "obligations": {"title": "江苏省碳达峰实施方案", "kind": "policy", "evaluation_months": "12"},
    "evaluations": {"obligation": "OBLIGATION", "evaluated_on": "2026-10-01", "result": "compliant"},
    "risks": {"title": "数据造假处罚", "category": "data_integrity", "likelihood": "2", "consequence": "5", "response": "avoid"},
    "organisation": {"name": "设备能源部", "kind": "department", "duties": "设备计量管理", "members": ["ADMIN"]},
    "appointments": {"role": "officer", "person": "ADMIN"},
    "resources": {"title": "在线监测系统", "kind": "technical", "adequate": "on"},
    "competence": {"role_title": "统计员", "requirement": "熟悉能源统计"},
    "training": {"title": "核算培训", "kind": "training", "planned_on": "2026-12-01"},
    "communications": {"subject": "配额核定通知", "direction": "inbound", "party": "生态环境厅", "occurred_on": "2026-09-01"},
    "changes": {"title": "新增光伏电站", "purpose": "降低外购电"},
}


@pytest.mark.parametrize("key", sorted(REGISTERS))
def test_register_create_read_edit_through_the_pages(world, key):
    admin = world.users["enterprise_admin"]
    e = world.e1.enterprise
    ob = obligation(world)
    data = {k: ([str(admin.pk)] if v == ["ADMIN"] else str(admin.pk) if v == "ADMIN" else str(ob.pk) if v == "OBLIGATION" else v)
            for k, v in FORM_DATA[key].items()}
    data.setdefault("status", "active")
    c = Client()
    c.force_login(admin)
    resp = c.post(f"/ms/ent-{e.pk}/r/{key}/new/", data)
    assert resp.status_code == 302, resp.context["form"].errors if resp.context else resp
    model = REGISTERS[key].model
    obj = model.objects.filter(enterprise=e).order_by("-pk").first()
    assert resp["Location"] == obj.get_absolute_url()
    assert c.get(obj.get_absolute_url()).status_code == 200
    resp = c.post(f"/ms/r/{key}/{obj.pk}/edit/", {**data, "next_review_on": "2020-01-01"})
    assert resp.status_code == 302
    obj.refresh_from_db()
    assert str(obj.next_review_on) == "2020-01-01" if hasattr(obj, "next_review_on") else True


def test_a_refused_entry_comes_back_with_the_reason_on_its_field(world):
    e = world.e1.enterprise
    c = Client()
    c.force_login(world.users["enterprise_admin"])
    resp = c.post(f"/ms/ent-{e.pk}/r/risks/new/", {"title": "x", "category": "opportunity", "likelihood": "3",
                                                   "consequence": "3", "response": "transfer", "status": "active"})
    assert resp.status_code == 200
    assert "机遇应把握或接受" in " ".join(resp.context["form"].errors["response"])
