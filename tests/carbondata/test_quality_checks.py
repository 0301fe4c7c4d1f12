"""Data-quality checks on submission (issue 11, item 4): month-on-month and same-month-last-year jumps with a
configurable threshold, incomplete meter months (approval needs a reason), plausible ranges of the industry,
stock balances; findings stored as codes with parameters and put in words in the reader's language."""
from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import translation

from carbonms.carbondata import services
from carbonms.carbondata.models import ActivityRecord
from carbonms.carbondata.services import quality
from tests.carbondata.factories import ActivityRecordFactory, ElectricitySourceFactory, SourceFactory

S = ActivityRecord.Status


@pytest.fixture
def setup(world):
    ent = world.e1.enterprise
    return ent, world.users["data_clerk"], world.users["reviewer"]


def _approved(src, year, month, amount, user):
    return ActivityRecordFactory(source=src, year=year, month=month, amount=Decimal(amount), entered_by=user)


def _codes(rec) -> set[str]:
    rec.refresh_from_db()
    return {f["code"] for f in rec.quality_flags}


def _flag(rec, code) -> dict:
    return next(f for f in rec.quality_flags if f["code"] == code)


def test_the_issue_case_november_meter_rollup_is_flagged(setup):
    """A meter rollup of 5,073 MWh for November against 1,555–1,640 in January–March with the meters 65 %
    complete gave no finding (October had no value, so the month-on-month check had nothing to compare)."""
    ent, clerk, reviewer = setup
    src = ElectricitySourceFactory(enterprise=ent, code="E01")
    for month, amount in ((1, "1555"), (2, "1600"), (3, "1640")):
        _approved(src, 2025, month, amount, reviewer)
    nov = services.activity_from_meter(actor=clerk, source=src, year=2025, month=11, amount="5073", unit="MWh",
                                       detail={"meters": [{"meter": "EM-01"}, {"meter": "EM-02"}], "completeness": 0.65})
    findings = services.activity_submit(actor=clerk, records=[nov])
    assert {"jump_month", "meter_completeness"} <= {f["code"] for f in findings}
    nov.refresh_from_db()
    jump = _flag(nov, "jump_month")
    assert jump["params"]["reference_period"] == "2025-03" and jump["params"]["reference"] == "1640"
    assert Decimal(jump["params"]["change"]) == Decimal("2.0933")
    low = _flag(nov, "meter_completeness")
    assert low["params"] == {"completeness": "0.65", "threshold": "0.9", "meters": ["EM-01", "EM-02"]}
    assert "message" not in jump  # stored as code and parameters, not as text in one language
    with translation.override("en"):
        assert quality.describe(jump) == "+209 % against 2025-03 (1640); threshold 50 %."
        assert quality.describe(low).startswith("The meters were only 65.0 % complete in this month (below 90 %)")
    with translation.override("zh-hans"):
        assert quality.describe(jump) != "+209 % against 2025-03 (1640); threshold 50 %."
        assert "65.0" in quality.describe(low)


def test_same_month_last_year_jump(setup):
    ent, clerk, reviewer = setup
    src = ElectricitySourceFactory(enterprise=ent)
    _approved(src, 2024, 11, "1600", reviewer)
    _approved(src, 2025, 10, "1000", reviewer)
    rec = services.activity_save(actor=clerk, source=src, year=2025, month=11, amount="700")
    services.activity_submit(actor=clerk, records=[rec])
    assert _codes(rec) == {"jump_year"}  # -30 % against October is inside the threshold, -56 % against 2024-11 not
    assert _flag(rec, "jump_year")["params"]["reference_period"] == "2024-11"


def test_change_threshold_from_the_source_and_the_settings(setup, settings):
    ent, clerk, reviewer = setup
    src = ElectricitySourceFactory(enterprise=ent)
    _approved(src, 2025, 1, "100", reviewer)
    rec = services.activity_save(actor=clerk, source=src, year=2025, month=2, amount="140")
    services.activity_submit(actor=clerk, records=[rec])
    assert _codes(rec) == set()  # +40 %: inside the default 50 %
    rec.status = S.DRAFT
    rec.save()
    settings.CARBONDATA_QUALITY = {"CHANGE_SHARE": "0.3"}
    services.activity_submit(actor=clerk, records=[rec])
    assert _codes(rec) == {"jump_month"} and _flag(rec, "jump_month")["params"]["threshold"] == "0.3"
    src.change_threshold = Decimal("0.5")  # the source's own threshold wins
    src.save()
    rec.status = S.DRAFT
    rec.save()
    rec.source.refresh_from_db()
    services.activity_submit(actor=clerk, records=[rec])
    assert _codes(rec) == set()


