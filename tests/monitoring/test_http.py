"""The gateways' HTTP bulk endpoint: token auth, JSON and CSV, per-reading errors, limits."""
from __future__ import annotations

import json

import pytest
from django.test import Client
from django.urls import reverse

from carbonms.monitoring import storage
from carbonms.monitoring.models import IngestBatch

from .factories import JAN1, day_of_readings, gateway_with_token

URL = "/api/v1/monitoring/readings/"


def post(token, body, ctype="application/json", **extra):
    data = body if isinstance(body, str | bytes) else json.dumps(body)
    return Client().post(URL, data=data, content_type=ctype, HTTP_AUTHORIZATION=f"Gateway {token}", **extra)


def test_url_name():
    assert reverse("api:monitoring-ingest") == URL


def test_json_batch_with_per_reading_errors(setup):
    gw, token, meter = setup
    items = day_of_readings(meter.code, JAN1)[:4] + [{"meter": "NOPE", "ts": "2026-01-01T01:00:00+08:00", "value": 1}]
    r = post(token, {"readings": items})
    assert r.status_code == 200, r.content
    body = r.json()
    assert (body["accepted"], body["rejected"]) == (4, 1)
    assert body["errors"] == [{"index": 4, "meter": "NOPE", "field": "meter", "code": "unknown_meter",
                              "message": body["errors"][0]["message"]}]
    assert IngestBatch.objects.get(pk=body["batch"]).channel == "http"


def test_csv(setup):
    gw, token, meter = setup
    csv = "meter,ts,value\n" + "".join(f"{meter.code},{r['ts']},{r['value']}\n" for r in day_of_readings(meter.code, JAN1))
    r = post(token, csv, "text/csv")
    assert r.status_code == 200 and r.json()["accepted"] == 96
    assert post(token, csv, "text/csv").json()["duplicates"] == 96


@pytest.mark.parametrize("body, ctype, status, code", [
    ("{not json", "application/json", 400, "malformed"),
    ('"a string"', "application/json", 400, "malformed"),
    ("meter,when\nX,1\n", "text/csv", 400, "malformed"),
    ("<xml/>", "application/xml", 415, "unsupported_media_type"),
])
def test_malformed_requests(setup, body, ctype, status, code):
    _gw, token, _m = setup
    r = post(token, body, ctype)
    assert r.status_code == status and r.json()["error"]["code"] == code
    assert storage.count() == 0


def test_tokens(world, setup):
    gw, token, meter = setup
    item = {"meter": meter.code, "ts": "2026-01-01T00:15:00+08:00", "value": 1}
    assert post("gw_bad_token", [item]).status_code == 401
    assert Client().post(URL, data=json.dumps([item]), content_type="application/json").status_code == 401
    # a token of a gateway of the other park: its park has no such meter, and naming our park is refused
    _gw_b, token_b = gateway_with_token(world.e3.enterprise)
    r = post(token_b, [item])
    assert r.status_code == 200 and r.json()["errors"][0]["code"] == "unknown_meter"
    r = post(token_b, {"park": world.park_a.pk, "readings": [item]})
    assert r.status_code == 403 and r.json()["error"]["code"] == "wrong_park"
    # a logged-in user is not a gateway
    c = Client()
    c.force_login(world.users["park_admin"])
    assert c.post(URL, data=json.dumps([item]), content_type="application/json").status_code == 401
    gw.is_active = False
    gw.save()
    assert post(token, [item]).status_code == 401
    assert storage.count() == 0


def test_oversized_requests(setup):
    _gw, token, meter = setup
    r = post(token, [{"meter": meter.code, "ts": 1767225600 + 900 * i, "value": 1} for i in range(100_001)])
    assert r.status_code == 413 and r.json()["error"]["code"] == "too_large"
    r = post(token, b"x" * 10, CONTENT_LENGTH=str(40 * 1024 * 1024))
    assert r.status_code == 413


def test_flood_from_one_gateway_is_rate_limited_without_affecting_others(world, setup):
    gw, token, meter = setup
    gw.rate_limit_per_minute = 3
    gw.save()
    other, token2 = gateway_with_token(world.e1.enterprise)
    item = {"meter": meter.code, "ts": "2026-01-01T00:15:00+08:00", "value": 1}
    statuses = [post(token, [item]).status_code for _ in range(5)]
    assert statuses == [200, 200, 200, 429, 429]
    assert post(token, [item]).headers["Retry-After"] == "60"
    assert post(token2, [item]).status_code == 200


def test_get_is_refused(setup):
    _gw, token, _m = setup
    assert Client().get(URL, HTTP_AUTHORIZATION=f"Gateway {token}").status_code == 405
