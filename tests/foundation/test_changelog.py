"""Change history: every create/update/delete, with who, what (before/after) and from where."""
from __future__ import annotations

import json

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


# --- secrets never reach the history; pages show labels and names ------------------------------------------

def _gateway(world):
    from carbonms.monitoring import services as monitoring_services

    gw, token = monitoring_services.gateway_save(actor=world.users["enterprise_admin"], enterprise=world.e1.enterprise,
                                                 data={"code": "gw-history", "name": "历史终端"})
    return gw, token


def test_gateway_token_hash_is_never_stored_in_the_history(world):
    from carbonms.changelog.tracking import REDACTED
    from carbonms.monitoring import services as monitoring_services

    gw, _token = _gateway(world)
    first_hash = gw.token_hash
    monitoring_services.gateway_rotate_token(actor=world.users["enterprise_admin"], gateway=gw)
    gw.refresh_from_db()
    created, rotated = history(gw)
    stored = json.dumps([created.changes, rotated.changes])
    assert first_hash not in stored and gw.token_hash not in stored
    assert created.changes["token_hash"] == [None, REDACTED]
    assert rotated.changes["token_hash"] == [REDACTED, REDACTED]  # the rotation itself stays visible
    assert rotated.changes["token_prefix"][1] == gw.token_prefix  # the prefix is no secret


def test_every_secret_looking_field_of_a_logged_model_is_redacted():
    """A new model with a password, secret, token or hash field is redacted without anyone remembering to."""
    from django.apps import apps

    from carbonms.changelog.tracking import ChangeLoggedMixin, redacted_fields

    secretish = {(m._meta.label, f.name) for m in apps.get_models() if issubclass(m, ChangeLoggedMixin)
                 for f in m._meta.concrete_fields
                 if any(w in f.name for w in ("password", "secret", "token", "hash")) and f.name != "token_prefix"}
    assert ("monitoring.Gateway", "token_hash") in secretish
    for label, name in secretish:
        assert name in redacted_fields(apps.get_model(label)), (label, name)


def test_secrets_of_old_records_are_hidden_on_pages_and_in_the_api(world):
    gw, _token = _gateway(world)
    secret = "5ec12e7" * 9
    ChangeRecord.objects.create(
        source_kind="system", content_type=ContentType.objects.get_for_model(gw), object_id=str(gw.pk),
        object_repr=str(gw), action="update", changes={"token_hash": ["0ld" + secret, secret], "name": ["旧名", "历史终端"]},
        park_id=world.park_a.pk, enterprise_id=world.e1.enterprise.pk,
    )
    c = Client()
    c.force_login(world.users["enterprise_admin"])
    for url in (f"/changes/monitoring/gateway/{gw.pk}/", "/changes/", "/api/v1/changes/"):
        resp = c.get(url)
        assert resp.status_code == 200, url
        assert secret not in resp.content.decode(), url
    assert "旧名" in c.get(f"/changes/monitoring/gateway/{gw.pk}/").content.decode()


