"""Permission matrix of objectives, targets, allocations and baselines (issue 12): pages and endpoints."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from .base import ALL, PARK_STAFF, Case
from .carbondata import _pk

CATS = ["stationary_combustion"]
PLANNING_WRITERS = {"park_admin", "park_carbon_officer", "enterprise_admin", "data_clerk"}
PARK_PLANNERS = {"park_admin", "park_carbon_officer"}


def _make_baseline(w, org, status):
    from carbonms.performance.models import Baseline

    return org.cached(f"perf_baseline_{status}", lambda: Baseline.objects.create(
        park=org.enterprise.park, enterprise=org.enterprise, name=f"B{org.enterprise.pk}-{status}", status=status,
        period_start=dt.date(2024, 1, 1), period_end=dt.date(2024, 12, 31), base_year=2024, value=Decimal("100"),
        categories=CATS, gwp_set="SAR", counting_basis="park_counted", author=w.users["park_carbon_officer"]))


def _baseline(w, org):
    return _make_baseline(w, org, "approved")


def _draft_baseline(w, org):
    return _make_baseline(w, org, "draft")


def _target(w, org):
    from carbonms.performance.models import Target

    def make():
        return Target.objects.create(
            park=org.enterprise.park, enterprise=org.enterprise, code=f"T{org.enterprise.pk}", title="目标", categories=CATS,
            gwp_set="SAR", counting_basis="park_counted", baseline=_baseline(w, org), base_year=2024, base_value=Decimal("100"),
            start_year=2025, target_year=2030, method="reduction_pct", reduction_pct=Decimal("10"), target_value=Decimal("90"),
            milestones={"2024": 100, "2030": 90}, author=w.users["park_carbon_officer"])
    return org.cached("perf_target", make)


def _park_target(w, org):
    from carbonms.performance.models import Target

    def make():
        park = org.enterprise.park
        return Target.objects.get_or_create(park=park, enterprise=None, code=f"P{park.pk}", defaults=dict(
            title="园区目标", categories=CATS, gwp_set="SAR", counting_basis="park_total", base_year=2024,
            base_value=Decimal("1000"), start_year=2025, target_year=2030, method="reduction_pct", reduction_pct=Decimal("10"),
            target_value=Decimal("900"), milestones={"2024": 1000, "2030": 900}, status="approved",
            author=w.users["park_carbon_officer"]))[0]
    return org.cached("perf_park_target", make)


def _allocation(w, org):
    from carbonms.performance.models import TargetAllocation

    def make():
        return TargetAllocation.objects.create(
            park=org.enterprise.park, enterprise=org.enterprise, park_target=_park_target(w, org), method="uniform",
            baseline=_baseline(w, org), base_value=Decimal("100"), allocated_value=Decimal("90"))
    return org.cached("perf_allocation", make)


def _trigger(w, org):
    from carbonms.performance.models import BaselineTrigger

    return org.cached("perf_trigger", lambda: BaselineTrigger.objects.create(
        baseline=_baseline(w, org), kind="error", change_kind="error", description="错误"))


def _adjustment(w, org):
    from carbonms.performance.models import BaselineAdjustment

    return org.cached("perf_adjustment", lambda: BaselineAdjustment.objects.create(
        baseline=_baseline(w, org), cumulative_pct=Decimal("1"), threshold_pct=Decimal("5"), recalculate=False,
        value_before=Decimal("100"), value_after=Decimal("100"), evidence="证据", proposed_by=w.users["park_carbon_officer"]))


def _park(w, org):
    return {"pk": org.enterprise.park_id}


def _ent(w, org):
    return {"pk": org.enterprise.pk}


def _step(make, step):
    return lambda w, org: {"step": step, "pk": make(w, org).pk}


ENTERPRISE_NON_STAFF = {"enterprise_admin", "data_clerk"}
CASES: dict[str, Case] = {
    "performance:targets": Case(None, ALL),
    "performance:baselines": Case(None, ALL),
    "performance:park_target_create": Case(_park, PARK_PLANNERS, park_level=True),
    "performance:enterprise_target_create": Case(_ent, PLANNING_WRITERS),
    "performance:target": Case(_pk(_target), ALL),
    "performance:target_edit": Case(_pk(_target), PLANNING_WRITERS),
    "performance:target_decompose": Case(_pk(_target), PLANNING_WRITERS),
    "performance:target_refresh": Case(_pk(_target), PLANNING_WRITERS, ok_status=302),
    "performance:target_action": Case(_step(_target, "review"), ALL, ok_status=302),
    "performance:allocation_create": Case(_park, PARK_PLANNERS, park_level=True),
    "performance:allocation": Case(_pk(_allocation), ALL),
    "performance:allocation_edit": Case(_pk(_allocation), PARK_PLANNERS, denied_for={k: 404 for k in ENTERPRISE_NON_STAFF}),
    "performance:allocation_action": Case(_step(_allocation, "issue"), ALL, ok_status=302),
    "performance:park_baseline_create": Case(_park, PARK_PLANNERS, park_level=True),
    "performance:enterprise_baseline_create": Case(_ent, PLANNING_WRITERS),
    "performance:baseline": Case(_pk(_baseline), ALL),
    "performance:baseline_edit": Case(_pk(_draft_baseline), PLANNING_WRITERS),
    "performance:baseline_action": Case(_step(_draft_baseline, "approve"), ALL, ok_status=302),
    "performance:baseline_detect": Case(_pk(_baseline), PLANNING_WRITERS, ok_status=302),
    "performance:trigger_create": Case(_pk(_baseline), PLANNING_WRITERS),
    "performance:trigger_estimate": Case(_pk(_trigger), PLANNING_WRITERS),
    "performance:adjustment_propose": Case(_pk(_baseline), PLANNING_WRITERS),
    "performance:adjustment_action": Case(_step(_adjustment, "approve"), ALL, ok_status=302),
    "api:targets-baselines-list": Case(None, ALL),
    "api:targets-baselines-detail": Case(_pk(_draft_baseline), ALL),
    "api:targets-baselines-transition": Case(_pk(_draft_baseline), ALL),
    "api:targets-baselines-detect": Case(_pk(_baseline), ALL),
    "api:targets-triggers-list": Case(None, ALL),
    "api:targets-triggers-detail": Case(_pk(_trigger), ALL),
    "api:targets-adjustments-list": Case(None, ALL),
    "api:targets-adjustments-detail": Case(_pk(_adjustment), ALL),
    "api:targets-adjustments-transition": Case(_pk(_adjustment), ALL),
    "api:targets-targets-list": Case(None, ALL),
    "api:targets-targets-detail": Case(_pk(_target), ALL),
    "api:targets-targets-transition": Case(_pk(_target), ALL),
    "api:targets-targets-progress": Case(_pk(_target), ALL),
    "api:targets-allocations-list": Case(None, ALL),
    "api:targets-allocations-detail": Case(_pk(_allocation), ALL),
    "api:targets-allocations-transition": Case(_pk(_allocation), ALL),
}
assert PARK_STAFF  # (imported for readers: park staff see every enterprise's records of their park)
