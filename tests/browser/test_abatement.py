"""Issue 12 (items 3, 6, 7) "Done when", in a real browser on the demo park: an enterprise adds an action-plan line
linked to its target (a line without a responsible person or verification method is refused with the reasons), and
the enterprise and the park see the plan timeline, the MACC chart and the pathway on their pages. Screenshots at
1440 px in Chinese and English in test-artifacts/."""
from __future__ import annotations

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.demo_extensions("targets", "abatement")]


def _logout(page):
    with page.expect_navigation(wait_until="networkidle"):
        page.click("[data-testid=logout]")


def _chart_drawn(page, testid):
    page.wait_for_selector(f"[data-testid={testid}] svg")
    assert page.locator(f"[data-testid={testid}] svg path").count() > 3


def test_enterprise_adds_action_plan_and_both_see_macc_and_pathway(browser, live_server, demo_park, login, shot):
    from carbonms.abatement.models import ActionLine
    from carbonms.organizations.models import Enterprise
    from carbonms.performance.models import Target

    steel = Enterprise.objects.get(name="江海特钢集团有限公司")
    target = Target.objects.filter(enterprise=steel, unit__isnull=True).order_by("pk").first()
    context = browser.new_context(viewport={"width": 1440, "height": 900}, locale="zh-CN", base_url=live_server.url)
    context.set_default_timeout(20000)
    page = context.new_page()
    login(page, "ent_admin")
    before = ActionLine.objects.filter(enterprise=steel).count()

    # 1. a plan line without a responsible person and verification method is refused, with both reasons
    page.goto(f"/abatement/ent-{steel.pk}/actions/")
    with page.expect_navigation():
        page.click("[data-testid=new-action]")
    page.fill("#id_code", "G-ACT-09")
    page.fill("#id_measure", "空压站集中控制与余热回收")
    page.select_option("#id_kind", "process_efficiency")
    if target is not None:
        page.select_option("#id_target", str(target.pk))
    page.fill("#id_department", "能源管理部")
    page.fill("#id_budget", "2600000")
    page.fill("#id_start_date", "2026-03-01")
    page.fill("#id_end_date", "2026-10-31")
    for side, amount in (("before", "60000"), ("after", "54000")):
        page.select_option(f"#id_{side}_category", "purchased_electricity")
        page.select_option(f"#id_{side}_method", "emission_factor")
        page.fill(f"#id_{side}_material", "电力")
        page.fill(f"#id_{side}_amount", amount)
        page.fill(f"#id_{side}_unit", "MWh")
    with page.expect_navigation():
        page.click("[data-testid=save]")
    errors = page.locator("[data-field=responsible] .errorlist").inner_text()
    assert "负责人" in errors
    assert "验证方法" in page.locator("[data-field=verification_method] .errorlist").inner_text()
    assert ActionLine.objects.filter(enterprise=steel).count() == before
    shot(page, "abatement-action-refused-zh")

    # 2. with them the line is saved; its expected reduction comes from the accounting core
    from carbonms.accounts.models import User

    page.select_option("#id_responsible", str(User.objects.get(username="ent_admin").pk))
    page.fill("#id_verification_method", "空压站电表改造前后各 3 个月计量比较（IPMVP 方案 B）")
    with page.expect_navigation():
        page.click("[data-testid=save]")
    assert page.locator("[data-testid=action-status]").inner_text() == "计划中"
    line = ActionLine.objects.get(enterprise=steel, code="G-ACT-09")
    assert line.annual_reduction_t > 0 and (target is None or line.target_id == target.pk)
    assert "tCO₂e" in page.locator("[data-testid=expected]").inner_text()

    # 3. the enterprise sees the timeline, the MACC and the pathway
    page.goto(f"/abatement/ent-{steel.pk}/actions/")
    _chart_drawn(page, "gantt-chart")
    assert "G-ACT-09" in page.locator("[data-testid=action-table]").inner_text()
    shot(page, "abatement-actions-enterprise-zh")
    page.goto(f"/abatement/ent-{steel.pk}/opportunities/")
    _chart_drawn(page, "macc-chart")
    shot(page, "abatement-macc-enterprise-zh")
    page.goto(f"/abatement/ent-{steel.pk}/pathway/")
    _chart_drawn(page, "pathway-chart")
    shot(page, "abatement-pathway-enterprise-zh")
    with page.expect_navigation(wait_until="networkidle"):
        page.click("[data-testid=lang-en]")
    _chart_drawn(page, "pathway-chart")
    assert "Trend, peak and neutrality pathway" in page.content()
    shot(page, "abatement-pathway-enterprise-en")
    with page.expect_navigation(wait_until="networkidle"):
        page.click("[data-testid=lang-zh]")
    # the park's pages do not exist for the enterprise
    resp = page.goto(f"/abatement/park-{demo_park.pk}/opportunities/")
    assert resp.status == 404
    _logout(page)

    # 4. the park sees the park-wide MACC (its own and its enterprises' opportunities), the plan and the pathway
    login(page, "park_officer")
    page.goto(f"/abatement/park-{demo_park.pk}/opportunities/")
    _chart_drawn(page, "macc-chart")
    assert steel.name in page.locator("[data-testid=opportunity-table]").inner_text()
    shot(page, "abatement-macc-park-zh")
    page.goto(f"/abatement/park-{demo_park.pk}/actions/")
    assert "G-ACT-09" in page.locator("[data-testid=action-table]").inner_text()
    _chart_drawn(page, "gantt-chart")
    shot(page, "abatement-actions-park-zh")
    page.goto(f"/abatement/park-{demo_park.pk}/pathway/")
    _chart_drawn(page, "pathway-chart")
    assert page.locator("[data-testid=scenario-table] tbody tr").count() == 3
    shot(page, "abatement-pathway-park-zh")
    with page.expect_navigation(wait_until="networkidle"):
        page.click("[data-testid=lang-en]")
    _chart_drawn(page, "pathway-chart")
    shot(page, "abatement-pathway-park-en")
    page.goto(f"/abatement/park-{demo_park.pk}/opportunities/")
    _chart_drawn(page, "macc-chart")
    shot(page, "abatement-macc-park-en")
    page.goto(f"/abatement/park-{demo_park.pk}/actions/")
    _chart_drawn(page, "gantt-chart")
    shot(page, "abatement-actions-park-en")
    with page.expect_navigation():
        page.click("[data-testid=lang-zh]")
    context.close()
