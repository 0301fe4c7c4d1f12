"""Online monitoring pages in a real browser: meters, a meter's chart, the completeness heat map, live
load, and another enterprise's meter answering 404."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_meter_pages_show_the_demo_stream(page, demo_park, login, shot):
    from carbonms.monitoring.models import Meter

    assert Meter.objects.filter(park=demo_park).exists()
    login(page, "park_officer")
    page.goto("/monitoring/")
    rows = page.locator("[data-testid=meter-table] tbody tr")
    assert rows.count() == Meter.objects.filter(park=demo_park).count()
    shot(page, "monitoring-meters-zh")
    with page.expect_navigation():
        rows.first.locator("a").first.click()
    page.wait_for_selector("[data-testid=meter-chart] svg")
    assert "/monitoring/meters/" in page.url
    shot(page, "monitoring-meter-zh")
    page.goto("/monitoring/completeness/")
    page.wait_for_selector("[data-testid=heatmap] svg")
    shot(page, "monitoring-completeness-zh")
    page.goto("/monitoring/live/")
    expect(page.locator("[data-testid=live]")).to_be_visible()
    shot(page, "monitoring-live-zh")


def test_enterprise_user_sees_only_own_meters(page, demo_park, login):
    from carbonms.monitoring.models import Meter
    from carbonms.organizations.models import Enterprise

    own = Enterprise.objects.get(name="江海特钢集团有限公司")
    other = Meter.objects.filter(park=demo_park).exclude(enterprise=own).first()
    assert other is not None
    login(page, "ent_admin")
    page.goto("/monitoring/")
    expected = Meter.objects.filter(enterprise=own).count()
    assert page.locator("[data-testid=meter-table] tbody tr").count() == max(expected, 1)
    assert other.code not in page.locator("[data-testid=meter-table]").inner_text()
    resp = page.goto(f"/monitoring/meters/{other.pk}/")
    assert resp.status == 404
