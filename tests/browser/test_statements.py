"""Issue 10 "Done when", in a real browser on the demo park: a park officer closes 2025 for the park and sees the
statements, coverage and intensities on the park and enterprise pages; the verifier records a verification; the
management review takes the statements. Screenshots in test-artifacts/."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _logout(page):
    with page.expect_navigation(wait_until="networkidle"):
        page.click("[data-testid=logout]")


def test_officer_closes_the_park_year_verifier_verifies_review_takes_statements(page, demo_park, login, shot, tmp_path):
    from django.utils import timezone

    from carbonms.inventory.models import InventoryStatement
    from carbonms.organizations.models import Enterprise

    year = timezone.localdate().year - 1
    steel = Enterprise.objects.get(name="江海特钢集团有限公司")
    # the demo closed the year already; here the park's own statement of the year is not made yet
    InventoryStatement.objects.filter(park=demo_park, year=year, enterprise__isnull=True).delete()

    # 1. the park administrator computes the park's year again (the months are locked: with a reason) and drafts
    login(page, "park_admin")
    page.goto(f"/inventory/parks/{demo_park.pk}/?year={year}")
    page.fill("#run-form #id_reason", "年度关账")
    with page.expect_navigation():
        page.click("[data-testid=run-calculation]")
    with page.expect_navigation():
        page.click("[data-testid=make-statement]")
    page.fill("#id_justification", "演示：覆盖率说明")
    with page.expect_navigation():
        page.click("[data-testid=save]")
    assert page.locator("[data-testid=status]").inner_text() == "草稿"
    draft_url = page.url
    assert page.locator("[data-testid=approve]").count() == 0  # the drafter sees no approve step (four-eyes)
    _logout(page)

    # 2. the park carbon officer sees every enterprise closed and closes the park's year
    login(page, "park_officer")
    page.goto(f"/inventory/parks/{demo_park.pk}/statements/?year={year}")
    closing = page.locator("[data-testid=year-close]").inner_text()
    members = Enterprise.objects.filter(park=demo_park).count()
    closed = InventoryStatement.objects.filter(park=demo_park, year=year, enterprise__isnull=False,
                                               status__in=("approved", "verified")).count()
    assert f"{members} 家企业中已有 {closed} 家关账" in closing and closed >= members - 1
    page.goto(draft_url)
    for field in page.locator("[data-testid=close-exceptions] input[name^=exception_]").all():
        field.fill("本年度无排放源和活动数据")  # an enterprise without data closes nothing: listed as an exception
    with page.expect_navigation():
        page.click("[data-testid=approve]")
    assert page.locator("[data-testid=status]").inner_text() == "已批准"  # the platform's word for "approved"
    assert re.search(r"\d+(\.\d+)? %", page.locator("[data-testid=coverage]").inner_text())
    expect(page.locator("[data-testid=intensities]")).to_be_visible()
    shot(page, "statement-park-closed-zh")
    page.goto(f"/inventory/parks/{demo_park.pk}/?year={year}")
    expect(page.locator("[data-testid=official-gross]")).to_be_visible()
    assert page.locator("[data-testid=official-coverage]").inner_text().strip()
    page.goto(f"/inventory/enterprises/{steel.pk}/?year={year}")
    expect(page.locator("[data-testid=official-gross]")).to_be_visible()
    with page.expect_navigation():
        page.click("[data-testid=official-gross] a")
    assert page.locator("[data-testid=status]").inner_text() in ("已批准", "已核实")
    expect(page.locator("[data-testid=coverage]")).to_be_visible()
    expect(page.locator("[data-testid=intensities]")).to_be_visible()
    shot(page, "statement-enterprise-zh")
    _logout(page)

    # 3. the appointed verifier records the verification of the steel plant's statement of the year before
    login(page, "verifier")
    before = InventoryStatement.objects.get(enterprise=steel, year=year - 1, status="approved")
    page.goto(f"/inventory/statements/{before.pk}/")
    with page.expect_navigation():
        page.click("[data-testid=verify]")
    page.select_option("#id_opinion", "unqualified")
    page.fill("#id_verified_on", timezone.localdate().isoformat())
    report = tmp_path / "核查报告.pdf"
    report.write_bytes(b"%PDF-1.4\n% verification report\n")
    page.set_input_files("#id_verification_report", str(report))
    with page.expect_navigation():
        page.click("[data-testid=save]")
    assert page.locator("[data-testid=status]").inner_text() == "已核实"
    assert "郑核查" in page.locator("[data-testid=verification]").inner_text()
    shot(page, "statement-verified-zh")
    _logout(page)

    # 4. the park's management review takes its performance from the statements
    login(page, "park_officer")
    page.goto(f"/audit/park-{demo_park.pk}/reviews/new/")
    page.fill("#id_title", "年度管理评审")
    page.fill("#id_held_on", timezone.localdate().isoformat())
    with page.expect_navigation():
        page.click("[data-testid=save]")
    perf = page.locator("[data-input=performance]").inner_text()
    park_st = InventoryStatement.objects.get(park=demo_park, year=year, enterprise__isnull=True, status="approved")
    assert f"清单声明 #{park_st.pk}" in perf and "清单声明" in perf
