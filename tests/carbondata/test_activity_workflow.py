"""Activity data: entry, the review workflow, locking and corrections, with every bad input's message."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from carbonms.carbondata import services
from carbonms.carbondata.models import ActivityRecord, DataEvent, PeriodLock
from tests.carbondata.factories import PlanItemFactory, SourceFactory

S = ActivityRecord.Status


@pytest.fixture
def setup(world):
    e = world.e1.enterprise
    return world, e, SourceFactory(enterprise=e, code="B01"), world.users["data_clerk"], world.users["reviewer"]


def msg(exc) -> str:
    return " ".join(m for ms in exc.value.message_dict.values() for m in ms) if hasattr(exc.value, "error_dict") else " ".join(exc.value.messages)


def test_draft_submit_approve(setup):
    w, e, src, clerk, reviewer = setup
    rec = services.activity_save(actor=clerk, source=src, year=2025, month=3, amount="120.5", unit="t")
    assert rec.status == S.DRAFT and rec.amount == Decimal("120.5") and rec.entered_by == clerk
    services.activity_submit(actor=clerk, records=[rec])
    rec.refresh_from_db()
    assert rec.status == S.SUBMITTED
    services.activity_approve(actor=reviewer, records=[rec])
    rec.refresh_from_db()
    assert rec.status == S.APPROVED and rec.reviewed_by == reviewer


def test_units_are_converted_to_the_source_unit(setup):
    w, e, src, clerk, _ = setup
    rec = services.activity_save(actor=clerk, source=src, year=2025, month=1, amount="2500", unit="kg")
    assert rec.amount == Decimal("2.5") and rec.unit == "t"


@pytest.mark.parametrize("amount, unit, field, text", [
    ("12", "MWh", "unit", "Wrong unit “MWh”: source B01 is measured in t."),
    ("12", "bananas", "unit", "Unknown unit “bananas”."),
    ("twelve", "t", "amount", "“twelve” is not a number."),
    ("-3", "t", "amount", "The amount cannot be negative."),
    ("", "t", "amount", "Enter the amount."),
])
def test_bad_values_are_refused_with_their_message(setup, amount, unit, field, text):
    w, e, src, clerk, _ = setup
    with pytest.raises(ValidationError) as exc:
        services.activity_save(actor=clerk, source=src, year=2025, month=1, amount=amount, unit=unit)
    assert exc.value.message_dict[field] == [text]
    assert not ActivityRecord.objects.exists()


def test_period_outside_the_source_and_boundary_validity(setup):
    w, e, src, clerk, _ = setup
    with pytest.raises(ValidationError) as exc:
        services.activity_save(actor=clerk, source=src, year=2019, month=12, amount="1", unit="t")
    assert "outside the effective period of source B01" in msg(exc)
    src.effective_from = dt.date(2010, 1, 1)
    src.save()
    with pytest.raises(ValidationError) as exc:
        services.activity_save(actor=clerk, source=src, year=2019, month=12, amount="1", unit="t")
    assert msg(exc) == "2019-12 is outside the validity of the enterprise's accounting boundary."


def test_source_of_another_enterprise(setup):
    w, e, src, clerk, _ = setup
    other = SourceFactory(enterprise=w.e2.enterprise, code="X9")
    with pytest.raises(ValidationError) as exc:
        services.activity_save(actor=clerk, source=other, enterprise=e, year=2025, month=1, amount="1")
    assert msg(exc) == "Source X9 belongs to another enterprise."
    with pytest.raises(PermissionDenied):  # and the clerk of E1 cannot write E2's data at all
        services.activity_save(actor=clerk, source=other, year=2025, month=1, amount="1")


def test_reviewer_cannot_approve_own_entry(setup):
    w, e, src, clerk, reviewer = setup
    admin = w.users["enterprise_admin"]  # may enter and approve, but not their own entry
    rec = services.activity_save(actor=admin, source=src, year=2025, month=1, amount="1")
    services.activity_submit(actor=admin, records=[rec])
    with pytest.raises(ValidationError) as exc:
        services.activity_approve(actor=admin, records=[rec])
    assert "You cannot approve data you entered or submitted yourself" in msg(exc)
    rec.refresh_from_db()
    assert rec.status == S.SUBMITTED
    with pytest.raises(PermissionDenied):
        services.activity_approve(actor=clerk, records=[rec])  # a clerk has no approve right
    services.activity_approve(actor=reviewer, records=[rec])


def test_return_needs_a_reason_and_allows_editing(setup):
    w, e, src, clerk, reviewer = setup
    rec = services.activity_save(actor=clerk, source=src, year=2025, month=1, amount="1")
    services.activity_submit(actor=clerk, records=[rec])
    with pytest.raises(ValidationError) as exc:
        services.activity_save(actor=clerk, source=src, year=2025, month=1, amount="2")
    assert "waiting for review" in msg(exc)
    with pytest.raises(ValidationError):
        services.activity_return(actor=reviewer, records=[rec], comment=" ")
    services.activity_return(actor=reviewer, records=[rec], comment="发票金额不符")
    rec = services.activity_save(actor=clerk, source=src, year=2025, month=1, amount="2")
    assert rec.status == S.DRAFT and rec.amount == 2


def test_lock_then_correction_creates_a_new_version(setup):
    w, e, src, clerk, reviewer = setup
    rec = services.activity_save(actor=clerk, source=src, year=2025, month=1, amount="100")
    services.activity_submit(actor=clerk, records=[rec])
    services.activity_approve(actor=reviewer, records=[rec])
    services.period_lock(actor=reviewer, enterprise=e, year=2025, month=1)
    rec.refresh_from_db()
    assert rec.status == S.LOCKED and DataEvent.objects.filter(kind="period_locked").exists()
    with pytest.raises(ValidationError) as exc:
        services.activity_save(actor=clerk, source=src, year=2025, month=1, amount="110")
    assert msg(exc) == "2025-01 is locked: changes need a correction with a reason."
    with pytest.raises(ValidationError) as exc:
        services.activity_correct(actor=clerk, record=rec, amount="110", reason="")
    assert exc.value.message_dict["reason"] == ["A correction needs a reason."]
    new = services.activity_correct(actor=clerk, record=rec, amount="110", reason="发票更正")
    assert new.version == 2 and not new.is_current and new.previous == rec
    services.activity_submit(actor=clerk, records=[new])
    services.activity_approve(actor=reviewer, records=[new])
    rec.refresh_from_db()
    new.refresh_from_db()
    assert (rec.status, rec.is_current) == (S.SUPERSEDED, False)
    assert (new.status, new.is_current) == (S.LOCKED, True)
    assert ActivityRecord.objects.filter(source=src, year=2025, month=1).count() == 2  # the old one stays visible


def test_lock_refuses_unapproved_values(setup):
    w, e, src, clerk, reviewer = setup
    services.activity_save(actor=clerk, source=src, year=2025, month=2, amount="1")
    with pytest.raises(ValidationError) as exc:
        services.period_lock(actor=reviewer, enterprise=e, year=2025, month=2)
    assert msg(exc) == "1 value of 2025-02 is not approved yet."
    assert not PeriodLock.objects.exists()


def test_quality_checks_on_submission(setup):
    w, e, src, clerk, reviewer = setup
    missing = SourceFactory(enterprise=e, code="B02")
    plan = PlanItemFactory(plan__enterprise=e, source=src).plan
    PlanItemFactory(plan=plan, source=missing)
    plan.status = "approved"
    plan.save()
    jan = services.activity_save(actor=clerk, source=src, year=2025, month=1, amount="100")
    services.activity_submit(actor=clerk, records=[jan])
    src.plausible_max = Decimal("500")
    src.save()
    feb = services.activity_save(actor=clerk, source=src, year=2025, month=2, amount="900",
                                 stock={"opening_stock": "50", "purchased": "800", "closing_stock": "40"})
    findings = services.activity_submit(actor=clerk, records=[feb])
    codes = {f["code"] for f in findings}
    assert {"jump_month", "stock", "range", "missing"} <= codes
    feb.refresh_from_db()
    assert {f["code"] for f in feb.quality_flags} == {"jump_month", "stock", "range"}
    assert any(f.get("source") == "B02" for f in findings if f["code"] == "missing")


def test_calibration_overdue_is_flagged(setup):
    from tests.carbondata.factories import CalibrationFactory

    w, e, src, clerk, reviewer = setup
    src.data_source = "meter"
    src.save()
    cal = CalibrationFactory(instrument__enterprise=e, performed_on=dt.date(2024, 1, 1), due_on=dt.date(2025, 1, 31))
    cal.instrument.sources.set([src])
    jan = services.activity_save(actor=clerk, source=src, year=2025, month=1, amount="100")
    mar = services.activity_save(actor=clerk, source=src, year=2025, month=3, amount="100")
    services.activity_submit(actor=clerk, records=[jan, mar])
    jan.refresh_from_db()
    mar.refresh_from_db()
    assert "calibration" not in {f["code"] for f in jan.quality_flags}
    assert "calibration" in {f["code"] for f in mar.quality_flags}


def test_meter_rollup_creates_a_draft_with_its_evidence(setup):
    w, e, src, clerk, reviewer = setup
    detail = {"meters": [{"meter": "M-01", "share": "1.0", "consumption": "120.5"}], "completeness": 0.97}
    rec = services.activity_from_meter(actor=clerk, source=src, year=2025, month=4, amount="120500", unit="kg", detail=detail)
    assert (rec.origin, rec.status, rec.amount) == ("meter", "draft", Decimal("120.5"))
    assert rec.meter_detail["meters"][0]["meter"] == "M-01" and rec.meter_detail["amount"] == "120.500000"
    again = services.activity_from_meter(actor=clerk, source=src, year=2025, month=4, amount="121", unit="t", detail=detail)
    assert again.pk == rec.pk and again.amount == Decimal("121")  # a late reading recomputes the draft
    manual = services.activity_save(actor=clerk, source=src, year=2025, month=5, amount="100")
    kept = services.activity_from_meter(actor=clerk, source=src, year=2025, month=5, amount="98", unit="t", detail=detail)
    assert kept.pk == manual.pk and kept.amount == 100 and kept.origin == "manual"
    assert kept.meter_detail["difference"] == "2.000000"  # shown beside the manual value
    services.activity_submit(actor=clerk, records=[rec])
    services.activity_approve(actor=reviewer, records=[rec])  # the same review as manual data
