"""Inventory and carbon data pages cost the same number of queries for a small park and a larger one."""
from __future__ import annotations

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from carbonms.demo.generator import build


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200, url
    return len(ctx.captured_queries)


def _urls(park, year):
    from carbonms.inventory.models import CalculationRun

    run = CalculationRun.objects.filter(park=park, enterprise=None).latest("pk")
    ent = max(park.enterprises.filter(kind="enterprise"), key=lambda e: e.sources.count())
    return [f"/inventory/parks/{park.pk}/?year={year}", f"/inventory/runs/{run.pk}/", f"/inventory/runs/{run.pk}/results/",
            f"/data/parks/{park.pk}/sources/", f"/data/enterprises/{ent.pk}/activity/?year={year}",
            f"/data/enterprises/{ent.pk}/sources/", f"/data/enterprises/{ent.pk}/monitoring/", "/data/review/"]


def test_pages_do_not_grow_with_the_park(db):
    from carbonms.accounts.models import RoleAssignment, User
    from carbonms.inventory.models import CalculationRun
    from carbonms.inventory.services import run_calculation

    small = build(enterprises=3, seed=1, park_name="小园区", extensions=())
    year = CalculationRun.objects.filter(park=small.park).order_by("-year").first().year
    c = Client()
    c.force_login(User.objects.get(username="park_officer"))
    small_counts = [_queries(c, u) for u in _urls(small.park, year)]
    large = build(enterprises=12, seed=2, park_name="大园区", with_users=False, extensions=())
    officer = User.objects.get(username="park_officer")
    RoleAssignment.objects.filter(user=officer).update(park=large.park)
    officer = User.objects.get(pk=officer.pk)
    run_calculation(actor=officer, park=large.park, year=year)
    c = Client()
    c.force_login(officer)
    large_counts = [_queries(c, u) for u in _urls(large.park, year)]
    assert large_counts == small_counts
    assert max(small_counts) <= 20
