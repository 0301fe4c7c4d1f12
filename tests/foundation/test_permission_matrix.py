"""The permission matrix: every role × inside/outside its scope × every page and endpoint.

The cases live in tests/matrix/ (one module per app, each with ``CASES`` and optionally ``PUBLIC``).
Each URL name of the project must appear in one of them; a new page or endpoint that nobody added
fails ``test_every_url_is_in_the_matrix`` with its name. Expected answers are written out by hand per
role, not derived from the role table, so a change to the roles that widens access shows up here.
"""
from __future__ import annotations

import importlib
import pkgutil

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from carbonms.accounts.roles import Role
from tests import matrix as matrix_pkg
from tests.matrix.base import ALL, ENTERPRISE_USERS, ORG_WRITERS, PARK_STAFF

MATRIX: dict = {}
PUBLIC: set = set()
for _info in pkgutil.iter_modules(matrix_pkg.__path__):
    if _info.name == "base":
        continue
    _mod = importlib.import_module(f"tests.matrix.{_info.name}")
    for _name in getattr(_mod, "CASES", {}):
        assert _name not in MATRIX, f"{_name} is in two matrix modules"
    MATRIX.update(getattr(_mod, "CASES", {}))
    PUBLIC |= set(getattr(_mod, "PUBLIC", set()))


def _all_url_names() -> set[str]:
    names: set[str] = set()

    def walk(patterns, prefix):
        for p in patterns:
            if isinstance(p, URLResolver):
                ns = f"{prefix}{p.namespace}:" if p.namespace else prefix
                walk(p.url_patterns, ns)
            elif isinstance(p, URLPattern) and p.name:
                names.add(prefix + p.name)

    walk(get_resolver().url_patterns, "")
    # Format-suffix duplicates of DRF routes share the same names; the router root is named api-root.
    return {n for n in names if not n.startswith("admin:")}


def test_every_url_is_in_the_matrix():
    uncovered = sorted(_all_url_names() - set(MATRIX) - PUBLIC)
    assert uncovered == [], f"pages/endpoints missing from the permission matrix: {uncovered}"



USER_KEYS = sorted(ALL)


@pytest.fixture
def world(shared_world):
    """One world for the module's tests (tests/conftest.py, ``module_world``); each case's records are made by
    its test, in the test's savepoint."""
    return shared_world


def _user(world, key):
    return world.users[key]


# the schema page generates the whole OpenAPI schema once per user (23–45 s in all): run it first
@pytest.mark.parametrize("name", [pytest.param(n, marks=pytest.mark.slow(40)) if n == "api:schema" else n
                                  for n in sorted(MATRIX)])
def test_matrix(world, name):
    case = MATRIX[name]
    failures = []
    for key in USER_KEYS:
        client = Client()
        client.force_login(_user(world, key))
        if case.target is None:
            status = client.get(reverse(name)).status_code
            expected = case.ok_status if key in case.ok else case.denied
            if status != expected:
                failures.append((key, "no record", status, expected))
            continue
        inside = world.e1
        url_in = reverse(name, kwargs=case.target(world, inside))
        expected_in = case.ok_status if key in case.ok else case.denied
        if case.park_level and key in ENTERPRISE_USERS and key not in case.ok:
            expected_in = case.denied
        if key not in case.ok and case.denied_for and key in case.denied_for:
            expected_in = case.denied_for[key]
        if case.denied_enterprise is not None and key in ENTERPRISE_USERS and key not in case.ok:
            expected_in = case.denied_enterprise
        status = client.get(url_in).status_code
        if status != expected_in:
            failures.append((key, "inside", status, expected_in))
        if case.reference:
            continue
        outside = world.e3 if (key in PARK_STAFF or case.park_level) else world.e2
        url_out = reverse(name, kwargs=case.target(world, outside))
        status = client.get(url_out).status_code
        if status != 404:
            failures.append((key, "outside", status, 404))
    assert not failures, f"{name}: (user, where, got, expected) {failures}"


def test_anonymous_is_sent_to_login_or_refused(world):
    client = Client()
    for name, case in MATRIX.items():
        kwargs = case.target(world, world.e1) if case.target else {}
        resp = client.get(reverse(name, kwargs=kwargs))
        if name.startswith("api:"):
            assert resp.status_code in (401, 403), name
        else:
            assert resp.status_code == 302 and "/accounts/login/" in resp["Location"], name


def test_expired_verifier_sees_nothing(world):
    import datetime as dt

    from django.utils import timezone

    from carbonms.accounts.models import RoleAssignment

    verifier = world.users[Role.EXTERNAL_VERIFIER]
    RoleAssignment.objects.filter(user=verifier).update(valid_until=timezone.now() - dt.timedelta(minutes=1))
    client = Client()
    client.force_login(verifier)
    assert client.get(reverse("organizations:enterprise", args=[world.e1.enterprise.pk])).status_code == 404
    assert client.get(reverse("api:enterprise-list")).json()["count"] == 0


@pytest.mark.parametrize("endpoint", ["enterprise", "site", "unit", "equipment", "boundary", "change"])
def test_api_lists_hold_only_the_callers_scope(world, endpoint):
    attr = {"change": None}.get(endpoint, endpoint)
    for key in USER_KEYS:
        client = Client()
        client.force_login(_user(world, key))
        data = client.get(reverse(f"api:{endpoint}-list"), {"limit": 1000}).json()
        if endpoint == "change":
            ent_ids = {r["enterprise_id"] for r in data["results"]}
            assert world.e3.enterprise.pk not in ent_ids, key
            if key in ENTERPRISE_USERS:
                assert ent_ids <= {world.e1.enterprise.pk, None}, key
                assert all(r["enterprise_id"] is not None for r in data["results"]), key
            continue
        ids = {r["id"] for r in data["results"]}
        inside, same_park, other_park = (getattr(o, attr).pk for o in (world.e1, world.e2, world.e3))
        assert inside in ids, key
        assert other_park not in ids, key
        assert (same_park in ids) == (key in PARK_STAFF), key


WRITE_ENDPOINTS = {
    "enterprise": ("enterprise", {"contact_name": "张工"}),
    "site": ("site", {"name": "改名厂区"}),
    "unit": ("unit", {"name": "改名单元"}),
    "equipment": ("equipment", {"name": "改名设备"}),
}


@pytest.mark.parametrize("endpoint", sorted(WRITE_ENDPOINTS))
def test_api_writes_follow_the_roles(world, endpoint):
    attr, payload = WRITE_ENDPOINTS[endpoint]
    for key in USER_KEYS:
        client = Client()
        client.force_login(_user(world, key))
        obj_in = getattr(world.e1, attr)
        resp = client.patch(reverse(f"api:{endpoint}-detail", args=[obj_in.pk]), payload, content_type="application/json")
        assert resp.status_code == (200 if key in ORG_WRITERS else 403), (key, resp.status_code, resp.content[:200])
        outside = world.e3 if key in PARK_STAFF else world.e2
        resp = client.patch(reverse(f"api:{endpoint}-detail", args=[getattr(outside, attr).pk]), payload,
                            content_type="application/json")
        assert resp.status_code == 404, (key, resp.status_code)
