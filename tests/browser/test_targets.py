"""Issue 12 "Done when" (targets part), in a real browser on the demo park: the park carbon officer sets a park
baseline and target, the park's top management approves it, the officer publishes and allocates it to an
enterprise; the enterprise's top management accepts the 目标责任书 and the enterprise decomposes its target to a
unit; both see the progress of record on their pages. Screenshots at 1440 px in Chinese and English."""
from __future__ import annotations

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.demo_extensions("targets",)]


def _logout(page):
    with page.expect_navigation(wait_until="networkidle"):
        page.click("[data-testid=logout]")


def _save(page):
    with page.expect_navigation(wait_until="networkidle"):
        page.click("form button[type=submit].primary")


def _english(page):
    with page.expect_navigation(wait_until="networkidle"):
        page.click("[data-testid=lang-en]")


@pytest.mark.slow(35)
def test_park_target_cascade_to_enterprise_and_unit(page, demo_park, login, shot):
    from carbonms.inventory.statements import official_statement
    from carbonms.organizations.models import EmissionUnit, Enterprise
    from carbonms.performance.models import Target

    # the demo's own cascade: the park target allocated to every enterprise, the steel works' accepted and decomposed
    demo = Target.objects.get(park=demo_park, code="P-2030-ABS")
    assert demo.status == "published" and demo.allocations.count() >= 2 and demo.progress.filter(year=2025).exists()
    assert demo.allocations.filter(status="accepted").count() == 1
    assert Target.objects.filter(parent__parent=demo, status="published").count() == 1
    assert demo.baseline.adjustments.get().recalculate is False
    page.set_viewport_size({"width": 1440, "height": 900})
    steel = Enterprise.objects.get(name="江海特钢集团有限公司")
    st24 = official_statement(park=demo_park, year=2024)
    unit = EmissionUnit.objects.filter(enterprise=steel).order_by("code").first()

    # 1. the park carbon officer drafts a baseline from the 2024 statement of record
    login(page, "park_officer")
    page.goto("/targets/baselines/")
    with page.expect_navigation():
        page.click("[data-testid=new-park-baseline]")
    page.fill("#id_name", "园区基准（浏览器）")
    page.fill("#id_period_start", "2024-01-01")
    page.fill("#id_period_end", "2024-11-30")  # 11 months: refused
    page.select_option("#id_statement", str(st24.pk))
    _save(page)
    assert "12" in page.locator("[data-field=period_end] .errorlist").inner_text()
    page.fill("#id_period_end", "2024-12-31")
    _save(page)
    assert page.locator("[data-testid=baseline-status]").inner_text() == "草稿"
    baseline_url = page.url
    _logout(page)
    login(page, "park_reviewer")
    page.goto(baseline_url)
    with page.expect_navigation():
        page.click("[data-testid=approve]")
    assert "生效" in page.locator("[data-testid=baseline-status]").inner_text()
    _logout(page)

    # 2. the officer drafts the park target on it; the reviewer reviews; the park's top management approves
    login(page, "park_officer")
    page.goto("/targets/")
    with page.expect_navigation():
        page.click("[data-testid=new-park-target]")
    page.fill("#id_code", "P-BROWSER")
    page.fill("#id_title", "2030年园区碳排放下降20%")
    page.select_option("#id_baseline", label="园区基准（浏览器） v1")
    page.fill("#id_target_year", "2030")
    page.select_option("#id_method", "reduction_pct")
    page.fill("#id_reduction_pct", "20")
    page.fill("#id_reserve", "1000")
    page.select_option("#id_gwp_set", "AR5" if demo_park.gwp_set != "AR5" else "SAR")  # another GWP set: refused
    _save(page)
    assert "GWP" in page.locator("[data-field=gwp_set] .errorlist").inner_text()
    page.select_option("#id_gwp_set", demo_park.gwp_set)
    _save(page)
    target_url = page.url
    assert page.locator("[data-testid=approve]").count() == 0 and page.locator("[data-testid=review]").count() == 0
    _logout(page)
    login(page, "park_reviewer")
    page.goto(target_url)
    with page.expect_navigation():
        page.click("[data-testid=review]")
    assert page.locator("[data-testid=approve]").count() == 0  # a reviewer who is not top management
    _logout(page)
    login(page, "park_admin")
    page.goto(target_url)
    with page.expect_navigation():
        page.click("[data-testid=approve]")
    assert page.locator("[data-testid=target-status]").inner_text() == "已批准"
    _logout(page)

    # 3. the officer publishes it and allocates part of it to the steel works, then issues it
    login(page, "park_officer")
    page.goto(target_url)
    page.fill("#id_published_to", "园区门户网站")
    with page.expect_navigation():
        page.click("[data-testid=publish]")
    assert page.locator("[data-testid=target-status]").inner_text() == "已发布"
    assert page.locator("[data-testid=progress] tbody tr").count() >= 1  # 2025 from the statement of record
    with page.expect_navigation():
        page.click("[data-testid=allocate]")
    page.select_option("#id_enterprise", str(steel.pk))
    page.select_option("#id_method", "negotiated")
    page.fill("#id_base_value", "100000")
    page.fill("#id_allocated_value", "10000000000")  # beyond the park target: refused
    page.fill("#id_note", "协商分解")
    _save(page)
    assert "超额分解" in page.locator("[data-field=allocated_value]").inner_text(), page.locator("form").inner_text()
    page.fill("#id_allocated_value", "78000")
    _save(page)
    with page.expect_navigation():
        page.click(f"[data-testid=rollup] a:has-text('{steel.name}')")
    with page.expect_navigation():
        page.click("[data-testid=issue]")
    assert "已下达" in page.locator("[data-testid=allocation-status]").inner_text()
    allocation_url = page.url
    shot(page, "targets-allocation-park-zh")
    _logout(page)

    # 4. the enterprise's top management accepts the 目标责任书
    login(page, "ent_admin")
    page.goto(allocation_url)
    assert page.locator("[data-testid=accept]").count() == 0  # the administrator is not top management
    _logout(page)
    login(page, "reviewer")
    page.goto("/targets/")
    page.goto(allocation_url)
    page.fill("#id_letter_number", "ZR-2026-009")
    with page.expect_navigation():
        page.click("[data-testid=accept]")
    assert "已接受" in page.locator("[data-testid=allocation-status]").inner_text()
    with page.expect_navigation():
        page.click("[data-testid=enterprise-target]")
    ent_target_url = page.url
    assert page.locator("[data-testid=target-status]").inner_text() == "已发布"
    assert page.locator("[data-testid=progress] tbody tr td").first.inner_text() == "2025"
    _logout(page)

    # 5. the enterprise decomposes it to a unit (not weaker); the top management approves it
    login(page, "ent_admin")
    page.goto(ent_target_url)
    assert page.locator("a[href$='/edit/']").count() == 0  # assigned by the park: not editable by the enterprise
    with page.expect_navigation():
        page.click("[data-testid=decompose]")
    page.select_option("#id_unit", str(unit.pk))
    page.fill("#id_title", "主要排放单元2030年目标")
    page.fill("#id_base_value", "20000")
    page.fill("#id_reduction_pct", "5")  # weaker than the enterprise's 22 %: refused
    _save(page)
    assert page.locator("[data-field=target_value] .errorlist, .form-errors").count() >= 1
    page.fill("#id_reduction_pct", "25")
    _save(page)
    unit_url = page.url
    _logout(page)
    login(page, "reviewer")
    page.goto(unit_url)
    with page.expect_navigation():
        page.click("[data-testid=review]")
    with page.expect_navigation():
        page.click("[data-testid=approve]")
    _logout(page)
    login(page, "ent_admin")
    page.goto(unit_url)
    with page.expect_navigation():
        page.click("[data-testid=publish]")
    assert page.locator("[data-testid=target-status]").inner_text() == "已发布"
    page.goto(ent_target_url)
    assert page.locator("[data-testid=chart] svg").count() == 1
    shot(page, "targets-enterprise-zh")
    _english(page)
    assert page.locator("[data-testid=target-status]").inner_text() == "Published"
    shot(page, "targets-enterprise-en")
    page.goto("/targets/")
    shot(page, "targets-list-enterprise-en")
    _logout(page)

    # 6. the park sees the cascade and the progress of record
    login(page, "park_officer")
    page.goto(target_url)
    assert page.locator("[data-testid=chart] svg").count() == 1
    assert steel.name in page.locator("[data-testid=rollup]").inner_text()
    shot(page, "targets-park-zh")
    _english(page)
    shot(page, "targets-park-en")
    page.goto("/targets/")
    shot(page, "targets-list-park-en")
    page.goto(baseline_url)
    shot(page, "targets-baseline-en")
    t = Target.objects.get(code="P-BROWSER")
    assert t.progress.filter(year=2025).exists() and Target.objects.filter(parent__parent=t).count() == 1
