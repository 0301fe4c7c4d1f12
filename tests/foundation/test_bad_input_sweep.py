"""No server error on bad input, anywhere: every URL of the project, requested as a park administrator
with missing, non-numeric and overflowing ids and with bad common query parameters, answers below 500.

Also the named regressions of issue 9 item 6: the API's page size is capped, ``?year=abc`` is a 400,
a non-numeric id in a path is a 404 and a malformed ``Content-Length`` header is a 400.
"""
from __future__ import annotations

import re
import socket
import threading

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

pytestmark = pytest.mark.django_db

OVERFLOW = "99999999999999999999999"  # beyond a 64-bit integer
PLACEHOLDER = "8642097531"
BAD_PARAMS = [
    {},
    # the cases named in issue 9, one by one …
    {"year": "abc"}, {"month": "13"}, {"limit": "9223372036854775808"}, {"page": "-1"},
    # … and more, grouped (each parameter is read independently of the others)
    {"year": "99999", "page": "abc", "offset": "9223372036854775808", "enterprise": "abc", "run": "abc"},
    {"year": OVERFLOW, "month": "abc", "page": OVERFLOW, "limit": "-1", "source": OVERFLOW, "against": "abc"},
    {"month": "0", "offset": "-5", "enterprise": OVERFLOW, "source": "abc", "against": OVERFLOW, "run": OVERFLOW},
    {"status": "x" * 300, "key": "../../etc/passwd", "category": "\x00", "model": "a.b.c", "action": "x", "q": "%"},
]


def _walk(patterns, prefix="", namespace=""):
    for p in patterns:
        if isinstance(p, URLResolver):
            ns = f"{namespace}{p.namespace}:" if p.namespace else namespace
            yield from _walk(p.url_patterns, prefix + str(p.pattern), ns)
        elif isinstance(p, URLPattern):
            yield prefix + str(p.pattern)


def _url_templates() -> list[str]:
    """Every URL of the project as a template, each path argument replaced by ``{name}``."""
    out = set()
    for raw in _walk(get_resolver().url_patterns):
        if "format" in raw or raw.startswith("^static") or "media" in raw:
            continue  # DRF's format suffix duplicates, static files
        t = raw.replace("^", "").replace("$", "").replace("\\.", ".")
        t = re.sub(r"\(\?P<(\w+)>[^)]*\)", r"{\1}", t)
        t = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", t)
        t = t.replace("/?", "/")
        out.add("/" + t.lstrip("/"))
    return sorted(out)


def _values(name: str, demo) -> list[str]:
    """A plausible value first (the demo park's records of every kind have small ids), then bad ones."""
    if name == "owner":
        ent = demo.park.enterprises.order_by("pk").first()
        return [f"ent-{ent.pk}", f"park-{demo.park.pk}", "abc", f"ent-{OVERFLOW}", "ent-abc"]
    if name in {"register", "kind", "step", "template", "std_id"}:
        return ["risk", "abc"]
    if name == "app_label":
        return ["organizations", "abc"]
    if name == "model":
        return ["site", "abc"]
    return ["1", PLACEHOLDER, OVERFLOW, "abc", "0"]


def _requests(demo) -> list[tuple[str, dict]]:
    """(url, params): every URL with every combination of bad path values, and the URL with plausible
    values with every bad query parameter."""
    out = []
    for t in _url_templates():
        names = re.findall(r"{(\w+)}", t)
        combos = [{}]
        for n in names:
            combos = [{**c, n: v} for c in combos for v in _values(n, demo)]
        plausible, *others = combos
        out.extend((t.format(**plausible), params) for params in BAD_PARAMS)
        out.extend((t.format(**c), {}) for c in others[:24])
    return out


@pytest.fixture
def demo():
    from carbonms.demo.generator import build

    return build(enterprises=2, seed=9)


@pytest.mark.slow(90)
def test_every_url_answers_bad_ids_and_bad_parameters_without_a_server_error(demo):
    from carbonms.accounts.models import User

    c = Client(raise_request_exception=False)
    c.force_login(User.objects.get(username="park_admin"))
    server_errors = []
    requests = _requests(demo)
    assert len({url for url, _ in requests}) > 200
    for url, params in requests:
        if url.startswith("/accounts/logout"):
            continue
        resp = c.get(url, params)
        if resp.status_code >= 500:
            server_errors.append((url, params, resp.status_code))
    assert not server_errors, f"{len(server_errors)} server errors, e.g. {server_errors[:20]}"


# --- the named regressions ----------------------------------------------------------------------------------

def _api(world, role="park_admin"):
    c = Client()
    c.force_login(world.users[role])
    return c


