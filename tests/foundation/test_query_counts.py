"""Pages cost the same number of queries for a small park and a large one."""
from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from carbonms.demo.generator import build

pytestmark = pytest.mark.django_db


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_park_overview_and_enterprise_page_do_not_grow_with_the_park():
    from carbonms.accounts.models import User

    small = build(enterprises=3, seed=1, park_name="小园区", extensions=())
    c = Client()
    c.force_login(User.objects.get(username="park_admin"))
    n_small = _queries(c, f"/parks/{small.park.pk}/")
    ent = small.park.enterprises.filter(kind="enterprise").first()
    n_ent_small = _queries(c, f"/enterprises/{ent.pk}/")
    n_changes_small = _queries(c, "/changes/")

    from carbonms.accounts.models import RoleAssignment

    large = build(enterprises=40, seed=2, park_name="大园区", with_users=False, extensions=())
    RoleAssignment.objects.filter(user__username="park_admin").update(park=large.park)
    c = Client()
    c.force_login(User.objects.get(username="park_admin"))
    assert _queries(c, f"/parks/{large.park.pk}/") == n_small
    big_ent = max(large.park.enterprises.all(), key=lambda e: e.equipment.count())
    assert _queries(c, f"/enterprises/{big_ent.pk}/") == n_ent_small
    # The change log names related records with one query per kind of record on the page (site, user…),
    # never one per row; the large park's page shows a few more kinds. Per-row growth: test_changelog.py.
    assert _queries(c, "/changes/") <= n_changes_small + 8
    assert n_small <= 15
