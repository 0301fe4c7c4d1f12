"""The permission matrix of writes (issue 9): every writable API endpoint and every page form, each role,
in and out of scope, and with another enterprise's and another park's ids in every relation field.

Built from what the project declares, so a new endpoint or form is covered without writing a case:
the API's router (each viewset, its allowed methods and its serializer's writable relation fields) and
the URL names of the page forms (views built on ``ServiceFormView``); the records to write to come from
the GET matrix's targets (tests/matrix/). Expected answers:

* a record outside the user's scope: 404, whatever the method;
* inside, a role that may not act (``tenancy.can``): 403 (pages may answer 404 where the GET matrix says
  so), never a success;
* inside, a foreign id (another enterprise of the park, or another park) in a relation field: refused
  (400 or the form again with an error on that field), also for park staff, who can see the other
  enterprise's records but may not link them to this one;
* whatever the answer: never a server error, and no row changed when refused (the record's values and
  many-to-many links, the model's row count and the change history are compared). Every attempt runs in a
  transaction that is rolled back, so allowed writes do not disturb the next case.

Every list endpoint and list page is also checked for other tenants' rows. ``CASES_RUN`` counts the
individual write attempts; the count is printed with ``-s``.
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import transaction
from django.test import Client
from django.urls import resolve, reverse

from carbonms.common import tenancy
from carbonms.common.api import _writable_relations
from carbonms.common.views import ServiceFormView
from tests.foundation.test_permission_matrix import MATRIX
from tests.matrix.base import ALL, ENTERPRISE_USERS, PARK_STAFF

pytestmark = pytest.mark.django_db

USERS = sorted(ALL)
ACTIONS = {"post": "add", "put": "change", "patch": "change", "delete": "delete"}
CASES_RUN: dict[str, int] = {"api": 0, "pages": 0, "lists": 0}


def _router():
    from carbonms.api.urls import router

    return {basename: viewset for _prefix, viewset, basename in router.registry}


ROUTES = _router()
_HANDLERS = {"post": "create", "put": "update", "patch": "partial_update", "delete": "destroy"}


def _write_methods(viewset) -> list[str]:
    """The write methods a viewset really serves (allowed method name and an action to handle it)."""
    return [m for m, handler in _HANDLERS.items() if m in viewset.http_method_names and hasattr(viewset, handler)]


WRITABLE = {b: v for b, v in ROUTES.items() if _write_methods(v)}


def _client(user) -> Client:
    c = Client(raise_request_exception=False)
    c.force_login(user)
    return c


# --------------------------------------------------------------------------- the world's records


def seed_world(world):
    """Every record the GET matrix knows, in E1, E2 and E3, and a member user per enterprise."""
    from tests.factories import RoleAssignmentFactory, UserFactory

    for case in MATRIX.values():
        if case.target is None or case.reference:
            continue
        for org in (world.e1, world.e2, world.e3):
            case.target(world, org)
    for org in (world.e1, world.e2, world.e3):
        u = UserFactory(username=f"member_{org.enterprise.pk}")
        RoleAssignmentFactory(user=u, role="viewer", park=org.enterprise.park, enterprise=org.enterprise)
        org.extra["member"] = u


@pytest.fixture
def world(shared_world):
    """The world and every record of the GET matrix (``seed_world``), made once for the module's tests
    (tests/conftest.py, ``module_world``): seeding took 743 queries per test (0.4 s on SQLite, ≈ 1 s on
    PostgreSQL, for 337 tests)."""
    return shared_world


def _record(world, basename, org):
    viewset = ROUTES[basename]
    case = MATRIX[f"api:{basename}-detail"]
    return viewset.queryset.model._default_manager.get(pk=case.target(world, org)["pk"])


def _foreign(model, world, org):
    """A record of ``model`` that belongs to ``org`` (a user with a role there, for user fields)."""
    from django.contrib.auth import get_user_model

    if model is get_user_model():
        return org.extra["member"]
    if not tenancy.is_scoped_model(model):
        return None
    return model._default_manager.filter(tenancy.scope_filter(model, tenancy.Scope.of(org.enterprise))).order_by("pk").first()


def _snapshot(obj):
    model = type(obj)
    fresh = model._default_manager.filter(pk=obj.pk).first()
    if fresh is None:
        return None
    values = {f.attname: getattr(fresh, f.attname) for f in model._meta.concrete_fields if f.name != "updated_at"}
    for f in model._meta.many_to_many:
        values[f.name] = sorted(getattr(fresh, f.name).values_list("pk", flat=True))
    return values


def _state(obj):
    from carbonms.changelog.models import ChangeRecord

    return _snapshot(obj), type(obj)._default_manager.count(), ChangeRecord.objects.count()


def _attempt(obj, send, *args, **kwargs):
    """``send(*args, **kwargs)`` inside a transaction that is rolled back; return (status, response, changed?)."""
    before = _state(obj)
    with transaction.atomic():
        resp = send(*args, **kwargs)
        after = _state(obj)
        transaction.set_rollback(True)
    return resp.status_code, resp, after != before


def _may(user, obj, action) -> bool:
    park_id, ent_id = obj.scope_ids()
    return tenancy.can(user, obj.scope_domain, action, park_id=park_id, enterprise_id=ent_id)


# --------------------------------------------------------------------------- API


def _api(client, method, url, data=None):
    return getattr(client, method)(url, data if data is not None else {}, content_type="application/json")


def _relation_fields(viewset, user):
    from types import SimpleNamespace

    serializer = viewset.serializer_class(context={"request": SimpleNamespace(user=user)})
    return {name: (outer, rel) for name, (outer, rel) in _writable_relations(serializer.fields).items()}


def _post_payload(world, basename, obj):
    """A create payload copied from the record of E1 (its own writable fields, unique texts changed)."""
    admin = world.users["park_admin"]
    data = _client(admin).get(reverse(f"api:{basename}-detail", args=[obj.pk])).json()
    ser = ROUTES[basename].serializer_class(context={"request": type("R", (), {"user": admin})()})
    out = {}
    for name, field in ser.fields.items():
        if field.read_only or name not in data or data[name] is None:
            continue
        value = data[name]
        if name in ("code", "identifier", "key", "username"):
            value = f"{value}-W"[:20]
        out[name] = value
    return out


def test_every_writable_endpoint_is_in_the_write_matrix():
    missing = [b for b in WRITABLE if f"api:{b}-detail" not in MATRIX]
    assert missing == [], f"writable endpoints without a GET-matrix detail target: {missing}"
    assert len(WRITABLE) >= 20


def _check(failures, label, status, changed, *, expect, resp):
    ok = status in expect if isinstance(expect, (set, tuple)) else expect(status)
    if status >= 500 or not ok or (changed and status >= 400):
        failures.append((label, status, changed, resp.content[:160]))


@pytest.mark.parametrize("basename", sorted(WRITABLE))
def test_api_writes(world, basename):
    viewset = WRITABLE[basename]
    methods = [m for m in _write_methods(viewset) if m != "post"]
    can_post = "post" in _write_methods(viewset)
    park_level = MATRIX[f"api:{basename}-detail"].park_level
    inside = _record(world, basename, world.e1)
    payload = _post_payload(world, basename, inside) if can_post else {}
    failures = []
    for key in USERS:
        user = world.users[key]
        client = _client(user)
        outside_org = world.e3 if (key in PARK_STAFF or park_level) else world.e2
        outside = _record(world, basename, outside_org)
        for method in methods:
            # Outside the scope: 404, nothing changed.
            status, resp, changed = _attempt(outside, _api, client, method, reverse(f"api:{basename}-detail", args=[outside.pk]))
            _check(failures, (key, method, "outside"), status, changed, expect={404}, resp=resp)
            # Inside: the role decides.
            allowed = _may(user, inside, ACTIONS[method])
            status, resp, changed = _attempt(inside, _api, client, method, reverse(f"api:{basename}-detail", args=[inside.pk]))
            if allowed:
                _check(failures, (key, method, "inside"), status, changed, resp=resp,
                       expect=lambda s: s < 500 and s not in (403, 404))
            else:
                _check(failures, (key, method, "inside, not allowed"), status, changed, expect={403}, resp=resp)
            CASES_RUN["api"] += 2
        # Foreign ids in every writable relation field, on the record of E1 and in a new record, by the roles that
        # may write there (the others are refused before any field is looked at: the case above).
        if not (_may(user, inside, "change") or _may(user, inside, "add")):
            continue
        for name, (outer, rel) in _relation_fields(viewset, world.users["park_admin"]).items():
            model = rel.queryset.model
            for org in (world.e2, world.e3):
                foreign = _foreign(model, world, org)
                if foreign is None or tenancy.in_scope(foreign, inside if not park_level else inside.scope_ids(),
                                                        reach=getattr(viewset.serializer_class, "scope_reach", {}).get(
                                                            name, tenancy.ENTERPRISE_REACH)):
                    continue  # e.g. E2's park is E1's park too: not foreign
                value = [foreign.pk] if hasattr(outer, "child_relation") else foreign.pk
                # a field that decides the record's scope: park/enterprise, or the parent the scope is read through
                # (a lab analysis belongs to its source's enterprise): pointing it elsewhere moves the record there
                scope_field = name in ("park", "enterprise") or (type(inside).scope_enterprise or "").split("__")[0] == name
                if "patch" in methods:
                    status, resp, changed = _attempt(inside, _api, client, "patch",
                                                     reverse(f"api:{basename}-detail", args=[inside.pk]), {name: value})
                    expect = (lambda s: s < 500) if scope_field else {400, 403}
                    _check(failures, (key, "patch", name, org.enterprise.pk), status, changed, expect=expect, resp=resp)
                    CASES_RUN["api"] += 1
                if can_post and scope_field and tenancy.can(
                        user, inside.scope_domain, "add", park_id=tenancy.Scope.of(foreign).park_id,
                        enterprise_id=None if name == "park" else tenancy.Scope.of(foreign).enterprise_id):
                    continue  # park staff may create a record in the other enterprise: not a foreign id there
                if can_post:
                    status, resp, changed = _attempt(inside, _api, client, "post", reverse(f"api:{basename}-list"),
                                                     {**payload, name: value})
                    _check(failures, (key, "post", name, org.enterprise.pk), status, changed, expect={400, 403, 405},
                           resp=resp)
                    CASES_RUN["api"] += 1
    assert not failures, f"{basename}: (case, status, changed, body) {failures}"


@pytest.mark.parametrize("basename", sorted(ROUTES))
def test_api_lists_hold_no_other_tenants_rows(world, basename):
    viewset = ROUTES[basename]
    model = viewset.serializer_class.Meta.model if hasattr(viewset.serializer_class, "Meta") else None
    if model is None or not tenancy.is_scoped_model(model):
        pytest.skip(f"{basename}: not a scoped model")
    failures = []
    for key in USERS:
        resp = _client(world.users[key]).get(reverse(f"api:{basename}-list"), {"limit": 1000})
        assert resp.status_code in (200, 405), (key, resp.status_code)
        if resp.status_code != 200:
            continue
        body = resp.json()
        rows = body["results"] if isinstance(body, dict) and "results" in body else body
        ids = [r["id"] for r in rows if isinstance(r, dict) and "id" in r]
        rows = model._default_manager.filter(pk__in=ids)
        for pk in rows.exclude(**{model.scope_park: world.park_a.pk}).values_list("pk", flat=True):
            failures.append((key, pk, "another park"))
        if key in ENTERPRISE_USERS and model.scope_enterprise:
            others = rows.exclude(**{model.scope_enterprise: world.e1.enterprise.pk}).exclude(
                **{f"{model.scope_enterprise}__isnull": True})
            failures.extend((key, pk, "another enterprise") for pk in others.values_list("pk", flat=True))
        CASES_RUN["lists"] += 1
    assert not failures, f"{basename}: {failures}"


# --------------------------------------------------------------------------- pages


# Pages with a record in their URL; those whose view is a ServiceFormView are the form pages.
FORM_PAGE_CANDIDATES = {n: c for n, c in sorted(MATRIX.items())
                        if not n.startswith("api:") and c.target is not None and not c.reference}


def _view_class(url):
    func = resolve(url).func
    return getattr(func, "view_class", None)


def _views_by_name() -> dict:
    """URL name → view class, read from the URL configuration (no database needed), so that each page test is
    collected only for the pages it applies to."""
    from django.urls import URLPattern, URLResolver, get_resolver

    found: dict = {}

    def walk(patterns, prefix):
        for p in patterns:
            if isinstance(p, URLResolver):
                walk(p.url_patterns, f"{prefix}{p.namespace}:" if p.namespace else prefix)
            elif isinstance(p, URLPattern) and p.name:
                found.setdefault(prefix + p.name, getattr(p.callback, "view_class", None))

    walk(get_resolver().url_patterns, "")
    return found


_VIEWS = _views_by_name()


def _form_data(form):
    from django import forms

    data = {}
    for name, field in form.fields.items():
        if isinstance(field, forms.FileField):
            continue
        value = form[name].value()
        if value is None:
            continue
        if isinstance(value, (list, tuple)):
            data[name] = [str(v) for v in value]
        elif isinstance(value, (dt.date, dt.datetime)):
            data[name] = value.isoformat()
        elif isinstance(value, (bool, int, float, Decimal)):
            data[name] = value if not isinstance(value, bool) else ("on" if value else "")
        else:
            data[name] = str(value)
    return {k: v for k, v in data.items() if v != ""}


def _is_form_page(view) -> bool:
    return view is not None and issubclass(view, ServiceFormView)


FORM_PAGES = [n for n in sorted(FORM_PAGE_CANDIDATES) if _is_form_page(_VIEWS.get(n))]


def test_form_pages_are_found():
    """The collection-time split of the pages agrees with the URL configuration (a page the map misses would go
    untested)."""
    assert len(FORM_PAGES) > 100 and len(POST_PAGES) > 30
    assert set(FORM_PAGES).isdisjoint(POST_PAGES)


@pytest.mark.parametrize("name", FORM_PAGES)
def test_page_form_writes(world, name):
    from django.forms import ModelChoiceField, ModelMultipleChoiceField

    case = FORM_PAGE_CANDIDATES[name]
    url_in = reverse(name, kwargs=case.target(world, world.e1))
    assert _is_form_page(_view_class(url_in)), f"{name} resolved to another view than its URL name's"
    anchor = world.e1.enterprise  # the change history and the enterprise's row count witness any write
    admin_page = _client(world.users["park_admin"]).get(url_in)
    form = admin_page.context["form"] if admin_page.status_code == 200 and admin_page.context else None
    base = _form_data(form) if form is not None else {}
    failures = []
    for key in USERS:
        user = world.users[key]
        client = _client(user)
        outside_org = world.e3 if (key in PARK_STAFF or case.park_level) else world.e2
        url_out = reverse(name, kwargs=case.target(world, outside_org))
        status, resp, changed = _attempt(anchor, client.post, url_out, base)
        _check(failures, (key, "outside"), status, changed, expect={404}, resp=resp)
        may = key in case.ok
        status, resp, changed = _attempt(anchor, client.post, url_in, base)
        if may:
            _check(failures, (key, "inside"), status, changed, resp=resp,
                   expect=lambda s: s < 500 and s not in (403, 404))
        else:
            _check(failures, (key, "inside, not allowed"), status, changed, expect={case.denied, 403, 404}, resp=resp)
        CASES_RUN["pages"] += 2
        if form is None or not may:
            continue
        for field_name, field in form.fields.items():
            if not isinstance(field, ModelChoiceField):
                continue
            for org in (world.e2, world.e3):
                foreign = _foreign(field.queryset.model, world, org)
                if foreign is None or foreign in field.queryset:
                    continue  # offered to the park administrator on this page: not foreign here
                value = [str(foreign.pk)] if isinstance(field, ModelMultipleChoiceField) else str(foreign.pk)
                status, resp, changed = _attempt(anchor, client.post, url_in, {**base, field_name: value})
                if may:
                    errors = resp.context["form"].errors if status == 200 and resp.context else {}
                    if status != 200 or field_name not in errors or changed:
                        failures.append((key, field_name, org.enterprise.pk, status, changed, dict(errors)))
                else:
                    _check(failures, (key, field_name, org.enterprise.pk), status, changed,
                           expect={case.denied, 403, 404}, resp=resp)
                CASES_RUN["pages"] += 1
    assert not failures, f"{name}: {failures}"


# Pages that take a POST without being a form page (workflow steps, review queues, confirmations…).
def _posts(view) -> bool:
    return view is not None and not issubclass(view, ServiceFormView) and "post" in {
        m.lower() for m in getattr(view, "http_method_names", [])} and hasattr(view, "post")


POST_PAGES = [n for n in sorted(FORM_PAGE_CANDIDATES) if _posts(_VIEWS.get(n))]


@pytest.mark.parametrize("name", POST_PAGES)
def test_other_page_posts_outside_the_scope(world, name):
    """A POST to another enterprise's or another park's record of a non-form page answers 404 and writes
    nothing; a user whom the page refuses writes nothing either; nobody gets a server error."""
    case = FORM_PAGE_CANDIDATES[name]
    url_in = reverse(name, kwargs=case.target(world, world.e1))
    assert _posts(_view_class(url_in)), f"{name} resolved to another view than its URL name's"
    anchor = world.e1.enterprise
    failures = []
    for key in USERS:
        client = _client(world.users[key])
        outside_org = world.e3 if (key in PARK_STAFF or case.park_level) else world.e2
        url_out = reverse(name, kwargs=case.target(world, outside_org))
        for data in ({}, {"step": "approve", "action": "approve"}):
            status, resp, changed = _attempt(anchor, client.post, url_out, data)
            _check(failures, (key, "outside", tuple(data)), status, changed, expect={404}, resp=resp)
            status, resp, changed = _attempt(anchor, client.post, url_in, data)
            if key in case.ok:
                _check(failures, (key, "inside", tuple(data)), status, changed, resp=resp, expect=lambda s: s < 500)
            else:
                _check(failures, (key, "inside, not allowed", tuple(data)), status, changed,
                       expect={case.denied, 403, 404}, resp=resp)
            CASES_RUN["pages"] += 2
    assert not failures, f"{name}: {failures}"


LIST_PAGES = [n for n, c in sorted(MATRIX.items()) if not n.startswith("api:") and c.ok == ALL and (
    n.endswith(("list", "register", "meters", "factors", "home", "monitoring", "grid")) or n.endswith("_list"))]


@pytest.mark.parametrize("name", LIST_PAGES)
def test_list_pages_show_no_other_tenants_rows(world, name):
    case = MATRIX[name]
    e2_name, e3_name = world.e2.enterprise.name, world.e3.enterprise.name
    for key in USERS:
        kwargs = case.target(world, world.e1) if case.target else {}
        resp = _client(world.users[key]).get(reverse(name, kwargs=kwargs))
        if resp.status_code != 200:
            continue
        body = resp.content.decode()
        assert e3_name not in body, (name, key, "another park's enterprise shown")
        if key in ENTERPRISE_USERS:
            assert e2_name not in body, (name, key, "another enterprise shown")
        CASES_RUN["lists"] += 1


def test_zz_report_the_number_of_write_cases(capsys):
    """Printed on the terminal (this test runs last in this module)."""
    with capsys.disabled():
        print(f"\nwrite matrix cases: {CASES_RUN} (total {sum(CASES_RUN.values())})")
