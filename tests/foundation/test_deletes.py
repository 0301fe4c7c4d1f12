"""Deletes never orphan data (issue 9, item 5).

Every foreign key of the project into data is PROTECT: deleting a record that other records depend on
is refused (400 with the reason on the API, a message on the page) and nothing is written; records
with a natural end are retired instead. The few CASCADEs left are listed below, each with its reason;
a new CASCADE fails ``test_every_cascade_is_on_the_allow_list`` until it is justified here (and in
docs/developing.md).
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.apps import apps
from django.db import models
from rest_framework.test import APIClient

from tests.carbondata.factories import ActivityRecordFactory, SourceFactory

# "app_label.Model.field": why deleting the parent may take these rows with it.
CASCADE_ALLOWED = {
    "inventory.RecalcPart.job": "A part of a park recalculation job is bookkeeping of that job only (its enterprises "
                                "and state); the run it produces is a separate record.",
    "accounts.RoleAssignment.user": "A role grant means nothing without its user. Users are deactivated, never "
                                    "deleted, by the application; the change history keeps every grant.",
    "conformity.Task.user": "A user's own reminder; the reminder job derives it again from the records it points to.",
    "conformity.ReminderSubscription.user": "A user's reminder preferences; nothing else refers to them.",
    "monitoring.DirtyDay.meter": "A work-queue entry (a day to roll up again), not data.",
}


def _cascades() -> set[str]:
    found = set()
    for model in apps.get_models():
        if not model.__module__.startswith("carbonms.") or model._meta.auto_created:
            continue
        for f in model._meta.get_fields():
            if isinstance(f, models.ForeignKey) and f.concrete and f.remote_field.on_delete is models.CASCADE:
                found.add(f"{model._meta.app_label}.{model.__name__}.{f.name}")
    return found


def test_every_cascade_is_on_the_allow_list():
    unjustified = _cascades() - set(CASCADE_ALLOWED)
    assert not unjustified, (
        f"on_delete=CASCADE without a reason: {sorted(unjustified)}. Use PROTECT (the delete is refused and the "
        "record retired), or add the field to CASCADE_ALLOWED with the reason the rows may go with their parent.")


def test_the_allow_list_names_only_real_cascades():
    assert set(CASCADE_ALLOWED) <= _cascades(), "remove the entries that are no longer CASCADE from CASCADE_ALLOWED"


def test_the_former_cascades_into_data_are_protect():
    from carbonms.audits.models import ChecklistItem
    from carbonms.carbondata.models import Calibration, PlanItem
    from carbonms.inventory.models import RunResult

    for model, name in [(Calibration, "instrument"), (PlanItem, "plan"), (ChecklistItem, "audit"), (RunResult, "run")]:
        assert model._meta.get_field(name).remote_field.on_delete is models.PROTECT, (model, name)


# --- The API refuses deletes that would take data with them, and changes nothing ----------------------

def _rows() -> dict[str, int]:
    """Row counts of every model of the project (the change history included)."""
    return {m._meta.label: m._base_manager.count() for m in apps.get_models()
            if m.__module__.startswith("carbonms.") and not m._meta.auto_created and m._meta.managed
            and not m._meta.proxy and m._meta.db_table != "monitoring_reading"}


def _with_site(w):
    return "enterprises", w.e1.enterprise  # sites, units, equipment, boundaries


def _with_units(w):
    return "sites", w.e1.site


def _with_equipment(w):
    return "units", w.e1.unit


def _equipment_with_source(w):
    SourceFactory(enterprise=w.e1.enterprise, code="B01", unit=w.e1.unit, equipment=w.e1.equipment)
    return "equipment", w.e1.equipment


def _source_with_activity(w):
    src = SourceFactory(enterprise=w.e1.enterprise, code="B01")
    ActivityRecordFactory(source=src, year=2025, month=1, amount=Decimal("10"))
    return "sources", src


def _source_served_by_an_instrument(w):
    from carbonms.carbondata.models import MeasuringInstrument

    src = SourceFactory(enterprise=w.e1.enterprise, code="B01")
    inst = MeasuringInstrument.objects.create(enterprise=w.e1.enterprise, code="M1", name="电表", instrument_type="electricity",
                                              location="配电室")
    inst.sources.add(src)
    return "sources", src


def _site_in_a_boundary(w):
    from carbonms.organizations.models import Site

    site = Site.objects.create(enterprise=w.e1.enterprise, code="S-2", name="东区")
    w.e1.boundary.sites.add(site)
    return "sites", site


def _document_with_a_version(w):
    from django.core.files.base import ContentFile

    from carbonms.management import services

    e = w.e1.enterprise
    admin = w.users["enterprise_admin"]
    doc = services.document_save(actor=admin, park=e.park, enterprise=e,
                                 data={"identifier": "QM-01", "title": "碳中和管理手册", "kind": "manual"})
    services.version_add(actor=admin, document=doc, version="A/0", file=ContentFile(b"%PDF-1.4 manual", name="m.pdf"))
    return "ms/documents", doc


def _obligation_with_an_evaluation(w):
    from carbonms.management import services
    from tests.management.helpers import days, obligation

    ob = obligation(w)
    services.evaluation_record(actor=w.users["enterprise_admin"], obligation=ob,
                               data={"evaluated_on": days(0), "result": "compliant"})
    return "ms/obligations", ob


@pytest.mark.parametrize("make", [
    _with_site, _with_units, _with_equipment, _equipment_with_source, _source_with_activity,
    _source_served_by_an_instrument, _site_in_a_boundary, _document_with_a_version, _obligation_with_an_evaluation,
], ids=lambda f: f.__name__.strip("_"))
def test_deleting_a_record_with_data_answers_400_and_changes_no_row(world, make):
    endpoint, obj = make(world)
    api = APIClient()
    api.force_authenticate(world.users["park_admin"] if endpoint == "enterprises" else world.users["enterprise_admin"])
    before = _rows()
    resp = api.delete(f"/api/v1/{endpoint}/{obj.pk}/", HTTP_ACCEPT_LANGUAGE="en")
    assert resp.status_code == 400, resp.content
    reason = resp.json()["non_field_errors"][0]
    assert "cannot be deleted" in reason or "retire it instead" in reason
    assert _rows() == before
    assert type(obj)._base_manager.filter(pk=obj.pk).exists()


def test_a_record_without_dependants_is_still_deleted(world):
    src = SourceFactory(enterprise=world.e1.enterprise, code="TYPO")
    api = APIClient()
    api.force_authenticate(world.users["enterprise_admin"])
    assert api.delete(f"/api/v1/sources/{src.pk}/").status_code == 204
    assert not type(src).objects.filter(pk=src.pk).exists()


def test_a_source_with_data_is_retired_through_the_api_instead(world):
    src = SourceFactory(enterprise=world.e1.enterprise, code="B01", effective_from=dt.date(2020, 1, 1))
    ActivityRecordFactory(source=src, year=2025, month=1, amount=Decimal("10"))
    api = APIClient()
    api.force_authenticate(world.users["data_clerk"])
    assert api.delete(f"/api/v1/sources/{src.pk}/").status_code in (400, 403)
    resp = api.post(f"/api/v1/sources/{src.pk}/retire/", {"on": "2025-06-30", "reason": ""}, format="json",
                    HTTP_ACCEPT_LANGUAGE="en")
    assert resp.status_code == 400 and "reason" in resp.json()
    resp = api.post(f"/api/v1/sources/{src.pk}/retire/", {"on": "2025-06-30", "reason": "锅炉拆除"}, format="json")
    assert resp.status_code == 200, resp.content
    assert resp.json()["status"] == "retired" and resp.json()["effective_to"] == "2025-06-30"
    other = SourceFactory(enterprise=world.e3.enterprise, code="X1")
    assert api.post(f"/api/v1/sources/{other.pk}/retire/", {"on": "2025-06-30", "reason": "x"},
                    format="json").status_code == 404


def test_the_register_page_explains_a_refused_delete(world):
    from django.test import Client

    from carbonms.management.models import ComplianceObligation

    _, ob = _obligation_with_an_evaluation(world)
    c = Client()
    c.force_login(world.users["enterprise_admin"])
    before = _rows()
    resp = c.post(f"/ms/delete/obligations/{ob.pk}/")
    assert resp.status_code == 200 and "无法删除" in resp.content.decode()
    assert _rows() == before and ComplianceObligation.objects.filter(pk=ob.pk).exists()