def test_history_pages_show_field_labels_choice_labels_and_related_names(world):
    unit = world.e1.unit
    old_site, new_site = unit.site, SiteFactory(enterprise=world.e1.enterprise, name="二号厂区")
    unit.site, unit.unit_type, unit.is_active = new_site, "kiln", False
    unit.save()
    c = Client()
    c.force_login(world.users["enterprise_admin"])
    page = c.get(f"/changes/organizations/emissionunit/{unit.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    diff = page[page.index('<ul class="diff">'):]
    assert "Site" in diff and old_site.name in diff and new_site.name in diff
    assert "Kiln / furnace" in diff and "In use" in diff and "No" in diff
    assert "site_id" not in diff and "unit_type" not in diff and "is_active" not in diff
    assert f">{new_site.pk}<" not in diff


def test_history_shows_many_to_many_names_and_structured_values_readably(world):
    b = world.e1.boundary
    extra = SiteFactory(enterprise=world.e1.enterprise, name="附属厂区")
    b.sites.add(extra)
    site = world.e1.site
    ChangeRecord.objects.create(
        source_kind="system", content_type=ContentType.objects.get_for_model(site), object_id=str(site.pk),
        object_repr=str(site), action="update", changes={"address": [None, {"city": "南通", "lines": ["一号路", "8号"]}]},
        park_id=world.park_a.pk, enterprise_id=world.e1.enterprise.pk,
    )
    c = Client()
    c.force_login(world.users["enterprise_admin"])
    page = c.get(f"/changes/organizations/boundary/{b.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "附属厂区" in page and "[" + str(extra.pk) not in page and "added" in page
    page = c.get(f"/changes/organizations/site/{site.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "city: 南通" in page and "一号路, 8号" in page
    assert "{&#x27;" not in page and "{'" not in page


def test_related_names_outside_the_viewers_scope_are_not_revealed(world):
    """A record pointing at another tenant's record shows only its number, never its name."""
    site = world.e1.site
    foreign = world.e3.site  # park B
    ChangeRecord.objects.create(
        source_kind="system", content_type=ContentType.objects.get_for_model(site), object_id=str(site.pk),
        object_repr=str(site), action="update", changes={"enterprise_id": [world.e3.enterprise.pk, site.enterprise_id]},
        park_id=world.park_a.pk, enterprise_id=world.e1.enterprise.pk,
    )
    c = Client()
    c.force_login(world.users["enterprise_admin"])
    page = c.get(f"/changes/organizations/site/{site.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert world.e3.enterprise.name not in page and f"#{world.e3.enterprise.pk}" in page
    assert world.e1.enterprise.name in page
    assert foreign.name not in page


def test_migration_removes_secrets_already_stored(world):
    import importlib

    from django.apps import apps

    gw, _token = _gateway(world)
    secret = "0ldh45h" * 9
    rec = ChangeRecord.objects.create(
        source_kind="system", content_type=ContentType.objects.get_for_model(gw), object_id=str(gw.pk),
        object_repr=str(gw), action="update", changes={"token_hash": [secret, secret + "x"], "name": ["a", "b"]},
    )
    migration = importlib.import_module("carbonms.changelog.migrations.0002_redact_secrets_in_history")
    migration.redact_stored_secrets(apps, None)
    rec.refresh_from_db()
    assert rec.changes == {"token_hash": ["[redacted]", "[redacted]"], "name": ["a", "b"]}


def test_history_page_queries_do_not_grow_with_the_rows(world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    unit = world.e1.unit
    sites = [SiteFactory(enterprise=world.e1.enterprise) for _ in range(3)]
    c = Client()
    c.force_login(world.users["enterprise_admin"])

    def queries():
        with CaptureQueriesContext(connection) as ctx:
            assert c.get(f"/changes/organizations/emissionunit/{unit.pk}/").status_code == 200
        return len(ctx.captured_queries)

    unit.site = sites[0]
    unit.save()
    few = queries()
    for i in range(30):
        unit.site = sites[i % 3]
        unit.save()
    assert queries() == few


def test_read_only_requests_take_no_snapshot_and_a_save_there_still_diffs_against_the_stored_row(world):
    """GET pages load records without a snapshot (issue 16: a page of thousands of rows paid one per row);
    a record saved on such a path anyway is compared with its row as stored just before the save."""
    from carbonms.organizations.models import Enterprise as E

    e = world.e1.enterprise
    with change_source("request", "get-1", read_only=True):
        loaded = E.objects.get(pk=e.pk)
        assert not hasattr(loaded, "_changelog_loaded")
        E.objects.filter(pk=e.pk).update(contact_name="别处改过")  # changed behind the instance's back
        loaded.employees = 77
        loaded.save()
    rec = history(e).last()
    assert rec.action == "update" and rec.source_id == "get-1"
    assert rec.changes["employees"] == [None, 77]
    # the stored row (with the other change) is the "before": the instance's stale contact_name is a change back
    assert rec.changes["contact_name"] == ["别处改过", e.contact_name]
    with change_source("request", "post-1"):
        assert hasattr(E.objects.get(pk=e.pk), "_changelog_loaded")  # write paths snapshot when loading


def test_a_record_loaded_with_deferred_fields_on_a_write_path_is_diffed_against_the_stored_row(world):
    """A snapshot taken when loading would read every deferred field, and each read would load and snapshot
    again (it recursed until Python gave up); such a record is snapshotted from its stored row if saved."""
    from carbonms.organizations.models import Enterprise as E

    e = world.e1.enterprise
    with change_source("command", "deferred-1"):
        loaded = E.objects.defer("contact_name", "industry_name").get(pk=e.pk)
        assert not hasattr(loaded, "_changelog_loaded")
        loaded.employees = 55
        loaded.save()
    rec = history(e).last()
    assert rec.action == "update" and rec.source_id == "deferred-1"
    assert rec.changes == {"employees": [None, 55]}


def test_the_middleware_marks_get_requests_read_only(world):
    from carbonms.changelog import context

    seen = {}

    def view(request):
        seen[request.method] = context.is_read_only()
        from django.http import HttpResponse

        return HttpResponse("")

    from django.test import RequestFactory

    from carbonms.changelog.middleware import ChangeContextMiddleware

    mw = ChangeContextMiddleware(view)
    rf = RequestFactory()
    mw(rf.get("/"))
    mw(rf.post("/"))
    assert seen == {"GET": True, "POST": False}
