"""Readings that cannot break ingestion (issue 9): every poison reading of the issue is a per-reading error
(index, field, reason in the user's language) while the good readings of the same batch are stored; a
request nested 100,000 levels deep is a 400, a huge one a 413, never a 500."""
from __future__ import annotations

import datetime as dt
import json

import pytest
from django.test import Client, override_settings

from carbonms.monitoring import storage
from carbonms.monitoring.ingestion import ingest, json_depth_exceeds, parse_json
from carbonms.monitoring.models import Meter

from .factories import MeterFactory

URL = "/api/v1/monitoring/readings/"
GOOD_TS = "2026-01-01T00:15:00+08:00"

# (reading with "{m}" for the meter code, field, code); each one broke the whole batch before issue 9
POISON = [
    pytest.param({"meter": "{m}", "ts": 1e12, "value": 1}, "ts", "future", id="ts-1e12"),
    pytest.param({"meter": "{m}", "ts": 253402300800, "value": 1}, "ts", "future", id="ts-year-10000"),
    pytest.param({"meter": "{m}", "ts": -1e12, "value": 1}, "ts", "before_installation", id="ts-minus-1e12"),
    pytest.param({"meter": "{m}", "ts": "0001-01-01T00:00:00+14:00", "value": 1}, "ts", "before_installation", id="ts-year-1"),
    pytest.param({"meter": "{m}", "ts": 10 ** 400, "value": 1}, "ts", "bad_timestamp", id="ts-400-digits"),
    pytest.param({"meter": "{m}", "ts": "9" * 400, "value": 1}, "ts", "bad_timestamp", id="ts-400-digit-text"),
    pytest.param({"meter": "{m}", "ts": "9999-12-31T23:59:59-14:00", "value": 1}, "ts", "future", id="ts-beyond-9999"),
    pytest.param({"meter": "{m}", "ts": GOOD_TS, "value": 10 ** 399}, "value", "too_many_digits", id="value-400-digits"),
    pytest.param({"meter": "{m}", "ts": GOOD_TS, "value": "1" * 400}, "value", "too_many_digits", id="value-400-digit-text"),
    pytest.param({"meter": "{m}", "ts": GOOD_TS, "value": float("nan")}, "value", "not_a_number", id="value-NaN"),
    pytest.param({"meter": "{m}", "ts": GOOD_TS, "value": float("inf")}, "value", "not_a_number", id="value-Infinity"),
    pytest.param({"meter": "{m}", "ts": GOOD_TS, "value": 1e30}, "value", "out_of_range", id="value-1e30"),
    pytest.param({"meter": "{m}", "ts": GOOD_TS, "value": "1e30"}, "value", "out_of_range", id="value-1e30-text"),
    pytest.param({"meter": "{m}", "ts": GOOD_TS, "value": 1e308 * 10}, "value", "not_a_number", id="value-overflow"),
    pytest.param({"meter": {"code": "{m}"}, "ts": GOOD_TS, "value": 1}, "meter", "bad_meter", id="meter-dict"),
    pytest.param({"meter": ["{m}"], "ts": GOOD_TS, "value": 1}, "meter", "bad_meter", id="meter-list"),
    pytest.param({"meter": 12, "ts": GOOD_TS, "value": 1}, "meter", "bad_meter", id="meter-number"),
    pytest.param({"meter": "{m}", "ts": {"t": 1}, "value": 1}, "ts", "bad_timestamp", id="ts-dict"),
    pytest.param({"meter": "{m}", "ts": GOOD_TS, "value": {"v": 1}}, "value", "not_a_number", id="value-dict"),
    pytest.param({"meter": "{m}", "ts": GOOD_TS, "value": 1, "unit": {"u": 1}}, "unit", "wrong_unit", id="unit-dict"),
    pytest.param(["{m}", GOOD_TS, 1], None, "malformed", id="reading-list"),
]


def poison_item(item, code: str):
    def sub(v):
        if v == "{m}":
            return code
        if isinstance(v, dict):
            return {k: sub(x) for k, x in v.items()}
        if isinstance(v, list):
            return [sub(x) for x in v]
        return v

    return sub(item)


def post(token, data, ctype="application/json", **extra):
    return Client().post(URL, data=data, content_type=ctype, HTTP_AUTHORIZATION=f"Gateway {token}", **extra)


def good(meter, minute: int) -> dict:
    return {"meter": meter.code, "ts": f"2026-01-01T01:{minute:02d}:00+08:00", "value": 2.5}


@pytest.mark.parametrize("item, field, code", POISON)
def test_poison_reading_over_http_is_a_per_reading_error_and_the_batch_is_stored(setup, item, field, code):
    _gw, token, meter = setup
    body = json.dumps({"readings": [good(meter, 15), poison_item(item, meter.code), good(meter, 30)]})
    r = post(token, body)
    assert r.status_code == 200, r.content
    out = r.json()
    assert (out["accepted"], out["rejected"]) == (2, 1)
    [err] = out["errors"]
    assert (err["index"], err["field"], err["code"]) == (1, field, code)
    assert err["message"] and len(err["message"]) < 300  # a reason, never the 400-digit value echoed
    assert storage.count([meter.pk]) == 2


