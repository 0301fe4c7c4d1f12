"""The carbon review: pre-filled items, workflow with segregation of duties, versions on triggers (issue 12 item 8;
issue 13 item 7), management-review inputs schema 3 and the conformity topics."""
from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from carbonms.audits.inputs import SCHEMA_VERSION, assemble_inputs, schema_version
from carbonms.audits.selectors import input_rows
from carbonms.carbonreview import sections, selectors, services
from carbonms.carbonreview.models import CarbonReview
from carbonms.carbonreview.templatetags.carbonreview import phrase
from carbonms.conformity.checks import topic_checks
from carbonms.organizations.models import Boundary

from .helpers import appoint, ent_system, statement

pytestmark = pytest.mark.django_db


def _start(world, year=2025):
    return services.review_create(actor=world.users["enterprise_admin"], system=ent_system(world), year=year)


def test_items_are_prefilled_from_the_data_and_say_when_a_source_is_missing(world):
    statement(world, year=2025, gross=1000.0)
    statement(world, year=2024, gross=1250.0)
    review = _start(world)
    keys = [s.key for s in review.sections.all()]
    assert keys[:2] == ["a_law", "b_boundaries"] and "m1_data" not in keys  # park modules only in the park's review
    assert {"t_trading", "s_assets", "n_neutrality"} <= set(keys)
    f = review.sections.get(key="f_emissions")
    rows = dict((phrase(k), phrase(v)) for k, v in f.data["rows"])
    assert f.available and rows["Gross emissions (tCO2e)"] == "1,000.0" and rows["Change on the year before (%)"] == "-20"
    b = review.sections.get(key="b_boundaries")
    assert b.available  # the world's enterprise has a boundary in force
    law = review.sections.get(key="a_law")
    assert not law.available and "No applicable compliance obligation" in phrase(law.data["note"])
    neutral = review.sections.get(key="n_neutrality")
    assert not neutral.available


def test_a_park_review_has_the_six_modules(world):
    from carbonms.management.system import System

    review = services.review_create(actor=world.users["park_carbon_officer"], system=System(world.park_a, None), year=2025)
    assert [s.key for s in review.sections.all()][:6] == [i.key for i in sections.ITEMS if i.park_only]


def test_phrases_render_in_the_readers_language(world):
    from django.utils import translation

    statement(world, year=2025, gross=1000.0)
    review = _start(world)
    label = review.sections.get(key="f_emissions").data["rows"][1][0]
    with translation.override("zh-hans"):
        assert phrase(label) != label  # translated at display time, not frozen in the author's language


def test_workflow_review_then_approval_by_top_management_not_the_author(world):
    statement(world, year=2025, gross=1000.0)
    admin, top = world.users["enterprise_admin"], world.users["reviewer"]
    review = _start(world)
    with pytest.raises(ValidationError):  # not the appointed representative
        services.review_mark_reviewed(actor=admin, review=review)
    appoint(world, admin, "representative")
    with pytest.raises(ValidationError) as exc:  # items without a conclusion
        services.review_mark_reviewed(actor=admin, review=review)
    assert "conclusion" in str(exc.value)
    for s in review.sections.all():
        services.section_save(actor=admin, section=s, findings="已核对", conclusion="adequate" if s.available else "na")
    with pytest.raises(ValidationError):  # "needs improvement" needs a finding
        services.section_save(actor=admin, section=review.sections.first(), findings="", conclusion="improve")
    services.review_mark_reviewed(actor=admin, review=review)
    with pytest.raises(ValidationError):  # frozen once reviewed
        services.section_save(actor=admin, section=review.sections.first(), findings="x", conclusion="adequate")
    appoint(world, admin, "top_management")
    with pytest.raises(ValidationError) as exc:  # the author may not approve
        services.review_approve(actor=admin, review=review, summary="ok")
    assert "drafted" in str(exc.value)
    with pytest.raises(ValidationError):  # a reviewer who is not appointed top management
        services.review_approve(actor=top, review=review, summary="ok")
    appoint(world, top, "top_management")
    with pytest.raises(ValidationError):
        services.review_approve(actor=top, review=review, summary="  ")
    services.review_approve(actor=top, review=review, summary="体系有效")
    review.refresh_from_db()
    assert review.status == "approved" and review.approved_by == top


def test_another_enterprise_cannot_start_or_change_a_review(world):
    from carbonms.management.system import System

    review = _start(world)
    other = System(world.e3.enterprise.park, world.e3.enterprise)
    with pytest.raises(PermissionDenied):
        services.review_create(actor=world.users["enterprise_admin"], system=other, year=2025)
    with pytest.raises(PermissionDenied):
        services.section_save(actor=world.users["viewer"], section=review.sections.first(), findings="x", conclusion="")
    with pytest.raises(ValidationError):  # one review per system and year
        _start(world)


def _approved(world):
    admin, top = world.users["enterprise_admin"], world.users["reviewer"]
    appoint(world, admin, "representative")
    appoint(world, top, "top_management")
    review = _start(world)
    for s in review.sections.all():
        services.section_save(actor=admin, section=s, findings="f", conclusion="na")
    services.review_mark_reviewed(actor=admin, review=review)
    return services.review_approve(actor=top, review=review, summary="s")


