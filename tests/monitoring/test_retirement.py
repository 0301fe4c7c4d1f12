"""Deletes never orphan monitoring data (issue 9): a meter with readings or a gateway with meters is retired,
not deleted; the delete answers 400 with the reason and removes nothing. Bad query parameters are 4xx, and
a repeated rollup POST adds no evidence."""
from __future__ import annotations

import datetime as dt

import pytest
from django.db import models
from django.db.models import ProtectedError
from django.test import Client
from django.urls import reverse

from carbonms.carbondata.models import Evidence
from carbonms.monitoring import rollups, storage
from carbonms.monitoring.ingestion import ingest
from carbonms.monitoring.models import Anomaly, Gateway, Meter, MeterDay, MeterFeed, RejectedMessage
from tests.carbondata.factories import ElectricitySourceFactory

from .factories import JAN1, MeterFactory, MeterFeedFactory, day_of_readings, gateway_with_token


@pytest.fixture
def metered(world):
    gw, _token = gateway_with_token(world.e1.enterprise)
    m = MeterFactory(enterprise=world.e1.enterprise, gateway=gw)
    src = ElectricitySourceFactory(enterprise=world.e1.enterprise)
    MeterFeedFactory(meter=m, source=src)
    ingest(gateway=gw, items=day_of_readings(m.code, JAN1, n=60), channel="http")
    rollups.refresh_dirty()
    return gw, m, src


def api(world, role="enterprise_admin"):
    c = Client()
    c.force_login(world.users[role])
    return c


def test_delete_of_a_meter_with_readings_is_a_400_and_removes_nothing(world, metered):
    _gw, m, _src = metered
    before = (storage.count([m.pk]), MeterDay.objects.filter(meter=m).count(), MeterFeed.objects.filter(meter=m).count(),
              Anomaly.objects.filter(meter=m).count())
    assert before[0] == 60 and before[1] == 1 and before[3] > 0
    r = api(world).delete(f"/api/v1/monitoring/meters/{m.pk}/")
    assert r.status_code == 400, r.content
    assert "retire" in str(r.json()).lower() or "停用" in str(r.json())
    assert Meter.objects.filter(pk=m.pk).exists()
    assert (storage.count([m.pk]), MeterDay.objects.filter(meter=m).count(), MeterFeed.objects.filter(meter=m).count(),
            Anomaly.objects.filter(meter=m).count()) == before


def test_a_meter_that_never_held_data_can_be_deleted(world):
    m = MeterFactory(enterprise=world.e1.enterprise)
    assert api(world).delete(f"/api/v1/monitoring/meters/{m.pk}/").status_code == 204
    assert not Meter.objects.filter(pk=m.pk).exists()


def test_no_data_is_cascade_deleted_with_a_meter(metered):
    """The database itself refuses: rollups, feeds, conflicts and anomalies protect their meter."""
    _gw, m, _src = metered
    with pytest.raises(ProtectedError):
        m.delete()
    for model in (MeterDay, MeterFeed, Anomaly):
        assert model._meta.get_field("meter").remote_field.on_delete is not models.CASCADE


def test_retire_keeps_the_data_and_bounds_the_service_life(world, metered):
    gw, m, _src = metered
    c = api(world)
    # not before its last reading
    r = c.post(f"/api/v1/monitoring/meters/{m.pk}/retire/", {"removed_at": "2026-01-01T05:00:00+08:00"},
               content_type="application/json")
    assert r.status_code == 400 and "removed_at" in r.json()
    r = c.post(f"/api/v1/monitoring/meters/{m.pk}/retire/", {"removed_at": "2026-01-02T00:00:00+08:00"},
               content_type="application/json")
    assert r.status_code == 200 and r.json()["status"] == "retired"
    m.refresh_from_db()
    assert m.status == Meter.Status.RETIRED and m.removed_at == dt.datetime(2026, 1, 1, 16, tzinfo=dt.UTC)
    assert storage.count([m.pk]) == 60
    late = ingest(gateway=gw, channel="http", items=day_of_readings(m.code, JAN1)[60:62]
                  + [{"meter": m.code, "ts": "2026-01-02T00:15:00+08:00", "value": 1}])
    assert late.accepted == 2 and late.errors[0]["code"] == "after_removal"


