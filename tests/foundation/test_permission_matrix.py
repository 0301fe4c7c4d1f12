"""The permission matrix: every role × inside/outside its scope × every page and endpoint.

Each URL name of the project must appear in MATRIX (or in PUBLIC); a new page or endpoint that
nobody added here fails ``test_every_url_is_in_the_matrix`` with its name. Expected answers are
written out by hand per role, not derived from the role table, so a change to the roles that
widens access shows up here.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from carbonms.accounts.roles import Role

PARK_STAFF = {"park_admin", "park_carbon_officer", "park_reviewer", "park_viewer", "park_internal_auditor"}
ENTERPRISE_USERS = {"enterprise_admin", "data_clerk", "reviewer", "internal_auditor", "external_verifier", "viewer"}
ALL = PARK_STAFF | ENTERPRISE_USERS
ORG_WRITERS = {"park_admin", "park_carbon_officer", "enterprise_admin"}

# Pages that anybody may open (they hold no park or enterprise data).
PUBLIC = {"accounts:login", "accounts:logout", "web:set_language", "api:token"}


@dataclass
class Case:
    """``target(world, org)`` gives the URL kwargs for a record of ``org`` (None: a URL with no record).

    ``ok``: users who get ``ok_status`` inside their scope; the others inside get ``denied`` (403, or
    404 where the page must not even admit the record exists). Outside, every user gets 404.
    """

    target: Callable | None
    ok: set
    ok_status: int = 200
    denied: int = 403
    park_level: bool = False  # the record is the park itself: "outside" is the other park for everybody
    reference: bool = False  # reference data shared by all (the standards): there is no "outside"


def _o(attr):
    return lambda w, org: {"pk": getattr(org, attr).pk}


def _ent(key="enterprise_pk"):
    return lambda w, org: {key: org.enterprise.pk}


def _record(attr, app, model):
    return lambda w, org: {"app_label": app, "model": model, "object_id": str(getattr(org, attr).pk)}


MATRIX: dict[str, Case] = {
    # Pages
    "organizations:home": Case(None, ALL, ok_status=302),
    "organizations:park": Case(lambda w, org: {"pk": org.enterprise.park_id}, PARK_STAFF, denied=404, park_level=True),
    "organizations:enterprise_create": Case(lambda w, org: {"park_pk": org.enterprise.park_id},
                                            {"park_admin", "park_carbon_officer"}, park_level=True),
    "organizations:enterprise": Case(_o("enterprise"), ALL),
    "organizations:enterprise_edit": Case(_o("enterprise"), ORG_WRITERS),
    "organizations:site_create": Case(_ent(), ORG_WRITERS),
    "organizations:unit_create": Case(_ent(), ORG_WRITERS),
    "organizations:equipment_create": Case(_ent(), ORG_WRITERS),
    "organizations:boundary_revise": Case(_ent(), ORG_WRITERS),
    "organizations:site_edit": Case(_o("site"), ORG_WRITERS),
    "organizations:unit_edit": Case(_o("unit"), ORG_WRITERS),
    "organizations:equipment_edit": Case(_o("equipment"), ORG_WRITERS),
    "changelog:list": Case(None, ALL),
    "changelog:record": Case(_record("enterprise", "organizations", "enterprise"), ALL, denied=404),
    "standards:list": Case(None, ALL),
    "standards:detail": Case(lambda w, org: {"std_id": "t-cses-2023"}, ALL, reference=True),
    # API
    "api:me": Case(None, ALL),
    "api:schema": Case(None, ALL),
    "api:docs": Case(None, ALL),
    "api:api-root": Case(None, ALL),
    "api:park-list": Case(None, ALL),
    "api:park-detail": Case(lambda w, org: {"pk": org.enterprise.park_id}, ALL, park_level=True),
    "api:enterprise-list": Case(None, ALL),
    "api:enterprise-detail": Case(_o("enterprise"), ALL),
    "api:site-list": Case(None, ALL),
    "api:site-detail": Case(_o("site"), ALL),
    "api:unit-list": Case(None, ALL),
    "api:unit-detail": Case(_o("unit"), ALL),
    "api:equipment-list": Case(None, ALL),
    "api:equipment-detail": Case(_o("equipment"), ALL),
    "api:boundary-list": Case(None, ALL),
    "api:boundary-detail": Case(_o("boundary"), ALL),
    "api:change-list": Case(None, ALL),
    "api:change-detail": Case(lambda w, org: {"pk": _last_change_of(org.enterprise).pk}, ALL),
}


def _last_change_of(obj):
    from django.contrib.contenttypes.models import ContentType

    from carbonms.changelog.models import ChangeRecord

    return ChangeRecord.objects.filter(content_type=ContentType.objects.get_for_model(obj), object_id=str(obj.pk)).first()


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


def _user(world, key):
    return world.users[{"park_reviewer": "park_reviewer", "park_viewer": "park_viewer",
                        "park_internal_auditor": "park_internal_auditor"}.get(key, key)]


@pytest.mark.parametrize("name", sorted(MATRIX))
def test_matrix(world, name):
    case = MATRIX[name]
    failures = []
    for key in USER_KEYS:
        client = Client()
        client.force_login(_user(world, key))
        if case.target is None:
            status = client.get(reverse(name)).status_code
            if key in case.ok and status != case.ok_status:
                failures.append((key, "no record", status, case.ok_status))
            continue
        inside = world.e1
        url_in = reverse(name, kwargs=case.target(world, inside))
        expected_in = case.ok_status if key in case.ok else case.denied
        if case.park_level and key in ENTERPRISE_USERS and key not in case.ok:
            expected_in = case.denied
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