def test_a_trigger_calls_for_a_new_version_which_supersedes_the_old_on_approval(world):
    review = _approved(world)
    assert selectors.update_triggers(review) == []
    b = Boundary.objects.create(park=world.park_a, enterprise=world.e1.enterprise, kind="accounting", approach="operational",
                                description="新厂区", effective_from=dt.date(2026, 1, 1), change_reason="新厂区投产")
    assert b and [t["kind"] for t in selectors.update_triggers(review)] == ["boundary"]
    assert topic_checks(ent_system(world))["carbon_review"].status in ("warn", "fail")
    admin, top = world.users["enterprise_admin"], world.users["reviewer"]
    with pytest.raises(ValidationError):
        services.review_new_version(actor=admin, review=review, trigger=" ")
    new = services.review_new_version(actor=admin, review=review, trigger="新厂区投产")
    assert new.version == 2 and new.supersedes == review and new.sections.first().findings == "f"
    with pytest.raises(ValidationError):  # only one version in preparation
        services.review_new_version(actor=admin, review=review, trigger="again")
    for s in new.sections.all():
        services.section_save(actor=admin, section=s, findings="f2", conclusion="na")
    services.review_mark_reviewed(actor=admin, review=new)
    services.review_approve(actor=top, review=new, summary="s2")
    review.refresh_from_db()
    assert review.status == "superseded"
    assert CarbonReview.objects.filter(status="approved").get() == new


def test_carbon_review_conformity_follows_the_review_of_last_year(world):
    from django.utils import timezone

    year = timezone.localdate().year - 1
    assert topic_checks(ent_system(world))["carbon_review"].status == "fail"
    services.review_create(actor=world.users["enterprise_admin"], system=ent_system(world), year=year)
    assert topic_checks(ent_system(world))["carbon_review"].status == "warn"


def test_indicator_conformity_and_unlanded_topics(world):
    from decimal import Decimal

    s = ent_system(world)
    assert topic_checks(s)["indicators"].status == "fail"
    statement(world, year=2025, gross=1300.0)
    services.indicator_save(actor=world.users["enterprise_admin"], system=s, data={
        "code": "E-1", "name": "排放", "kind": "measured", "numerator": "gross", "expected_value": Decimal("1000")})
    check = topic_checks(s)["indicators"]
    assert check.status == "warn" and "not investigated" in check.text
    # no claim, no ledger records: the neutrality and asset topics do not apply and stay out (not assessed)
    assert "neutrality" not in topic_checks(s)


def test_management_review_inputs_carry_schema_3_and_old_reviews_still_render(world):
    inputs = assemble_inputs(ent_system(world))
    assert inputs["_schema"] == SCHEMA_VERSION == 3
    for key in ("targets", "baselines", "action_plans"):
        assert "available" in inputs[key]
        assert input_rows(inputs[key])  # renders as label/text lines
    old = {"_schema": 2, "performance": {"available": False}}
    assert schema_version(old) == 2 and input_rows(old.get("targets", {})) == []


def test_trading_and_asset_items_come_from_approved_ledger_movements(world):
    from decimal import Decimal

    from carbonms.ledger import services as ledger
    from tests.ledger.conftest import cea, enter_approved

    admin, reviewer = world.users["enterprise_admin"], world.users["reviewer"]
    park, ent = world.park_a, world.e1.enterprise
    lot = cea(admin, park, ent, 2024)
    enter_approved(admin, reviewer, park, ent, instrument=lot, kind="pre_allocation", date="2025-03-01", quantity_t="1000")
    enter_approved(admin, reviewer, park, ent, instrument=lot, kind="purchase", date="2025-06-01", quantity_t="200",
                   price_yuan_per_t="80", amount_yuan="16000", counterparty="某公司", trade_method="listed_agreement")
    ledger.movement_enter(actor=admin, park=park, enterprise=ent, data={  # entered, not approved: not counted
        "instrument": lot, "kind": "purchase", "date": "2025-07-01", "quantity_t": "999", "price_yuan_per_t": "80",
        "amount_yuan": "79920", "counterparty": "某公司", "trade_method": "listed_agreement"})
    review = _start(world)
    trading = review.sections.get(key="t_trading")
    text = {phrase(k): phrase(v) for k, v in trading.data["rows"]}
    assert text["a) National ETS (CEA): Purchase"] == "1 movements, 200 tCO2, 16,000 yuan"
    assert "derivative" in text["d) Carbon-finance derivatives"]  # said, not shown as nil
    assets = review.sections.get(key="s_assets")
    rows = {phrase(k): phrase(v) for k, v in assets.data["rows"]}
    assert rows["a) Positive assets: National allowances (CEA)"].startswith("1,200 tCO2, book value 16,000 yuan")
    # the book value is the purchase cost, the free allocation at nil (财会〔2019〕22号); movements awaiting approval don't count
    assert Decimal(16000) and "1,199" not in rows["a) Positive assets: National allowances (CEA)"]
