"""The four endpoints that answered differently from the OpenAPI schema (issue 9): their real answers are
validated against the schema served at /api/schema/ (status documented, content type, body)."""
from __future__ import annotations

from decimal import Decimal

import pytest

from tests.carbondata.factories import ActivityRecordFactory, SourceFactory
from tests.management.helpers import ALL_COMMITMENTS

from .conftest import assert_conforms, load_schema, token_for


@pytest.fixture
def api(world, wsgi_app):
    def for_role(role):
        headers = token_for(world.users[role])
        return load_schema(wsgi_app, headers), headers
    return for_role


def test_meter_series_answers_as_documented_at_every_resolution(world, api):
    from tests.monitoring.factories import MeterFactory

    meter = MeterFactory(enterprise=world.e1.enterprise, park=world.park_a)
    schema, headers = api("data_clerk")
    for resolution in ("hour", "day", "month"):
        r = assert_conforms(schema, "/api/v1/monitoring/meters/{id}/series/", "GET", headers,
                            path_parameters={"id": meter.pk},
                            query={"resolution": resolution, "start": "2026-01-01", "end": "2026-01-03"}, status=200)
        assert r.json()["resolution"] == resolution and r.json()["meter"] == meter.pk
    # a month series always has twelve points
    assert len(r.json()["data"]) == 12


def test_policy_transition_get_and_post_answer_as_documented(world, api):
    from carbonms.management.models import Policy

    e = world.e1.enterprise
    policy = Policy.objects.create(park=e.park, enterprise=e, title="方针", version=1, text="…",
                                   commitments=ALL_COMMITMENTS, author=world.users["enterprise_admin"])
    schema, headers = api("enterprise_admin")
    r = assert_conforms(schema, "/api/v1/ms/policies/{id}/transition/", "GET", headers, path_parameters={"id": policy.pk},
                        status=200)
    body = r.json()
    assert body["status"] == "draft" and body["steps"] == ["submit"]  # the steps the caller may take now
    assert [t["step"] for t in body["transitions"]] == ["submit", "approve", "publish", "review"]
    assert [t["allowed"] for t in body["transitions"]] == [True, False, False, False]
    assert all(t["reason"] for t in body["transitions"][1:])
    r = assert_conforms(schema, "/api/v1/ms/policies/{id}/transition/", "POST", headers, path_parameters={"id": policy.pk},
                        body={"step": "submit"}, status=200)
    assert r.json()["status"] == "submitted"
    # a refused step is a documented 400 with field messages
    assert_conforms(schema, "/api/v1/ms/policies/{id}/transition/", "POST", headers, path_parameters={"id": policy.pk},
                    body={"step": "publish", "published_to": ""}, status=400)


def test_activity_submit_answers_the_record_and_its_findings_as_documented(world, api):
    src = SourceFactory(enterprise=world.e1.enterprise, code="B01")
    rec = ActivityRecordFactory(source=src, year=2025, month=3, amount=Decimal("12"), status="draft",
                                entered_by=world.users["data_clerk"])
    schema, headers = api("data_clerk")
    r = assert_conforms(schema, "/api/v1/activity/{id}/submit/", "POST", headers, path_parameters={"id": rec.pk},
                        status=200)
    body = r.json()
    assert body["record"]["id"] == rec.pk and body["record"]["status"] == "submitted"
    assert body["findings"] and all("code" in f and "message" in f for f in body["findings"])  # no approved plan yet
    # the operation takes no request body
    assert "requestBody" not in schema.raw_schema["paths"]["/api/v1/activity/{id}/submit/"]["post"]


def test_calculation_run_diff_answers_as_documented(world, api):
    from carbonms.inventory import services

    src = SourceFactory(enterprise=world.e1.enterprise, code="B01")
    rec = ActivityRecordFactory(source=src, year=2025, month=1, amount=Decimal("10"))
    officer = world.users["park_carbon_officer"]
    first = services.run_calculation(actor=officer, park=world.park_a, enterprise=None, year=2025)
    rec.amount = Decimal("20")
    rec.save()
    second = services.run_calculation(actor=officer, park=world.park_a, enterprise=None, year=2025)
    schema, headers = api("park_carbon_officer")
    r = assert_conforms(schema, "/api/v1/calculation-runs/{id}/diff/", "GET", headers, path_parameters={"id": second.pk},
                        query={"against": first.pk}, status=200)
    assert r.json()["against"] == first.pk and r.json()["lines"][0]["code"] == "B01"
    r = assert_conforms(schema, "/api/v1/calculation-runs/{id}/diff/", "GET", headers, path_parameters={"id": first.pk},
                        status=200)
    assert r.json() == {"run": first.pk, "against": None, "lines": []}
    assert any(p["name"] == "against" for p in schema.raw_schema["paths"]["/api/v1/calculation-runs/{id}/diff/"]["get"]["parameters"])


def test_a_record_outside_the_scope_is_a_documented_404(world, api):
    other = SourceFactory(enterprise=world.e3.enterprise, code="X")
    schema, headers = api("data_clerk")
    assert_conforms(schema, "/api/v1/sources/{id}/", "GET", headers, path_parameters={"id": other.pk}, status=404)


def test_an_address_the_api_does_not_have_is_a_json_404(world, api):
    from rest_framework.test import APIClient

    c = APIClient()
    c.force_authenticate(world.users["data_clerk"])
    for path in ("/api/v1/activity/1.5/", "/api/v1/sources/abc.def/", "/api/v1/no-such-thing/"):
        resp = c.get(path)
        assert resp.status_code == 404 and resp["Content-Type"] == "application/json", path
        assert resp.json() == {"detail": "未找到。"}
    assert c.delete("/api/v1/activity/1.5/").status_code == 404  # no CSRF page either


def test_list_filters_are_validated_and_documented(world, api):
    from rest_framework.test import APIClient

    src = SourceFactory(enterprise=world.e1.enterprise, code="B01")
    rec = ActivityRecordFactory(source=src, year=2025, month=3, amount=Decimal("12"))
    c = APIClient()
    c.force_authenticate(world.users["data_clerk"])
    for bad in ({"year": "abc"}, {"month": 13}, {"source": "x"}):
        resp = c.get("/api/v1/activity/", bad, HTTP_ACCEPT_LANGUAGE="en")
        assert resp.status_code == 400 and set(resp.json()) == set(bad), bad
    resp = c.get("/api/v1/calculation-results/", {"run": "9223372036854775808"})
    assert resp.status_code == 400 and "run" in resp.json()
    assert [r["id"] for r in c.get("/api/v1/activity/", {"year": 2025, "month": 3, "source": src.pk}).json()["results"]] == [rec.pk]
    schema, _headers = api("data_clerk")
    names = {p["name"] for p in schema.raw_schema["paths"]["/api/v1/activity/"]["get"]["parameters"]}
    assert {"year", "month", "status", "enterprise", "source"} <= names
