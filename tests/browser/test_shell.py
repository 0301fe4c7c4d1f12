"""The UI shell in a real browser: login, language switch, navigation, another enterprise's 404."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_login_rejects_wrong_password_then_accepts(page, demo_park, login, shot):
    page.goto("/accounts/login/")
    shot(page, "login-zh")
    login(page, "park_admin", "wrong-password")
    assert "/accounts/login/" in page.url
    expect(page.locator(".form-errors")).to_be_visible()
    assert "用户名" in page.locator(".form-errors").inner_text() or "密码" in page.locator(".form-errors").inner_text()
    shot(page, "login-error-zh")
    login(page, "park_admin")
    assert re.search(r"/cockpit/parks/\d+/$", page.url)  # park staff land on the park's cockpit (issue 14)
    assert page.locator("h1").inner_text().startswith(demo_park.name)


def test_park_overview_in_chinese_and_english(page, demo_park, login, shot):
    login(page, "park_officer")
    with page.expect_navigation():
        page.click("[data-nav=park]")
    page.wait_for_selector("[data-chart] svg")
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    assert page.locator("[data-group=organization] h4").inner_text() == "组织与范围"
    assert page.locator("table.data tbody tr").count() == 6  # 5 enterprises + the park facilities
    shot(page, "park-overview-zh")
    with page.expect_navigation(wait_until="networkidle"):
        page.click("[data-testid=lang-en]")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("[data-group=organization] h4").inner_text().upper() == "ORGANISATION & SCOPE"
    expect(page.get_by_text("Enterprises in the park")).to_be_visible()
    page.wait_for_selector("[data-chart] svg")
    shot(page, "park-overview-en")
    with page.expect_navigation(wait_until="networkidle"):
        page.click("[data-testid=lang-zh]")
    expect(page.get_by_text("园区内企业")).to_be_visible()


def test_navigation_groups_follow_the_standards(page, demo_park, login, shot):
    login(page, "park_admin")
    groups = page.locator(".nav-group h4").all_inner_texts()
    assert groups[:6] == ["组织与范围", "核算与数据", "策划与目标", "碳资产", "管理体系", "绩效评价与改进"][: len(groups)]
    with page.expect_navigation():
        page.click("[data-nav=changes]")
    assert page.url.endswith("/changes/")
    assert page.locator("h1").inner_text() == "变更记录"
    with page.expect_navigation():
        page.click("[data-nav=standards]")
    assert page.locator("h1").inner_text() == "标准与条款"
    with page.expect_navigation():
        page.click("[data-nav=park]")
    with page.expect_navigation():
        page.click("table.data tbody tr >> nth=1 >> a")
    assert re.search(r"/enterprises/\d+/$", page.url)
    expect(page.locator(".tree").first).to_be_visible()
    shot(page, "enterprise-detail-zh")
    with page.expect_navigation():
        page.click("[data-nav=users]")
    assert page.locator("table.data tbody tr").count() >= 12
    shot(page, "users-zh")


def test_search_filters_the_enterprise_table_with_htmx(page, demo_park, login):
    login(page, "park_admin")
    with page.expect_navigation():
        page.click("[data-nav=park]")
    page.fill("input[type=search]", "特钢")
    # (a locator, not wait_for_function: a string predicate is eval'd in the page, which the CSP refuses)
    expect(page.locator("#enterprise-table tbody tr")).to_have_count(1)
    assert "江海特钢" in page.locator("#enterprise-table tbody tr").inner_text()


def test_enterprise_user_sees_own_enterprise_and_404_for_another(page, demo_park, login, shot):
    from carbonms.organizations.models import Enterprise

    own = Enterprise.objects.get(name="江海特钢集团有限公司")
    other = Enterprise.objects.exclude(pk=own.pk).filter(kind="enterprise").first()
    login(page, "ent_admin")
    assert page.url.endswith(f"/enterprises/{own.pk}/")
    resp = page.goto(f"/enterprises/{other.pk}/")
    assert resp.status == 404
    assert page.locator("h1").inner_text() == "404"
    shot(page, "enterprise-404")
    resp = page.goto(f"/parks/{demo_park.pk}/")
    assert resp.status == 404


def test_edit_enterprise_shows_field_error_in_chinese(page, demo_park, login, shot):
    from carbonms.organizations.models import Enterprise

    own = Enterprise.objects.get(name="江海特钢集团有限公司")
    login(page, "ent_admin")
    page.goto(f"/enterprises/{own.pk}/edit/")
    page.fill("#id_credit_code", "91320600MA1XXXXX0A")
    with page.expect_navigation():
        page.click("button[type=submit].primary")
    err = page.locator("[data-field=credit_code] .errorlist")
    expect(err).to_be_visible()
    assert "校验" in err.inner_text()
    shot(page, "enterprise-edit-error-zh")
    own.refresh_from_db()
    assert own.credit_code != "91320600MA1XXXXX0A"


def test_tablet_width_collapses_the_sidebar(browser, live_server, demo_park):
    ctx = browser.new_context(viewport={"width": 820, "height": 1180}, base_url=live_server.url)
    p = ctx.new_page()
    p.goto("/accounts/login/")
    p.fill("#id_username", "park_admin")
    p.fill("#id_password", "CarbonMS-demo-2026")
    with p.expect_navigation():
        p.click("button[type=submit].primary")
    expect(p.locator("[data-toggle-nav]")).to_be_visible()  # the landing page (the login page has no sidebar either)
    expect(p.locator(".sidebar")).to_be_hidden()
    # the toggle works once app.js (deferred, now the first script) has run: a click before that is lost
    p.wait_for_load_state("load")
    p.click("[data-toggle-nav]")
    expect(p.locator(".sidebar")).to_be_visible()  # waits for the toggle, as the check before it did not
    ctx.close()