def test_reasons_are_in_the_callers_language(setup):
    _gw, token, meter = setup
    body = json.dumps([{"meter": meter.code, "ts": 1e12, "value": 1}])
    assert "future" in post(token, body, HTTP_ACCEPT_LANGUAGE="en").json()["errors"][0]["message"]
    assert "未来" in post(token, body, HTTP_ACCEPT_LANGUAGE="zh-hans").json()["errors"][0]["message"]


@pytest.mark.parametrize("item, field, code", POISON)
def test_poison_reading_in_the_service(setup, item, field, code):
    gw, _token, meter = setup
    r = ingest(gateway=gw, items=[poison_item(item, meter.code), good(meter, 15)], channel="http")
    assert r.accepted == 1 and r.errors[0]["index"] == 0 and r.errors[0]["code"] == code


def test_nested_100000_levels_is_a_400_not_a_server_error(setup):
    _gw, token, meter = setup
    for body in ("[" * 100_000 + "]" * 100_000, '{"a":' * 100_000 + "1" + "}" * 100_000, "[" * 100_000):
        r = post(token, body)
        assert r.status_code == 400 and r.json()["error"]["code"] == "too_deep", r.content[:200]
    assert storage.count() == 0


def test_depth_prescan_ignores_brackets_in_strings_and_sees_hidden_depth():
    assert not json_depth_exceeds(json.dumps([{"meter": "[" * 50, "ts": "]" * 50 + '\\"[[', "value": 1}]).encode())
    # brackets in strings cannot hide real nesting
    hidden = "".join('["]",' for _ in range(40)) + "1" + "]" * 40
    assert json_depth_exceeds(hidden.encode())
    assert parse_json(json.dumps({"readings": [{"meter": "[[[", "ts": 1, "value": 1}]}))[0][0]["meter"] == "[[["


def test_huge_body_is_a_413_with_a_bounded_read(setup):
    _gw, token, meter = setup
    reading = json.dumps(good(meter, 15))
    body = "[" + ",".join([reading] * 400) + "]"
    with override_settings(MONITORING={"MAX_REQUEST_BYTES": 10_000}):
        r = post(token, body)
        assert r.status_code == 413 and r.json()["error"]["code"] == "too_large"
        # a Content-Length that understates the body: only limit + 1 bytes are read, still a 413
        r = post(token, body, CONTENT_LENGTH="100")
        assert r.status_code in (400, 413)
        assert post(token, "[" + reading + "]").status_code == 200
    # the endpoint reads the body itself: Django's form limit (DATA_UPLOAD_MAX_MEMORY_SIZE) does not cut a batch
    big = "[" + ",".join(json.dumps({"meter": meter.code, "ts": 1767225600 + 900 * i, "value": 1}) for i in range(30_000)) + "]"
    with override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=1024):
        r = post(token, big)
    assert r.status_code == 200 and r.json()["accepted"] == 30_000


@pytest.mark.parametrize("length", ["abc", "-1", "１２"])
def test_non_numeric_content_length_is_a_400(setup, length):
    _gw, token, meter = setup
    r = post(token, json.dumps([good(meter, 15)]), CONTENT_LENGTH=length)
    assert r.status_code == 400 and r.json()["error"]["code"] == "malformed"


def test_service_life_and_range_of_the_meter(world, setup):
    gw, _token, meter = setup
    meter.removed_at = dt.datetime(2026, 1, 1, 1, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    meter.max_value = 100
    meter.status = Meter.Status.RETIRED
    meter.save()
    reg = MeterFactory(enterprise=gw.enterprise, reading_kind=Meter.ReadingKind.CUMULATIVE, rollover_at=99999)
    r = ingest(gateway=gw, channel="http", items=[
        {"meter": meter.code, "ts": "2026-01-01T00:45:00+08:00", "value": 99},  # late reading from its service life
        {"meter": meter.code, "ts": "2026-01-01T01:15:00+08:00", "value": 1},  # after the removal
        {"meter": meter.code, "ts": "2026-01-01T00:30:00+08:00", "value": 101},  # above the meter's range
        {"meter": reg.code, "ts": "2026-01-01T00:30:00+08:00", "value": 100000},  # beyond the rollover
        {"meter": reg.code, "ts": "2026-01-01T00:30:00+08:00", "value": 99999},
    ])
    assert r.accepted == 2
    assert [(e["index"], e["code"]) for e in r.errors] == [(1, "after_removal"), (2, "out_of_range"), (3, "out_of_range")]


def test_clock_skew_window_is_a_setting(setup):
    gw, _token, meter = setup
    import time

    soon = time.time() + 600
    assert ingest(gateway=gw, items=[{"meter": meter.code, "ts": soon, "value": 1}], channel="http").accepted == 1
    with override_settings(MONITORING={"MAX_FUTURE_SECONDS": 60}):
        r = ingest(gateway=gw, items=[{"meter": meter.code, "ts": soon + 1, "value": 1}], channel="http")
    assert r.errors[0]["code"] == "future"
