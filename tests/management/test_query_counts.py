"""Register lists, the audit list, the nonconformity list and the conformity page cost the same number
of queries for a few records and for many."""
from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from carbonms.audits import services as a
from carbonms.management import services
from carbonms.management.models import Risk

from .helpers import days, ent_system, obligation

pytestmark = pytest.mark.django_db


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200, url
    return len(ctx.captured_queries)


def _add(world, n):
    s = ent_system(world)
    admin = world.users["enterprise_admin"]
    for i in range(n):
        services.register_save(actor=admin, model=Risk, park=s.park, enterprise=s.enterprise, data={
            "title": f"风险{i}", "category": "financial", "likelihood": 3, "consequence": 3, "response": "reduce", "owner": admin})
        obligation(world, title=f"义务{i}", owner=admin)
        nc = a.nc_save(actor=admin, system=s, data={"title": f"nc{i}", "source": "other", "description": "d"})
        a.action_save(actor=admin, nc=nc, data={"description": "x", "owner": admin, "due_on": days(3)})


def test_management_pages_do_not_grow_with_their_records(world):
    e = world.e1.enterprise
    urls = [f"/ms/ent-{e.pk}/r/risks/", f"/ms/ent-{e.pk}/r/obligations/", f"/audit/ent-{e.pk}/nonconformities/",
            f"/conformity/ent-{e.pk}/t-cieccpa-061-2023/", f"/ms/ent-{e.pk}/"]
    c = Client()
    c.force_login(world.users["enterprise_admin"])
    _add(world, 2)
    small = [_queries(c, u) for u in urls]
    _add(world, 20)
    assert [_queries(c, u) for u in urls] == small
