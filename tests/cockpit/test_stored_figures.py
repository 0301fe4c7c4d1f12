"""The cockpit reads the figures a statement fixes once (issue 14 item 6, speed): the purchased electricity of a
statement's frozen run is aggregated once per statement and then read from the store, and the coverage of the
reporting year is counted per enterprise in one query, without reading the year's activity records."""
from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from carbonms.carbondata.models import ActivityRecord
from carbonms.cockpit import selectors
from carbonms.inventory.models import InventoryStatement, RunResult
from carbonms.zerocarbon.selectors import purchased_electricity_mwh
from tests.scale.builders import YEAR, build_park

from .test_cockpit import _statements

pytestmark = pytest.mark.django_db


def test_purchased_electricity_is_aggregated_once_per_statement():
    cache.clear()
    p = build_park(4, "E")
    _statements(p)
    st = InventoryStatement.objects.get(park=p.park, enterprise__isnull=True, year=YEAR)
    # the builder's run: 900 MWh a month, two months, for each of the 4 enterprises
    expected = Decimal("7200.000")
    c = Client()
    c.force_login(p.admin)
    with CaptureQueriesContext(connection) as first:
        c.get(f"/cockpit/parks/{p.park.pk}/")
    with CaptureQueriesContext(connection) as second:
        c.get(f"/cockpit/parks/{p.park.pk}/")
    runresult = RunResult._meta.db_table
    assert any(runresult in q["sql"] for q in first.captured_queries)
    assert not any(runresult in q["sql"] for q in second.captured_queries)
    assert len(second.captured_queries) == len(first.captured_queries) - 1
    assert purchased_electricity_mwh(st) == expected
    # another statement (another run) is its own figure: nothing is shared between statements
    RunResult.objects.filter(run=p.run, category="purchased_electricity").update(amount=1)
    fresh = InventoryStatement.objects.create(park=p.park, year=YEAR + 1, run=p.run, gwp_set="AR5", status="approved",
                                              drafted_by=p.admin, totals={})
    assert purchased_electricity_mwh(fresh) == Decimal("8.000")  # 8 rows of 1 MWh
    assert purchased_electricity_mwh(st) == expected


def test_coverage_counts_closed_submitted_and_missing_enterprises():
    p = build_park(6, "C")
    ents = list(p.park.enterprises.order_by("pk"))
    # every enterprise has approved data for YEAR (the builder); two close it with a statement, one goes back to draft
    for e in ents[:2]:
        InventoryStatement.objects.create(park=p.park, enterprise=e, year=YEAR, run=p.run, gwp_set="AR5",
                                          status="approved", drafted_by=p.admin, totals={})
    ActivityRecord.objects.filter(enterprise=ents[5]).update(status=ActivityRecord.Status.DRAFT)
    cov = selectors.coverage(p.admin, p.park, YEAR)
    assert (cov["total"], cov["closed"], cov["submitted"], cov["missing"]) == (6, 2, 3, 1)
    with CaptureQueriesContext(connection) as ctx:
        selectors.coverage(p.admin, p.park, YEAR)
    assert len(ctx.captured_queries) == 1
