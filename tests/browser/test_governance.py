"""Issue 14 "Done when" (items 3 and 4), in a real browser on the demo park at 1440 px: a park officer screens a 两高
application and sees it refused for headroom, admits a green project that becomes an enterprise with an entry date,
and runs the 2025 assessment round to a published ranking. Screenshots in Chinese and English in test-artifacts/."""
from __future__ import annotations

import re
from decimal import ROUND_CEILING, Decimal

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def park_without_governance(transactional_db):
    """The demo park without the governance demo (the test makes those records itself), with the committees."""
    from carbonms.accounts.models import User
    from carbonms.demo.generator import build
    from carbonms.governance.models import Committee

    park = build(enterprises=5, seed=7, extensions=("targets",)).park  # the park target whose headroom is screened
    officer, admin = User.objects.get(username="park_officer"), User.objects.get(username="park_admin")
    for kind, name in (("admission", "园区项目准入委员会"), ("leading_group", "园区碳达峰碳中和工作领导小组")):
        c = Committee.objects.create(park=park, kind=kind, name=name)
        c.members.set([officer, admin])
    return park


def _wide(page):
    page.set_viewport_size({"width": 1440, "height": 900})


def _fill_application(page, park, *, number_hint, applicant, code, industry, products, activity, output="",
                      benchmark="", renewable="0"):
    page.goto(f"/governance/parks/{park.pk}/applications/new/")
    page.fill("#id_project", number_hint)
    page.fill("#id_applicant", applicant)
    page.fill("#id_credit_code", code)
    page.fill("#id_industry_code", industry)
    page.fill("#id_products", products)
    page.fill("#id_capacity", "120")
    page.fill("#id_capacity_unit", "万吨/年")
    if output:
        page.fill("#id_planned_output", output)
    if benchmark:
        page.select_option("#id_benchmark", benchmark)
    page.fill("#id_operation_year", "2027")
    page.fill("#id_planned_activity", activity)
    page.fill("#id_renewable_share_pct", renewable)
    with page.expect_navigation(wait_until="networkidle"):
        page.click("button[type=submit].primary")


