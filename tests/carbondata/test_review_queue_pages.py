"""The review queue (issue 11, item 3/4): beside each value the same month of the previous year, the
data-quality findings in the reader's language and the evidence (import file, meter completeness); one query
for the previous-year values whatever the length of the queue; values of others cannot be reviewed."""
from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from carbonms.carbondata import services
from carbonms.carbondata.models import ActivityRecord, DataImport
from tests.carbondata.factories import ActivityRecordFactory, ElectricitySourceFactory

S = ActivityRecord.Status


def _client(user):
    c = Client()
    c.force_login(user)
    return c


def _submitted_sources(world, n, first_code=0):
    ent, clerk, reviewer = world.e1.enterprise, world.users["data_clerk"], world.users["reviewer"]
    out = []
    for i in range(n):
        src = ElectricitySourceFactory(enterprise=ent, code=f"E{first_code + i:02d}")
        for month, amount in ((1, "1555"), (2, "1600"), (3, "1640")):
            ActivityRecordFactory(source=src, year=2025, month=month, amount=Decimal(amount), entered_by=reviewer)
        ActivityRecordFactory(source=src, year=2024, month=11, amount=Decimal("1612.5"), entered_by=reviewer)
        rec = services.activity_from_meter(actor=clerk, source=src, year=2025, month=11, amount="5073", unit="MWh",
                                           detail={"meters": [{"meter": "EM-01"}], "completeness": 0.65})
        services.activity_submit(actor=clerk, records=[rec])
        out.append(rec)
    return out


def _queue(client):
    with CaptureQueriesContext(connection) as ctx:
        page = client.get(reverse("carbondata:review"))
    assert page.status_code == 200
    return page.content.decode(), len(ctx.captured_queries)


def test_pages_review_queue_shows_last_year_findings_and_evidence(world):
    _submitted_sources(world, 1)
    html, _n = _queue(_client(world.users["reviewer"]))
    assert 'data-testid="last-year">1612.5 MWh' in html
    assert "较 2025-03（1640）变化 +209%" in html  # the finding, in Chinese, from its code and parameters
    assert "计量完整率 65.0%" in html and "批准须说明理由" in html
    assert 'data-code="jump_month"' in html and 'data-code="meter_completeness"' in html


def test_pages_review_queue_links_the_import_file(world):
    ent, clerk = world.e1.enterprise, world.users["data_clerk"]
    src = ElectricitySourceFactory(enterprise=ent, code="E50")
    imp = DataImport.objects.create(enterprise=ent, year=2025, file="imports/x.xlsx", original_name="账本.xlsx",
                                    sha256="0" * 64, uploaded_by=clerk, status=DataImport.Status.COMMITTED)
    rec = services.activity_save(actor=clerk, source=src, year=2025, month=1, amount="10", origin="import", data_import=imp)
    services.activity_submit(actor=clerk, records=[rec])
    html, _n = _queue(_client(world.users["reviewer"]))
    assert reverse("carbondata:import_file", args=[imp.pk]) in html and "账本.xlsx" in html


def test_pages_review_queue_costs_the_same_queries_for_1_or_6_values(world):
    reviewer = _client(world.users["reviewer"])
    _submitted_sources(world, 1)
    _html, one = _queue(reviewer)
    _submitted_sources(world, 5, first_code=10)
    html, six = _queue(reviewer)
    assert html.count('data-testid="last-year"') == 6
    assert six == one


@pytest.mark.parametrize("who", ["data_clerk", "viewer"])
def test_pages_review_post_with_foreign_or_own_ids_changes_nothing(world, who):
    (rec,) = _submitted_sources(world, 1)
    # a reviewer of another park (park B) posts the record id
    from tests.factories import RoleAssignmentFactory, UserFactory

    outsider = UserFactory(username="reviewer_b")
    RoleAssignmentFactory(user=outsider, role="reviewer", park=world.park_b)
    for user in (outsider, world.users[who]):
        _client(user).post(reverse("carbondata:review"), {"record": [rec.pk], "action": "approve", "comment": "ok"})
        rec.refresh_from_db()
        assert rec.status == S.SUBMITTED
    # the park's reviewer may, with a reason (the meters were 65 % complete)
    c = _client(world.users["reviewer"])
    c.post(reverse("carbondata:review"), {"record": [rec.pk], "action": "approve", "comment": ""})
    rec.refresh_from_db()
    assert rec.status == S.SUBMITTED
    c.post(reverse("carbondata:review"), {"record": [rec.pk], "action": "approve", "comment": "EM-01 outage; invoice 5,070 MWh"})
    rec.refresh_from_db()
    assert rec.status == S.APPROVED


def test_pages_value_page_shows_meter_evidence_in_words_and_asks_a_reason(world):
    (rec,) = _submitted_sources(world, 1)
    manual = services.activity_save(actor=world.users["data_clerk"], source=rec.source, year=2025, month=12, amount="1500")
    services.activity_from_meter(actor=world.users["data_clerk"], source=rec.source, year=2025, month=12, amount="1480",
                                 unit="MWh", detail={"meters": [{"meter": "EM-01", "share": "0.5"}], "completeness": 0.95})
    reviewer = _client(world.users["reviewer"])
    html = reviewer.get(reverse("carbondata:activity", args=[rec.pk])).content.decode()
    assert "计量完整率 65.0%" in html and "EM-01" in html and "{&#x27;meters&#x27;" not in html
    assert 'required placeholder="批准理由' in html  # the approve form asks for the reason
    html = reviewer.get(reverse("carbondata:activity", args=[manual.pk])).content.decode()
    assert "计量值 1480 MWh（填报值减计量值：20）" in html and "× 0.5" in html
