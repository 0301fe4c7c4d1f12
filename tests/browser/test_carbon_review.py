"""Issue 12 item 8 "Done when", in a real browser on the demo park: the carbon review of the demo park for the demo
year is pre-filled and approved by the demo; an enterprise's review is filled item by item by its management
representative, recorded as reviewed, refused to its author for approval and approved by top management; the
indicators page shows values from the statements. Screenshots at 1440 px in both languages in test-artifacts/."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.demo_extensions()]


def _logout(page):
    with page.expect_navigation(wait_until="networkidle"):
        page.click("[data-testid=logout]")


@pytest.mark.slow(20)
def test_review_prefilled_filled_reviewed_and_approved(browser, live_server, demo_park, login, shot):
    from django.utils import timezone

    from carbonms.carbonreview.models import CarbonReview
    from carbonms.organizations.models import Enterprise

    year = timezone.localdate().year - 1
    park_review = CarbonReview.objects.get(park=demo_park, enterprise__isnull=True, year=year)
    assert park_review.status == "approved" and park_review.sections.filter(available=True).count() >= 8
    steel = Enterprise.objects.get(name="江海特钢集团有限公司")
    review = CarbonReview.objects.get(park=demo_park, enterprise=steel, year=year)
    assert review.status == "draft"

    context = browser.new_context(viewport={"width": 1440, "height": 900}, locale="zh-CN", base_url=live_server.url)
    context.set_default_timeout(15000)
    page = context.new_page()

    # the park's approved review: pre-filled items, the conclusions, the approval
    login(page, "park_officer")
    with page.expect_navigation():
        page.click("[data-nav=carbon_review]")
    with page.expect_navigation():
        page.click(f"[data-testid=review-{year}-1]")
    assert page.locator("[data-testid=review-status]").inner_text() == "已批准"
    assert page.locator("[data-section=f_emissions] dd").first.inner_text().startswith("#")
    assert page.locator("[data-testid=approve]").count() == 0
    shot(page, "carbon-review-park-approved-zh")
    with page.expect_navigation(wait_until="networkidle"):
        page.click("[data-testid=lang-en]")
    assert page.locator("[data-testid=review-status]").inner_text() == "Approved"
    expect(page.get_by_text("Emissions calculated under the applicable guidelines")).to_be_visible()
    shot(page, "carbon-review-park-approved-en")
    with page.expect_navigation():
        page.click("[data-nav=indicators]")
    expect(page.locator("[data-testid=indicator-P-02]")).to_be_visible()
    shot(page, "indicators-park-en")
    with page.expect_navigation(wait_until="networkidle"):
        page.click("[data-testid=lang-zh]")
    shot(page, "indicators-park-zh")
    _logout(page)

    # the enterprise's management representative fills every item and records the review as reviewed
    login(page, "ent_admin")
    page.goto(review.get_absolute_url())
    assert page.locator("[data-testid=review-status]").inner_text() == "草稿"
    assert page.locator("[data-testid=mark-reviewed]").count() == 0  # items without a conclusion: no step yet
    for s in review.sections.order_by("position"):
        form = page.locator(f"#s-{s.key} form")
        form.locator("textarea").fill("已核对预填数据，与台账一致。" if s.available else "数据模块尚未提供，本年度不评审。")
        form.locator("select").select_option("adequate" if s.available else "na")
        with page.expect_navigation(wait_until="networkidle"):
            form.locator(f"[data-testid=save-{s.key}]").click()
        assert page.locator(f"[data-testid=conclusion-{s.key}]").inner_text() in ("适宜有效", "不适用")
    shot(page, "carbon-review-enterprise-filled-zh")
    with page.expect_navigation():
        page.click("[data-testid=mark-reviewed]")
    assert page.locator("[data-testid=review-status]").inner_text() == "已评审"
    assert page.locator("[data-testid=approve]").count() == 0  # the author sees no approve step
    _logout(page)

    # top management (not the author) approves with the overall conclusion
    login(page, "reviewer")
    page.goto(review.get_absolute_url())
    page.fill("#id_summary", "本年度碳评审事项均已评审，体系运行有效。")
    with page.expect_navigation(wait_until="networkidle"):
        page.click("[data-testid=approve]")
    assert page.locator("[data-testid=review-status]").inner_text() == "已批准"
    review.refresh_from_db()
    assert review.status == "approved" and review.approved_by.username == "reviewer"
    shot(page, "carbon-review-enterprise-approved-zh")
    context.close()
