"""ETS compliance (issue 13 item 4): the position from the statement of record and the rule table, the surrender
wizard's service with the cap and eligibility enforced through the ledger, the 履约记录, deadlines and reminders."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from carbonms.assets import rules
from carbonms.compliance import position, services
from carbonms.compliance.holdings import lot_id
from carbonms.compliance.models import ComplianceRecord
from carbonms.ledger.models import Movement

from .conftest import YEAR, statement

pytestmark = pytest.mark.django_db


def test_position_from_verified_statement_and_rule_table(covered):
    pos = position.compute(covered["ent"], YEAR, price=Decimal("70"))
    assert pos["obligation_t"] == 10000 and pos["statement"]["total"] == "direct"
    assert pos["ccer_cap_t"] == 500 and pos["ccer_headroom_t"] == 500
    lots = {lot["id"]: lot for lot in pos["lots"]}
    assert lots[lot_id(covered["old"])]["eligible"] is False and "2019–2024" in lots[lot_id(covered["old"])]["reason"]
    assert lots[lot_id(covered["legacy"])]["eligible"] is False and "2024-01-22" in lots[lot_id(covered["legacy"])]["reason"]
    assert lots[lot_id(covered["ccer"])]["proposed_t"] == 500 and lots[lot_id(covered["cea"])]["proposed_t"] == 9000
    assert pos["shortfall_t"] == 500 and pos["cost_to_close_yuan"] == 35000.0
    assert pos["deadline"] == "2026-12-31" and pos["penalty"]["kind"] == "price_multiple"
    steps = {d["step"]: d["due"] for d in pos["deadlines"]}
    assert steps == {"annual_report": "2026-03-31", "verification": "2026-07-31", "surrender": "2026-12-31"}  # steel's dates


def test_obligation_needs_a_verified_or_ets_statement(world):
    org = world.e1
    org.enterprise.carbon_market_covered = True
    org.enterprise.save()
    statement(world, org, status="approved")  # management basis, approved but not verified
    with pytest.raises(ValidationError) as e:
        position.compute(org.enterprise, YEAR)
    assert "year" in e.value.message_dict


def test_ets_statement_wins_over_management(world):
    org = world.e1
    org.enterprise.carbon_market_covered = True
    org.enterprise.save()
    statement(world, org)
    statement(world, org, basis="ets", status="approved", direct=11111.0)
    assert position.obligation_of(org.enterprise, YEAR).tonnes == 11111


def test_surrender_ccer_beyond_cap_is_refused_and_nothing_written(covered):
    w, ent = covered["w"], covered["ent"]
    with pytest.raises(ValidationError) as e:
        services.surrender(actor=w.users["enterprise_admin"], enterprise=ent, year=YEAR, quantities={lot_id(covered["ccer"]): "501"})
    assert "CCER" in " ".join(e.value.messages) and "500" in " ".join(e.value.messages)
    assert not Movement.objects.filter(kind="surrender").exists() and not ComplianceRecord.objects.exists()


def test_surrender_ineligible_lot_is_refused_with_the_rule(covered):
    w, ent = covered["w"], covered["ent"]
    with pytest.raises(ValidationError) as e:
        services.surrender(actor=w.users["enterprise_admin"], enterprise=ent, year=YEAR,
                           quantities={lot_id(covered["legacy"]): "10", lot_id(covered["cea"]): "10"})
    key = f"qty_{lot_id(covered['legacy'])}"
    assert key in e.value.message_dict and "2024-01-22" in e.value.message_dict[key][0]
    assert not Movement.objects.filter(kind="surrender").exists()


def test_surrender_more_than_held_or_remaining_is_refused(covered):
    w, ent = covered["w"], covered["ent"]
    with pytest.raises(ValidationError):
        services.surrender(actor=w.users["enterprise_admin"], enterprise=ent, year=YEAR, quantities={lot_id(covered["cea"]): "9001"})
    with pytest.raises(ValidationError):
        services.surrender(actor=w.users["enterprise_admin"], enterprise=ent, year=YEAR, quantities={"L999999": "1"})


def test_surrender_records_movements_and_the_compliance_record(covered):
    w, ent = covered["w"], covered["ent"]
    rec = services.surrender(actor=w.users["enterprise_admin"], enterprise=ent, year=YEAR,
                             quantities={lot_id(covered["ccer"]): "500", lot_id(covered["cea"]): "9000"})
    assert rec.status == "partial" and rec.surrendered_t == 9500 and rec.ccer_surrendered_t == 500
    ccer_move = Movement.objects.get(kind="surrender", instrument=covered["ccer"])
    assert ccer_move.compliance_year == YEAR and ccer_move.serial_first == "CN-A-000001" and ccer_move.serial_last == "CN-A-000500"
    pos = position.compute(ent, YEAR)
    assert pos["ccer_headroom_t"] == 0 and pos["remaining_t"] == 500 and pos["surrendered_t"] == 9500
    with pytest.raises(ValidationError):  # the cap counts earlier surrenders
        services.surrender(actor=w.users["enterprise_admin"], enterprise=ent, year=YEAR, quantities={lot_id(covered["ccer"]): "1"})
    # buy the shortfall, surrender it: settled
    cea = covered["cea"]
    from .conftest import move
    move(w, covered["org"], instrument=cea, kind="purchase", date=dt.date(2026, 10, 1), quantity_t=Decimal(500),
         price_yuan_per_t=Decimal(75), counterparty="Z", trade_method="listed_agreement")
    rec = services.surrender(actor=w.users["enterprise_admin"], enterprise=ent, year=YEAR, quantities={lot_id(cea): "500"})
    assert rec.status == "settled" and rec.settled_on is not None


def test_surrender_needs_the_assets_permission_and_the_enterprise_scope(covered, world):
    ent = covered["ent"]
    with pytest.raises(PermissionDenied):
        services.surrender(actor=world.users["viewer"], enterprise=ent, year=YEAR, quantities={lot_id(covered["cea"]): "1"})
    with pytest.raises(PermissionDenied):  # another enterprise's administrator
        from tests.factories import RoleAssignmentFactory, UserFactory
        other = UserFactory(username="other_admin")
        RoleAssignmentFactory(user=other, role="enterprise_admin", park=world.park_a, enterprise=world.e2.enterprise)
        services.surrender(actor=other, enterprise=ent, year=YEAR, quantities={lot_id(covered["cea"]): "1"})


def test_deadline_rule_table_rows_have_sources():
    for y in (2024, 2025):
        for d in rules.deadlines(y, "power"):
            assert d.source
    assert rules.sector_of("4412") == "power" and rules.sector_of("3011") == "cement" and rules.sector_of("2614") is None
    assert [d.step for d in rules.deadlines(2025, "power")] == ["annual_report", "verification", "surrender"]
    assert rules.deadlines(2025, "power")[1].due == dt.date(2026, 6, 30)


def test_reminders_for_ets_deadlines(covered):
    from carbonms.conformity.models import Task
    from carbonms.conformity.reminders import run_reminders

    w = covered["w"]
    run_reminders(dt.date(2026, 3, 28), email=False)
    task = Task.objects.get(user=w.users["enterprise_admin"], ref__startswith=f"ets:{covered['ent'].pk}:{YEAR}:annual_report")
    assert task.due_on == dt.date(2026, 3, 31) and str(YEAR) in task.display_title
    # the verification is done (the statement is verified): no task for it
    assert not Task.objects.filter(ref__endswith=":verification").exists()
