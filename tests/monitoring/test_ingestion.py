"""The ingestion service: idempotency, conflicts, per-reading errors, late data and rollups."""
from __future__ import annotations

import datetime as dt

import pytest

from carbonms.monitoring import rollups, storage
from carbonms.monitoring.ingestion import RequestError, ingest
from carbonms.monitoring.models import Anomaly, IngestBatch, Meter, MeterDay, ReadingConflict

from .factories import JAN1, MeterFactory, day_of_readings, gateway_with_token


@pytest.fixture
def gw(world):
    gateway, _token = gateway_with_token(world.e1.enterprise)
    return gateway


def test_batch_is_stored_once_and_resend_is_a_duplicate(gw):
    m = MeterFactory(enterprise=gw.enterprise)
    items = day_of_readings(m.code, JAN1, value=lambda i: 2.5)
    r1 = ingest(gateway=gw, items=items, channel="http")
    assert (r1.accepted, r1.duplicates, r1.conflicts, r1.rejected) == (96, 0, 0, 0)
    r2 = ingest(gateway=gw, items=items, channel="mqtt")
    assert (r2.accepted, r2.duplicates, r2.conflicts) == (0, 96, 0)
    assert storage.count([m.pk]) == 96
    rollups.refresh_dirty()
    day = MeterDay.objects.get(meter=m, day=dt.date(2026, 1, 1))
    assert day.measured == pytest.approx(240.0) and day.completeness == 1.0 and day.substituted == 0
    assert IngestBatch.objects.count() == 2


def test_resent_with_other_value_is_a_conflict_not_an_overwrite(gw):
    m = MeterFactory(enterprise=gw.enterprise)
    items = day_of_readings(m.code, JAN1)
    ingest(gateway=gw, items=items, channel="http")
    changed = [dict(items[0], value=9.0)] + items[1:3]
    r = ingest(gateway=gw, items=changed, channel="http")
    assert (r.accepted, r.duplicates, r.conflicts) == (0, 2, 1)
    c = ReadingConflict.objects.get()
    assert (c.stored_value, c.new_value, c.status) == (1.0, 9.0, "open")
    again = ingest(gateway=gw, items=changed[:1], channel="http")
    assert again.conflicts == 1 and ReadingConflict.objects.count() == 1  # the same conflict is kept once
    rollups.refresh_dirty()
    assert MeterDay.objects.get(meter=m).measured == pytest.approx(96.0)


def test_in_batch_repeats(gw):
    m = MeterFactory(enterprise=gw.enterprise)
    one = {"meter": m.code, "ts": "2026-01-01T00:15:00+08:00", "value": 1}
    r = ingest(gateway=gw, items=[one, one, dict(one, value=2)], channel="http")
    assert (r.accepted, r.duplicates, r.conflicts) == (1, 1, 1)


@pytest.mark.parametrize("item, code", [
    ({"meter": "NOPE", "ts": "2026-01-01T00:15:00+08:00", "value": 1}, "unknown_meter"),
    ({"meter": "{m}", "ts": "2026-01-01T00:15:00+08:00", "value": 1, "unit": "MWh"}, "wrong_unit"),
    ({"meter": "{m}", "ts": "2026-01-01T00:15:00+08:00", "value": "abc"}, "not_a_number"),
    ({"meter": "{m}", "ts": "2026-01-01T00:15:00+08:00", "value": None}, "not_a_number"),
    ({"meter": "{m}", "ts": "2026-01-01T00:15:00+08:00", "value": True}, "not_a_number"),
    ({"meter": "{m}", "ts": "2026-01-01T00:15:00+08:00", "value": "NaN"}, "not_a_number"),
    ({"meter": "{m}", "ts": "2026-01-01T00:15:00+08:00", "value": -3}, "negative"),
    ({"meter": "{m}", "ts": "2026-01-01T00:15:00", "value": 1}, "bad_timestamp"),
    ({"meter": "{m}", "ts": "yesterday", "value": 1}, "bad_timestamp"),
    ({"meter": "{m}", "ts": "2126-01-01T00:15:00+08:00", "value": 1}, "future"),
    ({"meter": "{m}", "ts": "2024-06-01T00:15:00+08:00", "value": 1}, "before_installation"),
    ({"meter": "{m}", "ts": 0, "value": 1}, "before_installation"),
    ("not an object", "malformed"),
])
def test_per_reading_errors(gw, item, code):
    m = MeterFactory(enterprise=gw.enterprise)
    if isinstance(item, dict) and item["meter"] == "{m}":
        item = dict(item, meter=m.code)
    good = {"meter": m.code, "ts": "2026-01-01T00:30:00+08:00", "value": 1}
    r = ingest(gateway=gw, items=[good, item], channel="http")
    assert r.accepted == 1 and r.rejected == 1
    assert r.errors[0]["index"] == 1 and r.errors[0]["code"] == code and r.errors[0]["message"]


def test_meter_of_another_enterprise_is_unknown(world, gw):
    other = MeterFactory(enterprise=world.e2.enterprise)
    r = ingest(gateway=gw, items=[{"meter": other.code, "ts": "2026-01-01T00:15:00+08:00", "value": 1}], channel="http")
    assert r.errors[0]["code"] == "unknown_meter" and storage.count() == 0


def test_wrong_park_and_oversize_refuse_the_request(world, gw):
    with pytest.raises(RequestError) as e:
        ingest(gateway=gw, items=[], channel="http", park_id=world.park_b.pk)
    assert e.value.status == 403
    with pytest.raises(RequestError) as e:
        ingest(gateway=gw, items=[{}] * 100_001, channel="http")
    assert e.value.status == 413


