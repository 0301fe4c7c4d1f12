"""Change history: every create/update/delete, with who, what (before/after) and from where."""
from __future__ import annotations

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.test import Client

from carbonms.changelog.context import change_source
from carbonms.changelog.models import ChangeRecord
from carbonms.organizations import services
from carbonms.organizations.models import Enterprise, Site
from tests.factories import SiteFactory

pytestmark = pytest.mark.django_db


def history(obj):
    return ChangeRecord.objects.filter(content_type=ContentType.objects.get_for_model(obj), object_id=str(obj.pk)).order_by("id")


def test_update_through_a_request_records_user_diff_and_request_id(world):
    client = Client()
    admin = world.users["enterprise_admin"]
    client.force_login(admin)
    e = world.e1.enterprise
    data = {"name": e.name, "credit_code": e.credit_code, "industry_code": e.industry_code, "industry_name": e.industry_name,
            "contact_name": "新联系人", "status": "active", "employees": 321}
    resp = client.post(f"/enterprises/{e.pk}/edit/", data, HTTP_X_REQUEST_ID="req-abc-123")
    assert resp.status_code == 302, resp.content[:500]
    rec = history(e).last()
    assert rec.action == "update"
    assert rec.user == admin and rec.user_name == admin.username
    assert rec.source_kind == "request" and rec.source_id == "req-abc-123"
    assert rec.changes["contact_name"] == ["", "新联系人"]
    assert rec.changes["employees"] == [None, 321]
    assert "name" not in rec.changes  # unchanged fields are not listed
    assert (rec.park_id, rec.enterprise_id) == (world.park_a.pk, e.pk)
    assert resp["X-Request-ID"] == "req-abc-123"


def test_changes_outside_a_request_are_recorded_with_their_source(world):
    with change_source("command", "import-enterprises"):
        site = SiteFactory(enterprise=world.e1.enterprise, name="命令创建")
    rec = history(site).get()
    assert (rec.action, rec.source_kind, rec.source_id, rec.user) == ("create", "command", "import-enterprises", None)
    site.name = "无来源修改"
    site.save()
    rec = history(site).last()
    assert rec.source_kind == "system" and rec.changes == {"name": ["命令创建", "无来源修改"]}


def test_job_source_and_delete_keep_scope(world):
    site = SiteFactory(enterprise=world.e1.enterprise)
    pk = site.pk
    with change_source("job", "celery-task-42"):
        site.delete()
    rec = ChangeRecord.objects.filter(object_id=str(pk), content_type=ContentType.objects.get_for_model(Site)).order_by("id").last()
    assert rec.action == "delete" and rec.source_kind == "job" and rec.source_id == "celery-task-42"
    assert rec.enterprise_id == world.e1.enterprise.pk and rec.park_id == world.park_a.pk
    assert rec.changes["name"][1] is None


def test_many_to_many_changes_are_recorded(world):
    b = world.e1.boundary
    extra = SiteFactory(enterprise=world.e1.enterprise)
    b.sites.add(extra)
    rec = history(b).last()
    assert rec.changes == {"sites": {"added": [extra.pk]}}


def test_history_cannot_be_edited_or_deleted(world):
    rec = history(world.e1.enterprise).first()
    rec.object_repr = "tampered"
    with pytest.raises(PermissionDenied):
        rec.save()
    with pytest.raises(PermissionDenied):
        rec.delete()
    with pytest.raises(PermissionDenied):
        ChangeRecord.objects.filter(pk=rec.pk).update(object_repr="x")
    with pytest.raises(PermissionDenied):
        ChangeRecord.objects.filter(pk=rec.pk).delete()
    assert ChangeRecord.objects.get(pk=rec.pk).object_repr != "tampered"


def test_global_log_is_filtered_by_scope(world):
    services.site_save(actor=world.users["park_admin"], enterprise=world.e2.enterprise, data={"code": "Z1", "name": "E2新厂区"})
    clerk = Client()
    clerk.force_login(world.users["data_clerk"])
    page = clerk.get("/changes/").content.decode()
    assert "E2新厂区" not in page and world.e1.enterprise.name in page
    officer = Client()
    officer.force_login(world.users["park_carbon_officer"])
    page = officer.get("/changes/", {"model": "organizations.site"}).content.decode()
    assert "E2新厂区" in page
    assert world.e3.site.name not in page  # park B


def test_record_history_page_and_404_outside(world):
    c = Client()
    c.force_login(world.users["viewer"])
    e1, e2 = world.e1.enterprise, world.e2.enterprise
    assert c.get(f"/changes/organizations/enterprise/{e1.pk}/").status_code == 200
    assert c.get(f"/changes/organizations/enterprise/{e2.pk}/").status_code == 404
    assert c.get("/changes/organizations/nosuchmodel/1/").status_code == 404
    assert Enterprise.objects.filter(pk=e2.pk).exists()


def test_changes_made_by_a_background_job_name_the_job(world):
    from celery import shared_task

    @shared_task(name="tests.touch_enterprise_contact")
    def touch_enterprise_contact(enterprise_id: int, contact_name: str) -> None:
        e = Enterprise.objects.get(pk=enterprise_id)
        e.contact_name = contact_name
        e.save()

    result = touch_enterprise_contact.delay(world.e1.enterprise.pk, "任务联系人")
    rec = history(world.e1.enterprise).order_by("id").last()
    assert rec.source_kind == "job"
    assert rec.source_id == f"tests.touch_enterprise_contact:{result.id}"
    assert rec.changes["contact_name"][1] == "任务联系人"
