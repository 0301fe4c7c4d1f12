"""The other carbon data pages in a browser: register, monitoring plan and equipment, park register,
a correction after locking, the run diff, and the inventory in English."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_register_monitoring_correction_and_diff(page, demo_park, login, shot):
    from carbonms.accounts.models import User
    from carbonms.carbondata import services
    from carbonms.carbondata.models import ActivityRecord, PeriodLock
    from carbonms.inventory.models import CalculationRun

    clerk = User.objects.get(username="clerk")
    ent = clerk.role_assignments.first().enterprise
    login(page, "clerk")
    with page.expect_navigation():
        page.click("[data-nav=sources]")
    assert page.locator("h1").inner_text() == "排放源清单"
    assert page.locator("tr[data-source]").count() == ent.sources.count()
    shot(page, "carbondata-register-zh")
    with page.expect_navigation():
        page.click("[data-nav=monitoring]")
    expect(page.get_by_role("heading", name="计量器具台账")).to_be_visible()
    assert page.locator("text=有效").count() >= 1
    shot(page, "carbondata-monitoring-zh")
    with page.expect_navigation():
        page.click("table.data >> nth=0 >> a >> nth=0")  # plan v1
    assert "监测计划 v1" in page.locator("h1").inner_text()
    shot(page, "carbondata-plan-zh")

    # a correction of a locked value, approved by the reviewer, then a new park run and the diff
    run1 = CalculationRun.objects.filter(park=demo_park, enterprise=None).order_by("-year", "-created_at", "-id").first()
    rec = ActivityRecord.objects.filter(enterprise=ent, year=run1.year, month=1).order_by("source__code").first()
    reviewer = User.objects.get(username="reviewer")
    if not PeriodLock.objects.filter(enterprise=ent, year=run1.year, month=1).exists():  # the demo's statements close the year
        services.period_lock(actor=reviewer, enterprise=ent, year=run1.year, month=1)
    page.goto(f"/data/activity/{rec.pk}/")
    with page.expect_navigation():
        page.click("text=更正")
    page.fill("#id_amount", str(rec.amount * 2))
    page.fill("#id_reason", "盘点差异更正")
    with page.expect_navigation():
        page.click("button:has-text('保存')")
    expect(page.get_by_text("更正已保存为新的草稿版本。")).to_be_visible()
    new = ActivityRecord.objects.get(previous=rec)
    services.activity_submit(actor=clerk, records=[new])
    services.activity_approve(actor=reviewer, records=[new])
    page.goto(f"/data/activity/{new.pk}/")
    assert page.locator("text=盘点差异更正").count() >= 1
    shot(page, "carbondata-correction-versions-zh")

    with page.expect_navigation(wait_until="networkidle"):
        page.click("text=退出登录")
    login(page, "park_officer")
    with page.expect_navigation():
        page.click("[data-nav=park_sources]")
    assert page.locator("h1").inner_text() == "园区排放源清单"
    page.wait_for_selector("[data-chart] svg")
    shot(page, "carbondata-park-register-zh")
    page.goto(f"/inventory/parks/{demo_park.pk}/?year={run1.year}")
    page.fill("#id_reason", "更正后重新计算")  # the demo year is closed: a recalculation needs a reason
    with page.expect_navigation():
        page.click("[data-testid=run-calculation]")
    page.wait_for_selector("[data-testid=provenance]")
    page.select_option("select[name=against]", str(run1.pk))
    with page.expect_navigation():
        page.click("button:has-text('对比')")
    expect(page.locator("[data-testid=diff] tbody tr")).to_have_count(1)  # the diff page has loaded
    rows = page.locator("[data-testid=diff] tbody tr").all_inner_texts()
    assert len(rows) == 1 and rec.source.code in rows[0] and "v1 → v2" in rows[0]
    shot(page, "inventory-diff-zh")
    with page.expect_navigation(wait_until="networkidle"):
        page.click("[data-testid=lang-en]")
    assert page.locator("h1").inner_text().startswith("Run comparison")
    page.goto(f"/inventory/parks/{demo_park.pk}/?year={run1.year}")
    page.wait_for_selector("[data-chart] svg")
    expect(page.get_by_text("Energy consumption").first).to_be_visible()
    expect(page.get_by_text("By enterprise").first).to_be_visible()
    shot(page, "inventory-park-en")
