"""REST API: token auth, OpenAPI schema, writes through the services with field errors."""
from __future__ import annotations

import pytest
from django.test import Client
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from carbonms.organizations.models import EmissionUnit, Enterprise
from tests.factories import make_credit_code

pytestmark = pytest.mark.django_db


def api_for(user) -> APIClient:
    token, _ = Token.objects.get_or_create(user=user)
    c = APIClient()
    c.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return c


def test_token_endpoint_and_token_auth(world):
    c = APIClient()
    resp = c.post("/api/v1/token/", {"username": "u_viewer", "password": "pw-Secret-123"}, format="json")
    assert resp.status_code == 200
    c.credentials(HTTP_AUTHORIZATION=f"Token {resp.json()['token']}")
    me = c.get("/api/v1/me/").json()
    assert me["username"] == "u_viewer"
    assert me["roles"] == [{"role": "viewer", "role_display": "只读用户", "park": world.park_a.pk,
                            "enterprise": world.e1.enterprise.pk, "valid_until": None}]


def test_unauthenticated_api_is_refused_not_redirected(world):
    resp = APIClient().get("/api/v1/enterprises/")
    assert resp.status_code in (401, 403)
    assert resp["Content-Type"].startswith("application/json")


def test_openapi_schema_lists_the_endpoints(world):
    c = Client()
    c.force_login(world.users["viewer"])
    resp = c.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert resp.status_code == 200
    paths = resp.json()["paths"]
    for p in ("/api/v1/parks/", "/api/v1/enterprises/{id}/", "/api/v1/sites/", "/api/v1/units/", "/api/v1/equipment/",
              "/api/v1/boundaries/", "/api/v1/changes/"):
        assert p in paths, p
    docs = c.get("/api/docs/").content.decode()
    assert "swagger-ui" in docs and "cdn" not in docs.lower()


def test_create_enterprise_through_api_with_field_errors(world):
    c = api_for(world.users["park_admin"])
    bad = {"park": world.park_a.pk, "name": "API企业", "credit_code": "91320600MA1XXXXX0A", "industry_code": "3011"}
    resp = c.post("/api/v1/enterprises/", bad, format="json", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert resp.status_code == 400
    assert "校验码" in resp.json()["credit_code"][0]
    assert not Enterprise.objects.filter(name="API企业").exists()
    good = {**bad, "credit_code": make_credit_code(777)}
    resp = c.post("/api/v1/enterprises/", good, format="json")
    assert resp.status_code == 201, resp.json()
    assert resp.json()["industry_name"] == "非金属矿物制品业"


def test_enterprise_admin_cannot_create_enterprise_or_use_other_park(world):
    c = api_for(world.users["enterprise_admin"])
    payload = {"park": world.park_a.pk, "name": "越权", "credit_code": make_credit_code(778), "industry_code": "3011"}
    assert c.post("/api/v1/enterprises/", payload, format="json").status_code == 403
    officer = api_for(world.users["park_carbon_officer"])
    resp = officer.post("/api/v1/enterprises/", {**payload, "park": world.park_b.pk}, format="json")
    assert resp.status_code == 400 and "park" in resp.json()  # park B reads as "does not exist"


def test_unit_on_another_enterprises_site_via_api(world):
    c = api_for(world.users["park_admin"])
    resp = c.post("/api/v1/units/", {"enterprise": world.e1.enterprise.pk, "site": world.e2.site.pk, "code": "API-U",
                                     "name": "越界", "unit_type": "production"}, format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert resp.status_code == 400
    # Another enterprise's site is answered exactly like a site that does not exist (issue 9).
    assert resp.json()["site"] == [f'Invalid pk "{world.e2.site.pk}" - object does not exist.']
    assert not EmissionUnit.objects.filter(code="API-U").exists()
    # An enterprise user cannot even name another enterprise's site.
    c2 = api_for(world.users["enterprise_admin"])
    resp = c2.post("/api/v1/units/", {"enterprise": world.e1.enterprise.pk, "site": world.e2.site.pk, "code": "API-U2",
                                      "name": "越界", "unit_type": "production"}, format="json")
    assert resp.status_code == 400 and "site" in resp.json()


def test_delete_with_dependants_is_refused_with_reason(world):
    c = api_for(world.users["enterprise_admin"])
    resp = c.delete(f"/api/v1/sites/{world.e1.site.pk}/", HTTP_ACCEPT_LANGUAGE="en")
    assert resp.status_code == 400
    assert "cannot be deleted" in resp.json()["non_field_errors"][0]


def test_boundary_revision_via_api(world):
    c = api_for(world.users["enterprise_admin"])
    resp = c.post("/api/v1/boundaries/", {"park": world.park_a.pk, "enterprise": world.e1.enterprise.pk, "kind": "accounting",
                                          "approach": "operational_control", "description": "扩建", "effective_from": "2025-01-01",
                                          "change_reason": "扩建投产", "sites": [world.e1.site.pk]}, format="json")
    assert resp.status_code == 201, resp.json()
    versions = c.get("/api/v1/boundaries/", {"limit": 50}).json()["results"]
    mine = sorted((v["effective_from"], v["effective_to"]) for v in versions if v["enterprise"] == world.e1.enterprise.pk
                  and v["kind"] == "accounting")
    assert mine == [("2020-01-01", "2024-12-31"), ("2025-01-01", None)]
    assert c.put(f"/api/v1/boundaries/{resp.json()['id']}/", {}, format="json").status_code == 405
