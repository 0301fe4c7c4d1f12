"""Issue 12 items 1, 2, 4 (targets, cascade, tracking, baselines and their adjustment) through the services,
with the "bad input" cases: each refused with a message naming the field, nothing half-written."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from carbonms.conformity.models import Task
from carbonms.conformity.reminders import run_reminders
from carbonms.performance import services, tracking, triggers
from carbonms.performance.models import (
    Baseline,
    BaselineAdjustment,
    BaselineTrigger,
    Target,
    TargetAllocation,
)

from .conftest import CATS, enterprise_baseline, park_baseline, published_park_target


def _errors(exc) -> dict:
    return {k: " ".join(str(m) for m in v) for k, v in exc.value.message_dict.items()}


def test_baseline_needs_twelve_months_and_snapshots_static_factors(park):
    w = park
    with pytest.raises(ValidationError) as exc:
        park_baseline(w, period_end=dt.date(2024, 11, 30))
    assert "12" in _errors(exc)["period_end"]
    assert not Baseline.objects.exists()
    b = park_baseline(w)
    assert b.status == "approved" and b.base_year == 2024
    assert b.static_factors["boundary"] is None or "id" in b.static_factors["boundary"]
    assert sorted(b.static_factors["enterprises"]) == sorted([w.e1.enterprise.pk, w.e2.enterprise.pk])
    assert b.static_factors["statement"]["id"] == w.st["park24"].pk
    e = enterprise_baseline(w, w.e1.enterprise, 600)
    assert e.static_factors["industry"] == w.e1.enterprise.industry_code and "capacity" in e.static_factors


def test_baseline_author_may_not_approve_and_gwp_must_match_statement(park):
    w = park
    b = services.baseline_save(actor=w.users["park_carbon_officer"], park=w.park_a, data={
        "name": "x", "period_start": dt.date(2024, 1, 1), "period_end": dt.date(2024, 12, 31), "value": Decimal("1"),
        "categories": CATS, "gwp_set": "SAR"})
    with pytest.raises(ValidationError, match="somebody else"):
        services.baseline_approve(actor=w.users["park_carbon_officer"], baseline=b)
    with pytest.raises(ValidationError) as exc:
        services.baseline_save(actor=w.users["park_carbon_officer"], park=w.park_a, data={
            "name": "y", "period_start": dt.date(2024, 1, 1), "period_end": dt.date(2024, 12, 31), "value": Decimal("1"),
            "categories": CATS, "gwp_set": "AR5", "statement": w.st["park24"]})
    assert "gwp_set" in _errors(exc)


def test_regression_with_a_constant_variable_is_refused_with_a_reason(park):
    w = park
    periods = [{"period": f"2024-{m:02d}", "value": 80 + m, "variables": {"output": 10}} for m in range(1, 13)]
    with pytest.raises(ValidationError) as exc:
        park_baseline(w, regression_input={"periods": periods, "variables": ["output"]})
    assert "output" in _errors(exc)["regression_input"]
    periods = [{"period": f"2024-{m:02d}", "value": 50 + 3 * m + (m % 3), "variables": {"output": 10 + m}} for m in range(1, 13)]
    b = park_baseline(w, regression_input={"periods": periods, "variables": ["output"]})
    assert b.regression["model"]["valid"] and b.regression["model"]["coefficients"]["output"] == pytest.approx(3, rel=0.1)


def test_target_bad_input(park):
    w = park
    b = park_baseline(w)
    base = {"code": "T", "title": "t", "categories": CATS, "gwp_set": "SAR", "counting_basis": "park_total", "baseline": b,
            "target_year": 2030, "method": "reduction_pct", "reduction_pct": Decimal("20")}
    officer = w.users["park_carbon_officer"]
    with pytest.raises(ValidationError) as exc:
        services.target_save(actor=officer, park=w.park_a, data={**base, "gwp_set": "AR5"})
    assert "GWP" in _errors(exc)["gwp_set"]
    with pytest.raises(ValidationError) as exc:
        services.target_save(actor=officer, park=w.park_a, data={**base, "categories": ["stationary_combustion"]})
    assert "categories" in _errors(exc)
    with pytest.raises(ValidationError) as exc:
        services.target_save(actor=officer, park=w.park_a, data={**base, "target_year": 2023})
    assert "2023" in _errors(exc)["target_year"]
    assert not Target.objects.exists()


def test_milestones_linear_from_base_year_and_sbti(park):
    w = park
    t = services.target_save(actor=w.users["park_carbon_officer"], park=w.park_a, data={
        "code": "S", "title": "s", "categories": CATS, "gwp_set": "SAR", "counting_basis": "park_total",
        "baseline": park_baseline(w), "start_year": 2026, "target_year": 2030, "method": "sbti_aca_1.5"})
    assert t.target_value == Decimal("748.000000")  # 1000 × (1 − 0.042 × 6)
    assert t.milestones["2024"] == 1000 and t.milestones["2027"] == pytest.approx(1000 - 252 / 6 * 3)


def test_workflow_author_may_not_approve_and_approver_must_be_top_management(park):
    w = park
    t = services.target_save(actor=w.users["park_carbon_officer"], park=w.park_a, data={
        "code": "W", "title": "w", "categories": CATS, "gwp_set": "SAR", "counting_basis": "park_total",
        "baseline": park_baseline(w), "target_year": 2030, "method": "reduction_pct", "reduction_pct": Decimal("10")})
    with pytest.raises(ValidationError, match="somebody else"):
        services.target_step(actor=w.users["park_carbon_officer"], target=t, step="review")
    services.target_step(actor=w.users["park_reviewer"], target=t, step="review")
    with pytest.raises(ValidationError, match="top management"):  # a reviewer not appointed
        services.target_step(actor=w.users["park_reviewer"], target=t, step="approve")
    t.author = w.park_top
    t.save()
    with pytest.raises(ValidationError, match="somebody else"):  # approving your own target
        services.target_step(actor=w.park_top, target=t, step="approve")
    t.author = w.users["park_carbon_officer"]
    t.save()
    services.target_step(actor=w.park_top, target=t, step="approve")
    t = services.target_publish(actor=w.users["park_carbon_officer"], target=t)
    assert t.status == "published" and t.approved_by == w.park_top


def test_progress_status_and_off_track_task(park):
    w = park
    t = published_park_target(w)  # 1000 → 800 in 2030; 2025 milestone 1000 − 200/6 = 966.67; actual 950: on track
    p = t.progress.get(year=2025)
    assert p.status == "on_track" and float(p.actual) == 950 and float(p.progress_pct) == pytest.approx(25.0)
    assert p.statement == w.st["park25"]
    # the 2025 statement is restated higher: at risk (≤ 5 % above), then off track, which raises a task
    st = w.st["park25"]
    st.totals = {**st.totals, "by_category": {"stationary_combustion": 720.0, "purchased_electricity": 290.0}}
    st.save()
    assert tracking.refresh(t)[0].status == "at_risk"
    st.totals = {**st.totals, "by_category": {"stationary_combustion": 800.0, "purchased_electricity": 300.0}}
    st.save()
    assert tracking.refresh(t)[0].status == "off_track"
    seen = []
    tracking.register_deviation_handler(seen.append)
    tracking.refresh(t)
    assert seen and seen[-1].target == t  # the review app's hook: deviation beyond 10 %
    assert tracking.deviations(w.users["park_carbon_officer"]) == [t.progress.get(year=2025)]
    run_reminders(email=False)
    task = Task.objects.get(user=w.users["park_carbon_officer"], ref=f"target:{t.pk}:2025")
    assert task.done_at is None and "2025" in task.display_title
    st.totals = {**st.totals, "by_category": {"stationary_combustion": 600.0, "purchased_electricity": 300.0}}
    st.save()
    tracking.refresh(t)
    run_reminders(email=False)
    task.refresh_from_db()
    assert task.done_at is not None  # back on track: the task closes


def test_intensity_progress_is_sum_of_emissions_over_sum_of_denominator(park):
    w = park
    b = park_baseline(w, metric="intensity_value_added", value=Decimal("2"), name="强度")
    t = published_park_target(w, baseline=b, metric="intensity_value_added", code="I", reserve=Decimal("0"))
    p = t.progress.get(year=2025)
    assert float(p.actual) == pytest.approx(950 / 560, rel=1e-6) and float(p.denominator) == 560


def test_cascade_allocation_acceptance_and_decomposition(park):
    w = park
    e1, e2 = w.e1.enterprise, w.e2.enterprise
    pt = published_park_target(w)  # target 800, reserve 40: room 760
    officer = w.users["park_carbon_officer"]
    a1 = services.allocation_save(actor=officer, park_target=pt, enterprise=e1,
                                  data={"method": "uniform", "baseline": enterprise_baseline(w, e1, 600)})
    assert a1.allocated_value == Decimal("456.000000")  # 600 × 760/1000
    a2 = services.allocation_save(actor=officer, park_target=pt, enterprise=e2,
                                  data={"method": "uniform", "baseline": enterprise_baseline(w, e2, 400)})
    assert a2.allocated_value == Decimal("304.000000")
    # the enterprise may not write the allocation (B8), nor accept before it is issued
    with pytest.raises(ValidationError, match="park's staff"):
        services.allocation_save(actor=w.users["enterprise_admin"], park_target=pt, enterprise=e1, allocation=a1,
                                 data={"method": "negotiated", "allocated_value": Decimal("600"), "note": "x"})
    services.allocation_issue(actor=officer, allocation=a1)
    a1.refresh_from_db()
    et = a1.target
    assert et.assigned_by_park and et.status == "approved" and et.target_value == Decimal("456.000000")
    with pytest.raises(ValidationError, match="top management"):  # an enterprise admin not appointed
        services.allocation_accept(actor=w.users["enterprise_admin"], allocation=a1)
    with pytest.raises(ValidationError, match="top management"):  # the park's top management is not the enterprise's
        services.allocation_accept(actor=w.park_top, allocation=a1)
    services.allocation_accept(actor=w.ent_top, allocation=a1, letter_number="ZR-1")
    et.refresh_from_db()
    assert et.status == "published" and et.published_to.endswith("ZR-1")
    # park-counted progress: E1's 2025 contribution 580 against 600 → 456 (milestone 600 − 144/6 = 576): at risk
    p = et.progress.get(year=2025)
    assert float(p.actual) == 580 and p.status == "at_risk"
    # the enterprise cannot edit the park-assigned target
    et.status = "draft"
    with pytest.raises(ValidationError, match="assigned by the park"):
        services.target_save(actor=w.users["enterprise_admin"], park=w.park_a, target=et, data={"title": "weaker"})
    et.refresh_from_db()
    # decomposition to a unit: not weaker than 24 %, and Σ units ≤ the enterprise target
    unit = w.e1.unit
    data = {"code": "U1", "title": "u", "categories": CATS, "gwp_set": "SAR", "counting_basis": "enterprise_inventory",
            "base_year": 2024, "base_value": Decimal("300"), "target_year": 2030, "method": "reduction_pct",
            "reduction_pct": Decimal("10")}
    with pytest.raises(ValidationError) as exc:
        services.target_save(actor=w.users["enterprise_admin"], park=w.park_a, enterprise=e1, unit=unit, parent=et, data=data)
    assert "weakens" in _errors(exc)["target_value"]
    with pytest.raises(ValidationError) as exc:
        services.target_save(actor=w.users["enterprise_admin"], park=w.park_a, enterprise=e1, unit=unit, parent=et,
                             data={**data, "base_value": Decimal("700"), "reduction_pct": Decimal("30")})
    assert "exceed" in _errors(exc)["target_value"]
    u = services.target_save(actor=w.users["enterprise_admin"], park=w.park_a, enterprise=e1, unit=unit, parent=et,
                             data={**data, "reduction_pct": Decimal("25")})
    assert u.parent == et and u.target_value == Decimal("225.000000")
    assert Target.objects.filter(parent=et).count() == 1


def test_over_allocation_and_weakening_are_refused(park):
    w = park
    e1, e2 = w.e1.enterprise, w.e2.enterprise
    pt = published_park_target(w)
    officer = w.users["park_carbon_officer"]
    services.allocation_save(actor=officer, park_target=pt, enterprise=e1,
                             data={"method": "negotiated", "base_value": Decimal("600"), "allocated_value": Decimal("500"),
                                   "note": "协商"})
    with pytest.raises(ValidationError) as exc:  # 500 + 300 > 800 − 40
        services.allocation_save(actor=officer, park_target=pt, enterprise=e2,
                                 data={"method": "negotiated", "base_value": Decimal("400"), "allocated_value": Decimal("300"),
                                       "note": "协商"})
    assert "Over-allocation" in _errors(exc)["allocated_value"] or "超" in _errors(exc)["allocated_value"]
    with pytest.raises(ValidationError) as exc:  # a benchmark letting the enterprise emit more than its base
        services.allocation_save(actor=officer, park_target=pt, enterprise=e2,
                                 data={"method": "benchmark", "base_value": Decimal("100"), "benchmark_value": Decimal("2"),
                                       "benchmark_output": Decimal("60"), "benchmark_source": "发改产业〔2023〕723号"})
    assert "weakens" in _errors(exc)["allocated_value"] or "削弱" in _errors(exc)["allocated_value"]
    with pytest.raises(ValidationError) as exc:  # beyond the reserve
        services.allocation_save(actor=officer, park_target=pt, enterprise=e2,
                                 data={"method": "negotiated", "base_value": Decimal("60"), "allocated_value": Decimal("50"),
                                       "note": "新入园", "from_reserve": True})
    assert "reserve" in _errors(exc)["allocated_value"] or "预留" in _errors(exc)["allocated_value"]
    assert TargetAllocation.objects.count() == 1
    # another GWP set in the enterprise baseline
    with pytest.raises(ValidationError) as exc:
        services.allocation_save(actor=officer, park_target=pt, enterprise=e2,
                                 data={"method": "uniform", "baseline": enterprise_baseline(w, e2, 400, gwp_set="AR5", statement=None)})
    assert "GWP" in _errors(exc)["baseline"]


def test_intensity_allocation_below_the_park_rate_weakens_it(park):
    w = park
    b = park_baseline(w, metric="intensity_value_added", value=Decimal("2"), name="强度")
    pt = published_park_target(w, baseline=b, metric="intensity_value_added", code="I", reserve=Decimal("0"))
    with pytest.raises(ValidationError) as exc:
        services.allocation_save(actor=w.users["park_carbon_officer"], park_target=pt, enterprise=w.e1.enterprise,
                                 data={"method": "negotiated", "base_value": Decimal("3"), "allocated_value": Decimal("2.7"),
                                       "note": "x"})
    assert "weakens" in _errors(exc)["allocated_value"] or "削弱" in _errors(exc)["allocated_value"]


def test_adjustment_below_and_above_threshold(park):
    w = park
    b = park_baseline(w)
    officer = w.users["park_carbon_officer"]
    with pytest.raises(ValidationError, match="rganic"):
        services.trigger_add(actor=officer, baseline=b, kind="organic", description="growth")
    services.trigger_add(actor=officer, baseline=b, kind="error", description="meter read twice", base_year_effect=-30)
    adj = services.adjustment_propose(actor=officer, baseline=b, evidence="calibration report")
    assert not adj.recalculate and float(adj.cumulative_pct) == 3.0 and adj.value_after == b.value
    with pytest.raises(ValidationError, match="top management"):
        services.adjustment_approve(actor=w.users["park_reviewer"], adjustment=adj)
    adj.proposed_by = w.park_top
    adj.save()
    with pytest.raises(ValidationError, match="somebody else"):  # top management may not approve its own proposal
        services.adjustment_approve(actor=w.park_top, adjustment=adj)
    adj.proposed_by = officer
    adj.save()
    services.adjustment_approve(actor=w.park_top, adjustment=adj)
    b.refresh_from_db()
    assert b.status == "approved" and adj.triggers.get().status == "decided"
    # the next change brings the cumulative effect since the last recalculation... a new decision on its own triggers
    services.trigger_add(actor=officer, baseline=b, kind="enterprise_entry", description="E3 entered", base_year_effect=80)
    services.trigger_add(actor=None, baseline=b, kind="factor", description="grid factor", base_year_effect=-20)
    adj2 = services.adjustment_propose(actor=officer, baseline=b, evidence="entry and new factor")
    assert adj2.recalculate and float(adj2.cumulative_pct) == 10.0 and adj2.value_after == Decimal("1060.000000")
    adj2 = services.adjustment_approve(actor=w.park_top, adjustment=adj2)
    b.refresh_from_db()
    assert b.status == "superseded" and adj2.after.version == 2 and adj2.after.previous == b
    assert adj2.after.value == Decimal("1060.000000") and adj2.after.status == "approved"
    assert BaselineAdjustment.objects.count() == 2


def test_proposal_needs_every_effect(park):
    w = park
    b = park_baseline(w)
    services.trigger_add(actor=None, baseline=b, kind="capacity", description="new kiln")
    with pytest.raises(ValidationError, match="new kiln"):
        services.adjustment_propose(actor=w.users["park_carbon_officer"], baseline=b, evidence="x")
    assert not BaselineAdjustment.objects.exists()


def test_platform_detects_entry_and_boundary_once(park):
    w = park
    from tests.factories import EnterpriseFactory

    b = park_baseline(w)
    assert triggers.detect(b) == []
    e4 = EnterpriseFactory(park=w.park_a)
    raised = triggers.detect(b)
    assert [t.kind for t in raised] == ["enterprise_entry"] and raised[0].raised_by is None
    assert raised[0].evidence["enterprise"] == e4.pk and raised[0].base_year_effect is None
    assert triggers.detect(b) == []  # raised once
    assert BaselineTrigger.objects.filter(baseline=b).count() == 1
