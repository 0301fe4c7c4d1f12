"""Issue 13 "Done when" for compliance and neutrality, in a real browser on the demo park:

1. the steel plant (a covered entity) shows its 2025 position and surrenders with the CCER cap enforced;
2. another enterprise (the cement plant) makes its 2025 neutrality claim on units cancelled for it, a free allowance
   is refused, the verifier records the determination, and the offsets are refused for a second use.

Screenshots at 1440 px in zh-hans and en in test-artifacts/."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.demo_extensions("ledger", "compliance")]


def _logout(page):
    with page.expect_navigation(wait_until="networkidle"):
        page.click("[data-testid=logout]")


def _english(page):
    page.context.add_cookies([{"name": "django_language", "value": "en", "url": page.url}])


@pytest.fixture
def wide(browser, live_server):
    context = browser.new_context(viewport={"width": 1440, "height": 900}, locale="zh-CN", base_url=live_server.url)
    context.set_default_timeout(20000)
    p = context.new_page()
    yield p
    context.close()


def test_steel_plant_position_and_surrender_with_the_cap(wide, demo_park, login, shot):
    from django.utils import timezone

    from carbonms.compliance import position
    from carbonms.compliance.holdings import lot_id
    from carbonms.ledger.models import Instrument, Movement
    from carbonms.organizations.models import Enterprise

    page, year = wide, timezone.localdate().year - 1
    steel = Enterprise.objects.get(name="江海特钢集团有限公司")
    pos = position.compute(steel, year)
    cap = pos["ccer_cap_t"]
    assert pos["ccer_eligible_t"] > cap  # the demo holds more eligible CCER than the cap

    login(page, "ent_admin")
    page.goto(f"/compliance/enterprises/{steel.pk}/")
    with page.expect_navigation():
        page.click("[data-testid=position-link]")
    assert page.locator("[data-testid=obligation]").inner_text().replace(",", "") == str(pos["obligation_t"])
    assert page.locator("[data-testid=ccer-cap]").inner_text().replace(",", "") == str(cap)
    assert "2024-01-22" in page.locator("[data-testid=holdings]").inner_text()  # the legacy CCER lot is excluded
    shot(page, "compliance-position-zh")

    with page.expect_navigation():
        page.click("[data-testid=surrender-link]")
    ccer_lots = [i for i in Instrument.objects.filter(enterprise=steel, kind="ccer") if i.registered_on and i.registered_on.year >= 2024]
    held = {x["id"]: int(x["quantity_t"]) for x in pos["lots"]}
    for inst in ccer_lots:  # every eligible CCER held: together beyond the cap
        page.fill(f"#id_qty_{lot_id(inst)}", str(held[lot_id(inst)]))
    with page.expect_navigation():
        page.click("[data-testid=save]")
    error = page.locator(".form-errors").inner_text()
    assert "CCER 超过抵销上限" in error and str(cap) in error.replace(",", "")
    assert not Movement.objects.filter(enterprise=steel, kind="surrender", compliance_year=year).exists()  # nothing written
    assert page.locator(f"#id_qty_{lot_id(Instrument.objects.get(enterprise=steel, project_id='CCER-2023-0102'))}").is_disabled()
    shot(page, "compliance-surrender-cap-refused-zh")

    # the proposal as offered: CCER up to the cap, then allowances
    page.goto(f"/compliance/enterprises/{steel.pk}/{year}/surrender/")
    with page.expect_navigation():
        page.click("[data-testid=save]")
    assert page.locator("[data-testid=record-status]").inner_text() in ("部分清缴", "已完成清缴")
    assert page.locator("[data-testid=ccer-headroom]").inner_text() == "0"
    done = Movement.objects.filter(enterprise=steel, kind="surrender", compliance_year=year)
    assert sum(m.quantity_t for m in done if m.instrument.kind == "ccer") == cap
    shot(page, "compliance-position-after-surrender-zh")
    _english(page)
    page.reload()
    assert "compliance position" in page.locator("h1").inner_text()
    shot(page, "compliance-position-after-surrender-en")


def test_neutrality_claim_determined_and_offsets_refused_a_second_use(wide, demo_park, login, shot):
    from django.utils import timezone

    from carbonms.compliance.models import NeutralityClaim
    from carbonms.ledger.models import Instrument, Movement
    from carbonms.organizations.models import Enterprise

    page, year = wide, timezone.localdate().year - 1
    cement = Enterprise.objects.get(name="江海建材水泥有限公司")
    NeutralityClaim.objects.filter(enterprise=cement, year=year).delete()  # the demo's claim: made again here in the browser
    cancelled = Movement.objects.filter(enterprise=cement, kind="cancellation", claim_year=year, status="approved")
    assert cancelled.count() == 2

    login(page, "ent2_admin")
    page.goto(f"/compliance/enterprises/{cement.pk}/")
    with page.expect_navigation():
        page.click("[data-testid=new-claim]")
    page.fill("#id_year", str(year))
    with page.expect_navigation():
        page.click("[data-testid=save]")
    assert page.locator("[data-testid=status]").inner_text() == "草稿"
    assert page.locator("[data-testid=cancelled] tbody tr").count() == 2
    assert page.locator("[data-testid=gap]").inner_text() == "0"
    with page.expect_navigation():
        page.click("[data-testid=assess]")
    assert page.locator("[data-testid=status]").inner_text() == "自我评价"
    assert page.locator("[data-testid=achieved]").inner_text() == "已达成"
    claim_url = page.url

    # a free allowance is refused
    free = Instrument.objects.get(enterprise=cement, kind="cea", notes="")
    with page.expect_navigation():
        page.click("[data-testid=cancel-units]")
    page.select_option("#id_instrument", str(free.pk))
    page.fill("#id_quantity_t", "10")
    page.fill("#id_certificate_no", "ZX-TEST-1")
    with page.expect_navigation():
        page.click("[data-testid=save]")
    assert "免费分配的配额" in page.locator("[data-field=instrument] .errorlist").inner_text()
    # the same forestry credits again: the ledger refuses the second use, naming the first
    used = cancelled.get(instrument__kind="ccer")
    page.select_option("#id_instrument", str(used.instrument_id))
    page.fill("#id_quantity_t", "100")
    page.fill("#id_certificate_no", "ZX-TEST-2")
    page.fill("#id_serial_first", used.serial_first[:-6] + "000001")
    page.fill("#id_serial_last", used.serial_first[:-6] + "000100")
    with page.expect_navigation():
        page.click("[data-testid=save]")
    refused = page.locator(".card form").inner_text()
    assert used.certificate_no in refused or used.serial_first in refused
    assert Movement.objects.filter(enterprise=cement, kind="cancellation").count() == 2
    shot(page, "neutrality-second-use-refused-zh")
    _logout(page)

    # the third party records the determination
    login(page, "verifier")
    page.goto(claim_url)
    with page.expect_navigation():
        page.click("[data-testid=determine]")
    page.select_option("#id_conclusion", "achieved")
    page.fill("#id_verifier_body", "中国质量认证中心（演示）")
    page.fill("#id_determination_notes", "文件评审：排放声明、注销证明；现场访问：水泥窑系统。")
    with page.expect_navigation():
        page.click("[data-testid=save]")
    assert page.locator("[data-testid=status]").inner_text() == "第三方已认定"
    assert page.locator("[data-testid=conclusion]").inner_text() == "达成碳中和"
    _logout(page)

    # top management approves the declaration
    login(page, "ent2_top")
    page.goto(claim_url)
    page.fill("#id_maintained_until", f"{year + 1}-12-31")
    with page.expect_navigation():
        page.click("[data-testid=declare]")
    assert page.locator("[data-testid=status]").inner_text() == "已声明"
    expect(page.locator("[data-testid=report]")).to_be_visible()
    shot(page, "neutrality-claim-declared-zh")
    _english(page)
    page.reload()
    assert page.locator("[data-testid=status]").inner_text() == "Declared"
    shot(page, "neutrality-claim-declared-en")