def test_late_and_out_of_order_readings_recompute_the_day(gw):
    m = MeterFactory(enterprise=gw.enterprise)
    items = day_of_readings(m.code, JAN1, value=lambda i: 1.0 + (i % 2))
    ingest(gateway=gw, items=items[50:], channel="http")
    rollups.refresh_dirty()
    d = MeterDay.objects.get(meter=m)
    assert d.measured == pytest.approx(69.0) and d.completeness < 0.9
    assert {a.kind for a in Anomaly.objects.filter(meter=m)} == {"gap", "low_completeness"}
    ingest(gateway=gw, items=list(reversed(items[:50])), channel="http")
    rollups.refresh_dirty()
    d.refresh_from_db()
    assert d.measured == pytest.approx(144.0) and d.completeness == 1.0
    assert not Anomaly.objects.filter(meter=m).exists()


def test_day_is_cut_at_midnight_shanghai(gw):
    m = MeterFactory(enterprise=gw.enterprise)
    # 00:00 local belongs to the day before (end of its last interval); 00:15 to the new day
    items = [{"meter": m.code, "ts": "2025-12-31T16:00:00Z", "value": 5}, {"meter": m.code, "ts": "2025-12-31T16:15:00Z", "value": 7}]
    ingest(gateway=gw, items=items, channel="http")
    rollups.refresh_dirty()
    days = dict(MeterDay.objects.filter(meter=m).values_list("day", "measured"))
    assert days == {dt.date(2025, 12, 31): 5.0, dt.date(2026, 1, 1): 7.0}


def test_cumulative_register_rollover_and_reset_never_negative(gw):
    m = MeterFactory(enterprise=gw.enterprise, reading_kind=Meter.ReadingKind.CUMULATIVE, rollover_at=10000)
    regs = [9990, 9995, 5, 15, 20, 3, 8]  # rollover after 9995 (+10), then a reset to ~0 after 20 (+3)
    items = [{"meter": m.code, "ts": (JAN1 + dt.timedelta(minutes=15 * i)).isoformat(), "value": v} for i, v in enumerate(regs)]
    ingest(gateway=gw, items=items, channel="http")
    rollups.refresh_dirty()
    d = MeterDay.objects.get(meter=m, day=dt.date(2026, 1, 1))
    assert d.measured == pytest.approx(5 + 10 + 10 + 5 + 3 + 5)
    kinds = {f["kind"] for f in d.flags}
    assert {"rollover", "negative_delta"} <= kinds


def test_cumulative_day_uses_the_reading_before_midnight(gw):
    m = MeterFactory(enterprise=gw.enterprise, reading_kind=Meter.ReadingKind.CUMULATIVE)
    items = day_of_readings(m.code, JAN1 - dt.timedelta(days=1), value=lambda i: 2.0, cumulative_from=1000)
    items += day_of_readings(m.code, JAN1, value=lambda i: 3.0, cumulative_from=1000 + 192)
    ingest(gateway=gw, items=items[96:], channel="http")  # the new day first, the day before late
    ingest(gateway=gw, items=items[:96], channel="http")
    rollups.refresh_dirty()
    days = dict(MeterDay.objects.filter(meter=m).values_list("day", "measured"))
    assert days[dt.date(2026, 1, 1)] == pytest.approx(288.0)
    assert days[dt.date(2025, 12, 31)] == pytest.approx(190.0)  # its first reading has no baseline


def test_multiplier_and_substitution(gw):
    m = MeterFactory(enterprise=gw.enterprise, multiplier=40)
    items = day_of_readings(m.code, JAN1, value=lambda i: 1.0)
    del items[10:13]  # a 3-interval gap: substituted by the neighbours' mean
    ingest(gateway=gw, items=items, channel="http")
    rollups.refresh_dirty()
    d = MeterDay.objects.get(meter=m)
    assert d.measured == pytest.approx(93 * 40) and d.substituted == pytest.approx(3 * 40)
    assert d.completeness == pytest.approx(93 / 96)


def test_spike_flatline_and_clock_skew_are_flagged(gw):
    m = MeterFactory(enterprise=gw.enterprise)
    items = day_of_readings(m.code, JAN1, value=lambda i: 100.0 if i == 40 else 1.0 + (i % 3))
    items[70]["ts"] = (JAN1 + dt.timedelta(minutes=15 * 71, seconds=400)).isoformat()  # 400 s off the grid
    ingest(gateway=gw, items=items, channel="http")
    m2 = MeterFactory(enterprise=gw.enterprise)
    ingest(gateway=gw, items=day_of_readings(m2.code, JAN1, value=lambda i: 4.0), channel="http")
    rollups.refresh_dirty()
    assert {"spike", "clock_skew"} <= {a.kind for a in Anomaly.objects.filter(meter=m)}
    assert "flatline" in {a.kind for a in Anomaly.objects.filter(meter=m2)}


def test_csv_and_epoch_timestamps(gw):
    from carbonms.monitoring.ingestion import parse_csv

    m = MeterFactory(enterprise=gw.enterprise)
    body = f"meter,ts,value,unit\n{m.code},{int(JAN1.timestamp()) + 900},1.5,kWh\n{m.code},2026-01-01T00:30:00+08:00,x,kWh\n"
    r = ingest(gateway=gw, items=parse_csv(body.encode()), channel="http")
    assert r.accepted == 1 and r.errors[0]["code"] == "not_a_number"


def test_refresh_rollups_command(gw):
    from io import StringIO

    from django.core.management import call_command

    m = MeterFactory(enterprise=gw.enterprise)
    ingest(gateway=gw, items=day_of_readings(m.code, JAN1), channel="http")
    out = StringIO()
    call_command("refresh_rollups", stdout=out)
    assert "1 meter-day(s) recomputed" in out.getvalue()
    assert MeterDay.objects.get(meter=m).completeness == 1.0