def test_incomplete_meter_month_needs_a_reason_to_be_approved(setup, world):
    ent, clerk, reviewer = setup
    src = ElectricitySourceFactory(enterprise=ent)
    rec = services.activity_from_meter(actor=clerk, source=src, year=2025, month=5, amount="100", unit="MWh",
                                       detail={"meters": [{"meter": "EM-01"}], "completeness": 0.8})
    services.activity_submit(actor=clerk, records=[rec])
    rec.refresh_from_db()
    assert quality.needs_reason(rec)
    with pytest.raises(ValidationError) as exc:
        services.activity_approve(actor=reviewer, records=[rec], comment="  ")
    assert "the meter data of the month is incomplete" in exc.value.message_dict["comment"][0]
    rec.refresh_from_db()
    assert rec.status == S.SUBMITTED
    # the workflow step (page and API) goes through the same service
    c = Client()
    c.force_login(reviewer)
    c.post(reverse("carbondata:activity_action", args=[rec.pk, "approve"]), {})
    rec.refresh_from_db()
    assert rec.status == S.SUBMITTED
    c.post(reverse("carbondata:activity_action", args=[rec.pk, "approve"]), {"comment": "meter EM-01 offline 6 days; invoice agrees"})
    rec.refresh_from_db()
    assert rec.status == S.APPROVED and rec.review_comment == "meter EM-01 offline 6 days; invoice agrees"


def test_complete_meter_month_needs_no_reason(setup):
    ent, clerk, reviewer = setup
    src = ElectricitySourceFactory(enterprise=ent)
    rec = services.activity_from_meter(actor=clerk, source=src, year=2025, month=5, amount="100", unit="MWh",
                                       detail={"meters": [{"meter": "EM-01"}], "completeness": 0.95})
    services.activity_submit(actor=clerk, records=[rec])
    services.activity_approve(actor=reviewer, records=[rec])
    rec.refresh_from_db()
    assert rec.status == S.APPROVED and "meter_completeness" not in _codes(rec)


@pytest.mark.parametrize("industry, amount, plausible_max, basis", [
    ("3011", "200000", None, "industry"),   # cement: the table's row 30 / purchased electricity, 0–150,000 MWh
    ("3011", "120000", None, None),
    ("1810", "200000", None, None),         # garments: only the platform ceiling (2,000,000 MWh) applies
    ("1810", "2500000", None, "platform"),
    ("3011", "200000", "250000", None),     # the source's own range replaces the table
    ("3011", "300000", "250000", "source"),
])
def test_plausible_range_of_the_source_or_its_industry(setup, industry, amount, plausible_max, basis):
    ent, clerk, reviewer = setup
    ent.industry_code = industry
    ent.save()
    src = ElectricitySourceFactory(enterprise=ent, plausible_max=Decimal(plausible_max) if plausible_max else None)
    rec = services.activity_save(actor=clerk, source=src, year=2025, month=5, amount=amount)
    services.activity_submit(actor=clerk, records=[rec])
    if basis is None:
        assert "range" not in _codes(rec)
    else:
        assert _flag(rec, "range")["params"]["basis"] == basis


def test_a_source_minimum_alone_keeps_the_industry_ceiling(setup):
    ent, clerk, reviewer = setup
    ent.industry_code = "3011"
    ent.save()
    src = ElectricitySourceFactory(enterprise=ent, plausible_min=Decimal("10"))
    low = services.activity_save(actor=clerk, source=src, year=2025, month=4, amount="5")
    high = services.activity_save(actor=clerk, source=src, year=2025, month=5, amount="200000")
    services.activity_submit(actor=clerk, records=[low, high])
    assert _flag(low, "range")["params"]["basis"] == "source"
    assert _flag(high, "range")["params"]["basis"] == "industry"


def test_industry_table_rows_carry_their_basis():
    rows = quality.plausible_ranges()
    assert rows and all(r["basis"] and r["status"] == "estimate" for r in rows)
    assert quality.industry_range("3011", "purchased_electricity", "MWh")["max"] == Decimal("150000")
    assert quality.industry_range("3011", "stationary_combustion", "MWh")["industry_division"] == "*"


def test_stock_balance_that_does_not_close(setup):
    ent, clerk, reviewer = setup
    src = SourceFactory(enterprise=ent)
    rec = services.activity_save(actor=clerk, source=src, year=2025, month=2, amount="900",
                                 stock={"opening_stock": "50", "purchased": "800", "closing_stock": "40"})
    services.activity_submit(actor=clerk, records=[rec])
    assert _flag(rec, "stock")["params"] == {"expected": "810", "amount": "900"}
    ok = services.activity_save(actor=clerk, source=src, year=2025, month=3, amount="810",
                                stock={"opening_stock": "40", "purchased": "800", "closing_stock": "30"})
    services.activity_submit(actor=clerk, records=[ok])
    assert "stock" not in _codes(ok)


def test_findings_stored_with_text_before_codes_are_still_shown():
    assert quality.describe({"code": "jump", "message": "+80 % against the previous month."}) == "+80 % against the previous month."
