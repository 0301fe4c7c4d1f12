"""T/CSES 6.3.6 a) in a real browser at 1440 px: the park officer evaluates a purchase against a procurement criterion
of the demo park and reads it on the coordination page, in Chinese and English (screenshots in test-artifacts/)."""
from __future__ import annotations

from urllib.parse import urlparse

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.demo_extensions("targets", "governance")]


def _language(page, code):
    u = urlparse(page.url)
    page.context.add_cookies([{"name": "django_language", "value": code, "url": f"{u.scheme}://{u.netloc}/"}])


def test_officer_evaluates_a_purchase_and_reads_it_on_the_coordination_page(page, demo_park, login, shot):
    from carbonms.governance.models import ProcurementCriterion, ProcurementEvaluation

    page.set_viewport_size({"width": 1440, "height": 900})
    login(page, "park_officer")
    page.goto(f"/governance/parks/{demo_park.pk}/coordination/")
    with page.expect_navigation():
        page.click("[data-testid=evaluate-purchase]")
    motors = ProcurementCriterion.objects.get(park=demo_park, category="equipment")
    page.select_option("#id_criterion", str(motors.pk))
    page.fill("#id_item", "空压站 3 台 250 kW 一级能效变频空压机")
    page.fill("#id_supplier", "招标中标单位")
    page.fill("#id_evaluated_on", "2025-08-18")
    page.fill("#id_impact_tco2e", "-312.5")
    page.fill("#id_basis", "3 × 250 kW × 6,500 h × 12% 节电 = 585 MWh/年 × 0.5366 tCO2/MWh")
    page.select_option("#id_decision", "refused")
    with page.expect_navigation():
        page.click("form button[type=submit].primary")
    expect(page.locator("[data-field=conditions].has-error .errorlist")).to_be_visible()  # a refusal needs its reason
    page.fill("#id_conditions", "供应商未提供一级能效检测报告，补齐后重新评价。")
    with page.expect_navigation():
        page.click("form button[type=submit].primary")
    page.wait_for_url(f"**/governance/parks/{demo_park.pk}/coordination/")
    ev = ProcurementEvaluation.objects.get(item__startswith="空压站")
    assert ev.significant is True and ev.decision == "refused"  # |−312.5| ≥ 268.3 tCO2e
    table = page.locator("[data-testid=procurement-evaluations]")
    assert "空压站 3 台 250 kW" in table.inner_text() and "-312.50" in table.inner_text()
    assert "不予批准" in table.inner_text() and "显著影响" in table.inner_text() and "采购准则" in table.inner_text()
    shot(page, "procurement-evaluations-zh")
    _language(page, "en")
    page.reload()
    text = page.locator("[data-testid=procurement-evaluations]").inner_text()
    assert "Evaluations of purchases" in text and "Refused" in text and "significant" in text
    shot(page, "procurement-evaluations-en")
