"""When rollups run (issue 16): after an ingestion request in the background, as a Celery task, on the beat
schedule, or synchronously; and anomalies written by the set-based refresh keep their change records."""
from __future__ import annotations

import datetime as dt
import json

import pytest
from django.conf import settings
from django.test import Client

from carbonms.changelog.models import ChangeRecord
from carbonms.config.celery import app
from carbonms.monitoring import background, rollups, tasks
from carbonms.monitoring.models import Anomaly, DirtyDay, MeterDay
from tests.factories import EnterpriseFactory

from .factories import JAN1, MeterFactory, day_of_readings, gateway_with_token

URL = "/api/v1/monitoring/readings/"
DAY = dt.date(2026, 1, 1)


def _post(token, items):
    return Client().post(URL, data=json.dumps({"readings": items}), content_type="application/json",
                         HTTP_AUTHORIZATION=f"Gateway {token}")


def _setup():
    ent = EnterpriseFactory()
    _gw, token = gateway_with_token(ent)
    return token, MeterFactory(enterprise=ent)


def test_background_mode_answers_and_a_thread_rolls_up(transactional_db, settings):
    """Without a broker (the embedded default, Celery eager) the rollup runs in a thread of the process."""
    settings.MONITORING = {**settings.MONITORING, "ROLLUP": "background"}
    token, meter = _setup()
    r = _post(token, day_of_readings(meter.code, JAN1, value=lambda i: 2.0)[:90])
    assert r.status_code == 200 and r.json()["accepted"] == 90
    assert background.wait_idle(60)
    day = MeterDay.objects.get(meter=meter, day=DAY)
    assert (day.n_readings, day.measured) == (90, 180.0)
    assert not DirtyDay.objects.exists()
    assert Anomaly.objects.filter(meter=meter, day=DAY, kind="gap").exists()


def test_off_mode_only_marks_the_dirty_set_and_the_task_consumes_it(db, settings):
    settings.MONITORING = {**settings.MONITORING, "ROLLUP": "off"}
    token, meter = _setup()
    assert _post(token, day_of_readings(meter.code, JAN1)).status_code == 200
    assert list(DirtyDay.objects.values_list("meter_id", "day")) == [(meter.pk, DAY)]
    assert not MeterDay.objects.exists()
    tasks.refresh_rollups.delay()  # eager in the test settings: runs here
    assert MeterDay.objects.get(meter=meter, day=DAY).measured == 96.0
    assert not DirtyDay.objects.exists()


def test_sync_mode_rolls_up_inside_the_request(db, settings):
    settings.MONITORING = {**settings.MONITORING, "ROLLUP": "sync"}
    token, meter = _setup()
    assert _post(token, day_of_readings(meter.code, JAN1)).status_code == 200
    assert MeterDay.objects.get(meter=meter, day=DAY).n_readings == 96


def test_beat_schedule_names_the_registered_rollup_task():
    entry = settings.CELERY_BEAT_SCHEDULE["monitoring-rollups"]
    assert entry["task"] == tasks.refresh_rollups.name
    assert entry["task"] in app.tasks


def test_anomalies_of_the_set_based_refresh_are_change_logged(db):
    from carbonms.monitoring.ingestion import ingest

    _token, meter = _setup()
    items = day_of_readings(meter.code, JAN1, value=lambda i: 1 + i % 3)
    ingest(gateway=meter.enterprise.gateways.get(), items=items[:40], channel="other")
    tasks.refresh_rollups.delay()
    a = Anomaly.objects.get(meter=meter, day=DAY, kind="low_completeness")
    rec = ChangeRecord.objects.get(object_id=str(a.pk), content_type__model="anomaly")
    assert rec.action == "create" and rec.source_kind == "job" and rec.source_id == "refresh_rollups"
    assert rec.changes["kind"] == [None, "low_completeness"] and rec.enterprise_id == meter.enterprise_id
    # Recomputed with the rest of the day: the open anomalies no longer found are removed (and logged).
    ingest(gateway=meter.enterprise.gateways.get(), items=items[40:], channel="other")
    rollups.refresh_dirty()
    assert not Anomaly.objects.filter(meter=meter, day=DAY).exists()
    assert ChangeRecord.objects.filter(object_id=str(a.pk), content_type__model="anomaly", action="delete").exists()


def test_mode_setting_is_checked(monkeypatch):
    import importlib

    from django.core.exceptions import ImproperlyConfigured

    import carbonms.config.settings as s

    monkeypatch.setenv("MONITORING_ROLLUP", "later")
    with pytest.raises(ImproperlyConfigured):
        importlib.reload(s)
    monkeypatch.delenv("MONITORING_ROLLUP")
    importlib.reload(s)