@pytest.mark.slow(25)
def test_officer_screens_admits_and_publishes_the_2025_assessment(page, park_without_governance, login, shot):
    from carbonms.governance import headroom, screening
    from carbonms.governance.models import EnterpriseAssessment, ProjectApplication
    from carbonms.organizations.models import Enterprise

    park = park_without_governance
    _wide(page)
    login(page, "park_officer")
    budget = headroom.park_budget(park, 2027)
    assert budget is not None, "the targets demo gives the park an absolute target"
    per_t = screening.planned_totals([{"source": "窑", "category": "stationary_combustion", "method": "fuel_combustion",
                                       "material": "烟煤", "amount": "1000", "unit": "t"}], year=2027,
                                     entity="x")["emissions_t"] / 1000
    coal_t = max(Decimal("180000"), (Decimal(budget["headroom"]) * Decimal("1.3") / per_t).to_integral_value(
        ROUND_CEILING))

    # 1. a 两高 cement clinker project: screening refuses it for the park target's headroom
    with page.expect_navigation(wait_until="networkidle"):
        page.click("text=项目准入")
    with page.expect_navigation():
        page.click("[data-testid=new-application]")
    _fill_application(page, park, number_hint="年产120万吨水泥熟料生产线项目", applicant="江海新型建材有限公司",
                      code="91320600MA1XK0J35Y", industry="3011", products="水泥熟料", output="1200000",
                      benchmark="cement_clinker", activity=f"熟料回转窑,stationary_combustion,fuel_combustion,烟煤,{coal_t},t")
    assert re.search(r"/governance/applications/\d+/$", page.url)
    with page.expect_navigation(wait_until="networkidle"):
        page.click("[data-testid=screen]")
    expect(page.locator("[data-testid=two-high]")).to_be_visible()
    headroom_row = page.locator("[data-check=headroom]")
    assert "未通过" in headroom_row.inner_text() and "剩余空间" in headroom_row.inner_text()
    assert page.locator("[data-testid=recommendation]").inner_text() == "不予准入"
    shot(page, "governance-two-high-refused-zh")
    with page.expect_navigation():
        page.click("[data-testid=decide]")
    page.select_option("#id_decision", "refuse")
    page.fill("#id_decided_on", "2026-03-18")
    page.fill("#id_votes_against", "2")
    with page.expect_navigation(wait_until="networkidle"):
        page.click("button[type=submit].primary")
    assert page.locator("[data-testid=application-status]").inner_text() == "不予准入"
    with page.expect_navigation(wait_until="networkidle"):
        page.click("[data-testid=lang-en]")
    assert "exceed the remaining headroom" in page.locator("[data-check=headroom]").inner_text()
    shot(page, "governance-two-high-refused-en")
    with page.expect_navigation(wait_until="networkidle"):
        page.click("[data-testid=lang-zh]")

    # 2. a green battery project: screened, admitted; it becomes an enterprise with its entry date
    _fill_application(page, park, number_hint="年产2GWh储能电池PACK项目", applicant="江海储能科技有限公司",
                      code="91320600MA1XK0J43R", industry="3841", products="储能电池系统", renewable="40",
                      activity="电芯及PACK产线,purchased_electricity,emission_factor,电力,2000,MWh\n"
                               "涂布烘干燃气炉,stationary_combustion,fuel_combustion,天然气,20,万立方米")
    with page.expect_navigation(wait_until="networkidle"):
        page.click("[data-testid=screen]")
    assert page.locator("[data-testid=recommendation]").inner_text() == "准入"
    with page.expect_navigation():
        page.click("[data-testid=decide]")
    page.select_option("#id_decision", "admit")
    page.fill("#id_decided_on", "2026-03-18")
    page.fill("#id_votes_for", "2")
    page.fill("#id_entry_date", "2026-06-01")
    with page.expect_navigation(wait_until="networkidle"):
        page.click("button[type=submit].primary")
    assert page.locator("[data-testid=entry-date]").inner_text() == "2026-06-01"
    shot(page, "governance-green-admitted-zh")
    ent = Enterprise.objects.get(name="江海储能科技有限公司")
    assert str(ent.entered_on) == "2026-06-01" and ent.park_id == park.pk
    assert ProjectApplication.objects.get(enterprise=ent).status == "admitted"

    # 3. the 2025 assessment: default scheme, open the round, park scores, submit, approve → published ranking
    with page.expect_navigation(wait_until="networkidle"):
        page.click("text=年度考核")
    with page.expect_navigation():
        page.click("[data-testid=adopt-scheme]")
    with page.expect_navigation(wait_until="networkidle"):
        page.click("button[type=submit].primary")
    page.goto(f"/governance/parks/{park.pk}/assessment/")
    with page.expect_navigation():
        page.click("[data-testid=open-round]")
    page.fill("#id_year", "2025")
    with page.expect_navigation(wait_until="networkidle"):
        page.click("button[type=submit].primary")
    round_url = page.url
    links = [a.get_attribute("href") for a in page.locator("[data-testid=ranking] tbody a").all()]
    assert len(links) == 5  # the five demo enterprises (the new one enters in 2026)
    for href in links:
        page.goto(href)
        with page.expect_navigation():
            page.click("[data-testid=park-score]")
        for inp in page.locator("input[name^=score_]").all():
            if not inp.input_value():
                inp.fill("4")  # within every criterion's range (the smallest has 5 points)
        with page.expect_navigation(wait_until="networkidle"):
            page.click("button[type=submit].primary")
        assert page.locator("[data-testid=total]").inner_text() != "—"
    shot(page, "governance-checklist-zh")
    page.goto(round_url)
    with page.expect_navigation(wait_until="networkidle"):
        page.click("[data-testid=round-submit]")
    with page.expect_navigation(wait_until="networkidle"):
        page.click("[data-testid=round-approve]")
    assert page.locator("[data-testid=round-status]").inner_text() == "已发布"
    ranks = page.locator("[data-testid=ranking] tbody tr td:first-child").all_inner_texts()
    assert ranks == ["1", "2", "3", "4", "5"]
    assert EnterpriseAssessment.objects.filter(round__year=2025, round__status="published", grade__gt="").count() == 5
    shot(page, "governance-ranking-zh")
    with page.expect_navigation(wait_until="networkidle"):
        page.click("[data-testid=lang-en]")
    assert page.locator("[data-testid=round-status]").inner_text() == "Published"
    shot(page, "governance-ranking-en")
    page.goto(links[0])
    shot(page, "governance-checklist-en")
