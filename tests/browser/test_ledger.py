"""Issue 13 items 1–3 in a real browser on the demo park: the steel plant's data clerk enters a purchase, the
enterprise's reviewer approves it (the clerk could not), and the asset statement reconciles quantities and book
value with the purchase in it. Screenshots at 1440 px in zh-hans and en under test-artifacts/."""
from __future__ import annotations

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.demo_extensions("ledger",)]


def _logout(page):
    with page.expect_navigation(wait_until="networkidle"):
        page.click("[data-testid=logout]")


def _grouped(d, places=0) -> str:
    return f"{d:,.{places}f}"


def test_purchase_entered_approved_and_reconciled(page, demo_park, login, shot):
    from decimal import Decimal

    from django.utils import timezone, translation

    from carbonms.ledger.models import Instrument, Movement
    from carbonms.ledger.selectors import prices
    from carbonms.ledger.statement import asset_statement
    from carbonms.organizations.models import Enterprise

    year = timezone.localdate().year - 1
    steel = Enterprise.objects.get(name="江海特钢集团有限公司")
    cea = Instrument.objects.get(park=demo_park, enterprise=steel, kind="cea", vintage=year)
    page.set_viewport_size({"width": 1440, "height": 900})

    # 1. the data clerk enters a purchase with price, fees, counterparty and trade method
    login(page, "clerk")
    page.goto(f"/assets/e/{steel.pk}/")
    with page.expect_navigation():
        page.click("[data-testid=new-movement]")
    page.select_option("#id_kind", "purchase")
    page.select_option("#id_instrument", str(cea.pk))
    page.fill("#id_date", f"{year}-11-20")
    page.fill("#id_quantity_t", "1000")
    page.fill("#id_price_yuan_per_t", "70.50")
    page.fill("#id_fees_yuan", "50")
    page.fill("#id_counterparty", "浏览器测试对手方")
    page.select_option("#id_trade_method", "listed_agreement")
    with page.expect_navigation():
        page.click("[data-testid=save]")
    assert page.locator("[data-testid=status]").inner_text() == "已录入，待审批"
    assert page.locator("[data-testid=approve]").count() == 0  # the maker sees no approve step
    movement_url = page.url
    m = Movement.objects.get(pk=int(movement_url.rstrip("/").split("/")[-1]))
    assert (m.amount_yuan, m.entered_by.username) == (Decimal("70500.00"), "clerk")
    _logout(page)

    # 2. the enterprise's reviewer approves it
    login(page, "reviewer")
    page.goto(movement_url)
    shot(page, "ledger-movement-zh")
    with page.expect_navigation():
        page.click("[data-testid=approve]")
    m.refresh_from_db()
    assert (m.status, m.approved_by.username) == ("approved", "reviewer")
    with translation.override("zh-hans"):
        assert page.locator("[data-testid=status]").inner_text() == str(Movement.Status.APPROVED.label)

    # 3. the asset statement reconciles, with the purchase in it
    page.goto(f"/assets/e/{steel.pk}/statement/?year={year}")
    st = asset_statement(park=demo_park, enterprise=steel, year=year, quotes=prices(m.approved_by, park=demo_park, enterprise=steel))
    assert st["reconciles"]
    assert "已核对" in page.locator("[data-testid=reconciles]").inner_text()
    assert page.locator("[data-testid=rf-closing]").inner_text() == _grouped(st["rows"]["closing"]["quantity_t"])
    assert page.locator("[data-testid=rf-closing-amount]").inner_text() == _grouped(st["rows"]["closing"]["amount_yuan"], 2)
    assert page.locator("[data-testid=held]").inner_text() == _grouped(st["totals"]["quantity_t"])
    assert page.locator("[data-testid=book-value]").inner_text() == _grouped(st["totals"]["book_value_yuan"], 2)
    assert st["rows"]["purchased"]["amount_yuan"] >= Decimal("70550")
    assert page.locator("[data-testid=restricted]").count() >= 1  # the un-carried old vintage
    shot(page, "ledger-statement-zh")

    # 4. the same page in English
    with page.expect_navigation(wait_until="networkidle"):
        page.click("[data-testid=lang-en]")
    page.goto(f"/assets/e/{steel.pk}/statement/?year={year}")
    assert "Reconciles" in page.locator("[data-testid=reconciles]").inner_text()
    shot(page, "ledger-statement-en")
    page.goto(movement_url)
    shot(page, "ledger-movement-en")