def test_retire_needs_the_right_to_change(world, metered):
    _gw, m, _src = metered
    assert api(world, "viewer").post(f"/api/v1/monitoring/meters/{m.pk}/retire/", {}, content_type="application/json").status_code == 403
    other = MeterFactory(enterprise=world.e2.enterprise)
    assert api(world).post(f"/api/v1/monitoring/meters/{other.pk}/retire/", {}, content_type="application/json").status_code == 404
    assert Meter.objects.get(pk=other.pk).status == Meter.Status.ACTIVE


def test_retire_page(world, metered):
    _gw, m, _src = metered
    c = api(world, "data_clerk")
    assert reverse("monitoring:meter_retire", args=[m.pk]) in c.get(reverse("monitoring:meter", args=[m.pk])).content.decode()
    r = c.post(reverse("monitoring:meter_retire", args=[m.pk]), {"removed_at": ""})
    assert r.status_code == 302
    assert Meter.objects.get(pk=m.pk).status == Meter.Status.RETIRED
    # a viewer is not offered the action
    assert "/retire/" not in api(world, "viewer").get(reverse("monitoring:meter", args=[m.pk])).content.decode()


def test_gateway_with_meters_is_not_deleted_but_can_be_retired(world, metered):
    gw, _m, _src = metered
    c = api(world)
    r = c.delete(f"/api/v1/monitoring/gateways/{gw.pk}/")
    assert r.status_code == 400 and Gateway.objects.filter(pk=gw.pk).exists()
    r = c.post(f"/api/v1/monitoring/gateways/{gw.pk}/retire/", {}, content_type="application/json")
    assert r.status_code == 200 and r.json()["is_active"] is False
    empty, _t = gateway_with_token(world.e1.enterprise)
    assert c.delete(f"/api/v1/monitoring/gateways/{empty.pk}/").status_code == 204
    foreign, _t = gateway_with_token(world.e2.enterprise)
    assert c.delete(f"/api/v1/monitoring/gateways/{foreign.pk}/").status_code == 404
    assert Gateway.objects.filter(pk=foreign.pk).exists()


# --- Query parameters ----------------------------------------------------------------------------


@pytest.mark.parametrize("query", ["year=99999&month=1", "year=2026&month=13", "year=abc&month=1", "year=2026&month=0",
                                   "year=2026", "year=-5&month=1", "year=9223372036854775808&month=1"])
def test_rollup_bad_period_is_a_400(world, metered, query):
    c = api(world)
    url = f"/api/v1/monitoring/enterprises/{world.e1.enterprise.pk}/rollup/?{query}"
    assert c.get(url).status_code == 400
    assert c.post(url, {}, content_type="application/json").status_code == 400


@pytest.mark.parametrize("query", ["start=0001-01-01", "end=0001-01-01", "start=9999-12-31", "start=2026-02-01&end=2026-01-01",
                                   "start=2000-01-01&end=2100-12-31", "resolution=hour&start=2025-01-01&end=2026-01-01",
                                   "resolution=minute", "start=abc", "end=2026-13-01"])
def test_series_bad_range_is_a_400(world, metered, query):
    _gw, m, _src = metered
    assert api(world).get(f"/api/v1/monitoring/meters/{m.pk}/series/?{query}").status_code == 400


def test_series_good_ranges(world, metered):
    _gw, m, _src = metered
    c = api(world)
    r = c.get(f"/api/v1/monitoring/meters/{m.pk}/series/?start=2026-01-01&end=2026-01-02")
    assert r.status_code == 200 and r.json()["data"][0]["readings"] == 60
    assert c.get(f"/api/v1/monitoring/meters/{m.pk}/series/?resolution=month&end=2026-01-31").status_code == 200


@pytest.mark.parametrize("query", ["start=0001-01-01", "end=0001-01-01", "start=2026-02-01&end=2026-01-01", "start=x"])
def test_completeness_bad_range_is_a_400(world, query):
    assert api(world).get(f"/api/v1/monitoring/completeness/?{query}").status_code == 400


@pytest.mark.parametrize("query", ["start=0001-01-01", "end=0001-01-01", "end=0001-01-05", "start=9999-12-31&end=9999-12-31"])
def test_pages_with_absurd_dates_answer(world, metered, query):
    _gw, m, _src = metered
    c = api(world)
    assert c.get(reverse("monitoring:meter", args=[m.pk]) + "?" + query).status_code == 200
    assert c.get(reverse("monitoring:completeness") + "?" + query).status_code == 200


