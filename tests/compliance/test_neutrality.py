"""Carbon-neutrality claims (issue 13 item 6; T/CIECCPA 8.4): emissions from a statement in force (never a draft),
offsets only when cancelled for the claim through the ledger (never free allowances, never units used elsewhere),
priority with a recorded justification, the third party's determination and the top-management declaration."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from carbonms.compliance import report, services
from carbonms.compliance.models import NeutralityClaim
from carbonms.management import models as m

from .conftest import YEAR, lot, move, statement

pytestmark = pytest.mark.django_db


@pytest.fixture
def claim_world(world):
    w, org = world, world.e1
    statement(w, org, status="approved", gross=1000.0, direct=800.0)
    bought = lot(w, org, kind="cea", vintage=YEAR)
    move(w, org, instrument=bought, kind="purchase", date=dt.date(2026, 1, 5), quantity_t=Decimal(400), price_yuan_per_t=Decimal(70),
         counterparty="X", trade_method="listed_agreement")
    free = lot(w, org, kind="cea", vintage=YEAR, notes="free")
    move(w, org, instrument=free, kind="final_allocation", date=dt.date(2026, 9, 30), quantity_t=Decimal(1000))
    sink = lot(w, org, kind="ccer", vintage=2024, project_id="P-9", methodology="CCER-14-001-V01", registered_on=dt.date(2024, 6, 1),
               forestry=True, local=True, serial_first="CN-F-000001", serial_last="CN-F-001000")
    move(w, org, instrument=sink, kind="purchase", date=dt.date(2026, 1, 8), quantity_t=Decimal(1000), price_yuan_per_t=Decimal(80),
         counterparty="Y", trade_method="listing_selection", serial_first="CN-F-000001", serial_last="CN-F-001000")
    other = lot(w, org, kind="ccer", vintage=2024, project_id="P-10", methodology="CMS-002-V01", registered_on=dt.date(2024, 6, 1),
                serial_first="CN-G-000001", serial_last="CN-G-000500")
    move(w, org, instrument=other, kind="purchase", date=dt.date(2026, 1, 8), quantity_t=Decimal(500), price_yuan_per_t=Decimal(60),
         counterparty="Y", trade_method="listing_selection", serial_first="CN-G-000001", serial_last="CN-G-000500")
    claim = services.claim_create(actor=w.users["enterprise_admin"], enterprise=org.enterprise, year=YEAR)
    return {"w": w, "org": org, "claim": claim, "bought": bought, "free": free, "sink": sink, "other": other}


def _cancel(cw, inst, q, first="", last="", user="enterprise_admin", approve=True):
    from carbonms.ledger import services as ledger

    mv = services.claim_cancel(actor=cw["w"].users[user], claim=cw["claim"], instrument=inst, quantity=q, on=dt.date(2026, 3, 1),
                               certificate_no="ZX-1", serial_first=first, serial_last=last)
    return ledger.movement_approve(actor=cw["w"].users["reviewer"], movement=mv) if approve else mv


def test_claim_refused_on_a_draft_statement(world):
    statement(world, world.e1, status="draft")
    with pytest.raises(ValidationError) as e:
        services.claim_create(actor=world.users["enterprise_admin"], enterprise=world.e1.enterprise, year=YEAR)
    assert "草稿" in e.value.message_dict["year"][0] and not NeutralityClaim.objects.exists()


def test_claim_takes_emissions_categories_and_gas_basis_from_the_statement(claim_world):
    c = claim_world["claim"]
    assert c.emissions_t == Decimal("1000.000") and c.gas_basis == "co2e" and "stationary_combustion" in c.categories


def test_free_allowance_is_refused_for_a_claim(claim_world):
    with pytest.raises(ValidationError) as e:
        _cancel(claim_world, claim_world["free"], 10)
    assert "免费" in e.value.message_dict["instrument"][0]


def test_unit_used_for_compliance_cannot_be_cancelled_for_a_claim(claim_world):
    w, org = claim_world["w"], claim_world["org"]
    move(w, org, instrument=claim_world["sink"], kind="surrender", date=dt.date(2026, 6, 1), quantity_t=Decimal(10), compliance_year=YEAR,
         serial_first="CN-F-000001", serial_last="CN-F-000010")
    with pytest.raises(ValidationError) as e:
        _cancel(claim_world, claim_world["sink"], 20, "CN-F-000001", "CN-F-000020")
    assert "CN-F-000001" in " ".join(e.value.messages)  # the ledger names the earlier use


def test_priority_needs_justification_then_determination_and_declaration(claim_world):
    cw, w = claim_world, claim_world["w"]
    _cancel(cw, cw["bought"], 400)
    _cancel(cw, cw["other"], 500, "CN-G-000001", "CN-G-000500")  # tier 5 used while tier 2 (sink) is held
    _cancel(cw, cw["sink"], 100, "CN-F-000001", "CN-F-000100")
    with pytest.raises(ValidationError) as e:
        services.claim_assess(actor=w.users["enterprise_admin"], claim=cw["claim"])
    assert "priority_justification" in e.value.message_dict
    claim = services.claim_assess(actor=w.users["enterprise_admin"], claim=cw["claim"], justification="林业碳汇批次已用于其他项目的预售")
    assert claim.status == "self_assessed" and claim.result["achieved"] and claim.result["eligible_t"] == 1000
    assert [a["tier"] for a in claim.result["allocation"]] == [1, 2, 5]
    # not the enterprise admin, not a verifier of another enterprise: only the appointed verifier determines
    with pytest.raises((PermissionDenied, ValidationError)):
        services.claim_determine(actor=w.users["enterprise_admin"], claim=claim, conclusion="achieved",
                                 determined_on=dt.date(2026, 4, 1), notes="x")
    with pytest.raises(ValidationError) as e:
        services.claim_determine(actor=w.users["external_verifier"], claim=claim, conclusion="achieved", determined_on=None, notes="")
    assert {"determined_on", "determination_notes"} <= set(e.value.message_dict)
    claim = services.claim_determine(actor=w.users["external_verifier"], claim=claim, conclusion="achieved",
                                     determined_on=dt.date(2026, 4, 1), body="CQC", notes="文件评审与现场访问")
    assert claim.status == "determined" and claim.verifier == w.users["external_verifier"]
    # the declaration: appointed top management who did not draft the claim
    with pytest.raises(ValidationError):
        services.claim_declare(actor=w.users["reviewer"], claim=claim, maintained_until=dt.date(2026, 12, 31))
    m.Appointment.objects.create(park=w.park_a, enterprise=cw["org"].enterprise, role="top_management", person=w.users["reviewer"])
    claim = services.claim_declare(actor=w.users["reviewer"], claim=claim, maintained_until=dt.date(2026, 12, 31))
    assert claim.status == "declared"
    sections = report.evaluation_report(claim, [])
    assert [s["key"] for s in sections] == list("abcdefghij")


def test_offsets_refused_for_a_second_use_by_another_claim(claim_world):
    cw, w = claim_world, claim_world["w"]
    _cancel(cw, cw["sink"], 100, "CN-F-000001", "CN-F-000100")
    # the same units again (the claim of the next year): the ledger refuses the overlap, naming the first use
    from carbonms.ledger import services as ledger

    nxt = NeutralityClaim(park=cw["claim"].park, enterprise=cw["claim"].enterprise, year=YEAR + 1, statement=cw["claim"].statement,
                          emissions_t=1, drafted_by=w.users["enterprise_admin"])
    nxt.save()
    with pytest.raises(ValidationError) as e:
        services.claim_cancel(actor=w.users["enterprise_admin"], claim=nxt, instrument=cw["sink"], quantity=50, on=dt.date(2026, 5, 1),
                              certificate_no="ZX-2", serial_first="CN-F-000051", serial_last="CN-F-000100")
    assert "CN-F-000001" in " ".join(e.value.messages)
    assert ledger  # the check is the ledger's


def test_cancellation_after_the_window_is_rejected(claim_world):
    cw, w = claim_world, claim_world["w"]
    from carbonms.ledger import services as ledger

    mv = services.claim_cancel(actor=w.users["enterprise_admin"], claim=cw["claim"], instrument=cw["bought"], quantity=400,
                               on=dt.date(2027, 2, 1), certificate_no="ZX-3")
    ledger.movement_approve(actor=w.users["reviewer"], movement=mv)
    result = services.claim_compute(cw["claim"], "en")
    assert result["eligible_t"] == 0 and "after the deadline 2026-12-31" in result["rejected"][0]["reason"]


def test_cancel_needs_permission_and_own_enterprise(claim_world, world):
    with pytest.raises(PermissionDenied):
        services.claim_cancel(actor=world.users["viewer"], claim=claim_world["claim"], instrument=claim_world["bought"], quantity=1,
                              on=dt.date(2026, 3, 1), certificate_no="ZX")
    from carbonms.ledger import services as ledger
    foreign = ledger.instrument_save(actor=world.users["park_admin"], park=world.park_a, enterprise=world.e2.enterprise,
                                     data={"kind": "cea", "vintage": YEAR})
    with pytest.raises(ValidationError):
        services.claim_cancel(actor=world.users["enterprise_admin"], claim=claim_world["claim"], instrument=foreign, quantity=1,
                              on=dt.date(2026, 3, 1), certificate_no="ZX")
