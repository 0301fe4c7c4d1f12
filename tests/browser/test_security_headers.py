"""The pages under the Content-Security-Policy in a real browser: charts, htmx, the behaviours that
used to be inline handlers and the Swagger UI all work, and no violation is reported (the conftest
fails any browser test whose pages report one)."""
from __future__ import annotations

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_violation_is_caught_by_the_watch(page, demo_park, login):
    """The watch itself works: an inline script injected into a page is refused and recorded."""
    from tests.browser import conftest

    login(page, "park_admin")
    with page.expect_console_message(lambda m: m.type == "error" and "script-src" in m.text):  # the watch's report
        page.evaluate("""() => { const s = document.createElement('script'); s.textContent = 'window.__ran = 1';
                                 document.body.appendChild(s); }""")
    assert page.evaluate("() => window.__ran") is None
    assert any("script-src" in v for v in conftest.CSP_VIOLATIONS)
    conftest.CSP_VIOLATIONS.clear()


def test_swagger_ui_renders_under_the_policy(page, demo_park, login, shot):
    login(page, "park_admin")
    page.goto("/api/docs/")
    page.wait_for_selector(".opblock", timeout=30000)
    assert page.locator(".opblock").count() >= 1 and page.locator(".swagger-ui .title").first.is_visible()
    shot(page, "api-docs")


def test_former_inline_handlers_work_from_app_js(page, demo_park, login):
    login(page, "park_admin")
    page.goto(f"/data/parks/{demo_park.pk}/sources/")
    select = page.locator("select[data-autosubmit]")
    value = select.locator("option").nth(1).get_attribute("value")
    select.select_option(value)
    page.wait_for_url(f"**category={value}**")
    page.goto("/data/review/")
    boxes = page.locator("input[name=record]")
    if boxes.count():
        page.check("input[data-check-all]")
        assert all(boxes.nth(i).is_checked() for i in range(boxes.count()))