def test_rollup_post_is_idempotent(world, metered):
    _gw, m, src = metered
    c = api(world, "data_clerk")
    url = f"/api/v1/monitoring/enterprises/{world.e1.enterprise.pk}/rollup/?year=2026&month=1"
    first = c.post(url, {}, content_type="application/json")
    assert first.status_code == 200 and first.json()["rows"][0]["outcome"] == "created"
    n = Evidence.objects.filter(activity__source=src).count()
    assert n == 1
    again = c.post(url, {}, content_type="application/json")
    assert again.json()["rows"][0]["outcome"] == "unchanged"
    assert Evidence.objects.filter(activity__source=src).count() == n
    # new readings change the rollup: a new evidence file, the old one marked superseded
    ingest(gateway=m.gateway, items=day_of_readings(m.code, JAN1)[60:], channel="http")
    assert c.post(url, {}, content_type="application/json").json()["rows"][0]["outcome"] == "updated"
    assert Evidence.objects.filter(activity__source=src).count() == n + 1
    assert float(c.get(url).json()["rows"][0]["meter_amount"]) == pytest.approx(0.096)  # 96 kWh in MWh


def test_rejected_messages_are_seen_through_the_tenancy(world):
    from django.utils import timezone

    gw1, _t = gateway_with_token(world.e1.enterprise)
    gw2, _t = gateway_with_token(world.e2.enterprise)
    mine = RejectedMessage.objects.create(gateway=gw1, topic="t", reasons=[{"index": 0, "code": "future"}], received_at=timezone.now())
    theirs = RejectedMessage.objects.create(gateway=gw2, topic="t", reasons=[], received_at=timezone.now())
    ids = {r["id"] for r in api(world, "data_clerk").get("/api/v1/monitoring/rejected-messages/").json()["results"]}
    assert ids == {mine.pk}
    staff_ids = {r["id"] for r in api(world, "park_admin").get("/api/v1/monitoring/rejected-messages/").json()["results"]}
    assert {mine.pk, theirs.pk} <= staff_ids
    # acknowledging another enterprise's message: 404, nothing changed
    r = api(world, "data_clerk").post(f"/api/v1/monitoring/rejected-messages/{theirs.pk}/acknowledge/", {"note": "x"},
                                      content_type="application/json")
    assert r.status_code == 404 and RejectedMessage.objects.get(pk=theirs.pk).status == "open"
    assert api(world, "viewer").post(f"/api/v1/monitoring/rejected-messages/{mine.pk}/acknowledge/", {"note": "x"},
                                     content_type="application/json").status_code == 403
    r = api(world, "data_clerk").post(f"/api/v1/monitoring/rejected-messages/{mine.pk}/acknowledge/", {"note": "clock fixed"},
                                      content_type="application/json")
    assert r.status_code == 200 and r.json()["status"] == "acknowledged"
    page = api(world, "park_admin").get(reverse("monitoring:conflicts")).content.decode()
    assert 'data-testid="open-rejected"' in page


def test_a_meter_retired_through_the_edit_gets_its_removal_time(world, metered):
    from carbonms.monitoring import services

    gw, m, _src = metered
    services.meter_save(actor=world.users["data_clerk"], meter=m, data={"status": Meter.Status.RETIRED})
    m.refresh_from_db()
    assert m.removed_at is not None
    Meter.objects.filter(pk=m.pk).update(removed_at=None)  # a record retired before removal times existed
    r = ingest(gateway=gw, channel="http", items=day_of_readings(m.code, JAN1)[60:61])
    assert r.errors[0]["code"] == "after_removal" and storage.count([m.pk]) == 60


def test_gateway_retire_page(world, metered):
    gw, _m, _src = metered
    url = reverse("monitoring:gateway_retire", args=[gw.pk])
    assert url not in api(world, "viewer").get(reverse("monitoring:gateways")).content.decode()
    c = api(world, "data_clerk")
    assert url in c.get(reverse("monitoring:gateways")).content.decode()
    assert c.post(url, {}).status_code == 302
    gw.refresh_from_db()
    assert gw.is_active is False and gw.meters.count() == 1
    foreign, _t = gateway_with_token(world.e2.enterprise)
    assert c.post(reverse("monitoring:gateway_retire", args=[foreign.pk]), {}).status_code == 404
    assert Gateway.objects.get(pk=foreign.pk).is_active