def test_api_page_size_is_capped_at_1000(world):
    from tests.factories import SiteFactory

    for _ in range(3):
        SiteFactory(enterprise=world.e1.enterprise)
    c = _api(world)
    resp = c.get("/api/v1/sites/", {"limit": "9223372036854775808"})
    assert resp.status_code == 200
    assert resp.json()["count"] == 5 and len(resp.json()["results"]) == 5  # park A: 2 + 3 sites
    resp = c.get("/api/v1/sites/", {"offset": "9223372036854775808"})
    assert resp.status_code == 200 and resp.json()["results"] == []
    from django.conf import settings

    from carbonms.common.pagination import CappedLimitOffsetPagination

    assert settings.REST_FRAMEWORK["DEFAULT_PAGINATION_CLASS"] == "carbonms.common.pagination.CappedLimitOffsetPagination"
    assert CappedLimitOffsetPagination.max_limit == 1000


def test_api_page_size_cap_applies(world, monkeypatch):
    from carbonms.common import pagination
    from tests.factories import SiteFactory

    for _ in range(4):
        SiteFactory(enterprise=world.e1.enterprise)
    monkeypatch.setattr(pagination.CappedLimitOffsetPagination, "max_limit", 2)
    body = _api(world).get("/api/v1/sites/", {"limit": "500"}).json()
    assert len(body["results"]) == 2 and "limit=2" in body["next"]


@pytest.mark.parametrize("params", [{"year": "abc"}, {"month": "13"}, {"year": OVERFLOW}, {"enterprise": "abc"},
                                    {"source": OVERFLOW}])
def test_api_filters_with_bad_values_answer_400_naming_the_parameter(world, params):
    resp = _api(world).get("/api/v1/activity/", params, HTTP_ACCEPT_LANGUAGE="en")
    assert resp.status_code == 400
    assert list(resp.json()) == list(params)


def test_non_numeric_id_in_a_history_path_is_404(world):
    c = _api(world)
    assert c.get("/changes/organizations/site/abc/").status_code == 404
    assert c.get(f"/changes/organizations/site/{OVERFLOW}/").status_code == 404
    assert c.get(f"/changes/organizations/site/{world.e1.site.pk}/").status_code == 200


@pytest.mark.parametrize("length", ["abc", "-1", "1e3", "99999999999999999999999999", " "])
@pytest.mark.parametrize("content_type, body", [("application/x-www-form-urlencoded", b"name=x"),
                                                ("multipart/form-data; boundary=xx", b"--xx--")])
def test_malformed_content_length_is_400_through_the_test_client(world, length, content_type, body):
    c = Client(raise_request_exception=False)
    c.force_login(world.users["park_admin"])
    name = world.e1.enterprise.name
    for url in (f"/enterprises/{world.e1.enterprise.pk}/edit/", "/api/v1/sites/"):
        resp = c.generic("POST", url, body, content_type=content_type, CONTENT_LENGTH=length)
        assert resp.status_code == 400, url
    world.e1.enterprise.refresh_from_db()
    assert world.e1.enterprise.name == name


def test_nul_in_the_query_string_is_400(world):
    c = _api(world)
    api = c.get("/api/v1/activity/?status=a%00b")
    assert api.status_code == 400 and api["Content-Type"] == "application/json" and api.json()["detail"]
    resp = c.get("/changes/", {"user": "a\x00b"})
    assert resp.status_code == 400 and "Content-Security-Policy" in resp.headers


@pytest.mark.parametrize("params", [{"month": "13"}, {"enterprise": "abc"}, {"source": OVERFLOW}])
def test_drill_down_filters_with_bad_values_answer_400(world, params):
    from carbonms.inventory.models import CalculationRun

    run = CalculationRun.objects.create(park=world.park_a, year=2025, fuel_set="x", run_by=world.users["park_admin"])
    assert _api(world).get(f"/inventory/runs/{run.pk}/results/", params).status_code == 400
    assert _api(world).get(f"/inventory/runs/{run.pk}/results/", {"month": "3"}).status_code == 200


def test_malformed_content_length_is_400_over_a_real_socket(live_server):
    host, port = live_server.thread.host, live_server.thread.port
    answers = []

    def send(length: str):
        with socket.create_connection((host, port), timeout=10) as s:
            s.sendall(f"POST /api/v1/token/ HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\n"
                      f"Content-Length: {length}\r\nConnection: close\r\n\r\n{{}}".encode())
            answers.append(s.recv(200).decode(errors="replace").split("\r\n")[0])

    t = threading.Thread(target=send, args=("abc",))
    t.start()
    t.join(30)
    assert answers and " 400 " in answers[0], answers


@pytest.mark.parametrize("year", ["abc", "99999", "1999", OVERFLOW])
def test_a_bad_year_on_a_page_is_400_not_another_years_data(world, year):
    c = _api(world, "enterprise_admin")
    url = f"/data/enterprises/{world.e1.enterprise.pk}/activity/"
    assert c.get(url, {"year": year}).status_code == 400
    assert c.get(url, {"year": "2025"}).status_code == 200
    assert c.get(url).status_code == 200
