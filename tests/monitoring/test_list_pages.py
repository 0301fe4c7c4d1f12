"""The review lists of monitoring (anomalies, conflicts, rejected messages) and the gateway list show a page
of at most 50 rows with search and the status kept in the page links (issue 16, item 3); the query count of
a page does not grow with the number of rows."""
from __future__ import annotations

import datetime as dt
import re

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from carbonms.monitoring.models import Anomaly

from .factories import MeterFactory


def _client(world, role="park_admin"):
    c = Client()
    c.force_login(world.users[role])
    return c


def _rows(html: str, testid: str) -> int:
    body = html.split(f'data-testid="{testid}"', 1)[1].split("</tbody>", 1)[0]
    return len(re.findall(r"<tr>", body)) - 1  # minus the header row


def _anomalies(meter, n: int) -> None:
    day0 = dt.date(2025, 1, 1)
    Anomaly.objects.bulk_create([Anomaly(meter=meter, day=day0 + dt.timedelta(days=i), kind="gap", detail={"kind": "gap"})
                                 for i in range(n)])


def test_anomaly_list_is_a_page_with_search_and_status_kept(world):
    m1 = MeterFactory(enterprise=world.e1.enterprise, code="PAGE-A")
    m2 = MeterFactory(enterprise=world.e1.enterprise, code="PAGE-B")
    _anomalies(m1, 70)
    _anomalies(m2, 5)
    c = _client(world)
    html = c.get("/monitoring/anomalies/?status=all").content.decode()
    assert _rows(html, "anomalies") == 50
    assert "page=2" in html and "status=all&" in html  # the pager keeps the status filter
    assert _rows(c.get("/monitoring/anomalies/?status=all&page=2").content.decode(), "anomalies") == 25
    html = c.get("/monitoring/anomalies/?status=all&q=PAGE-B").content.decode()
    assert _rows(html, "anomalies") == 5 and "PAGE-A" not in html
    with CaptureQueriesContext(connection) as few:
        c.get("/monitoring/anomalies/?status=all&q=PAGE-B")
    _anomalies(MeterFactory(enterprise=world.e1.enterprise, code="PAGE-C"), 200)
    with CaptureQueriesContext(connection) as many:
        c.get("/monitoring/anomalies/?status=all")
    assert len(many.captured_queries) <= len(few.captured_queries) + 1


def test_other_lists_answer_with_a_pager(world):
    c = _client(world)
    for url in ("/monitoring/conflicts/?status=all", "/monitoring/rejected/?status=all", "/monitoring/gateways/?q=x&sort=-seen"):
        assert c.get(url).status_code == 200, url
