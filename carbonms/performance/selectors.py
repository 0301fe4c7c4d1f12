"""Reads of the performance app: what a user may see, the cascade roll-up with its reconciliation, chart data."""
from __future__ import annotations

from decimal import Decimal

from django.db.models import Q
from django.utils.translation import gettext as _

from .models import Baseline, CountingBasis, Metric, Target, TargetAllocation


def targets_for(user, *, park=None, enterprise=None):
    qs = Target.objects.restrict(user, "view").select_related("park", "enterprise", "unit", "equipment", "baseline")
    if enterprise is not None:
        qs = qs.filter(enterprise=enterprise)
    elif park is not None:
        qs = qs.filter(park=park)
    return qs.order_by("enterprise_id", "unit_id", "code")


def baselines_for(user, *, park=None, enterprise=None):
    qs = Baseline.objects.restrict(user, "view").select_related("park", "enterprise", "unit")
    if enterprise is not None:
        qs = qs.filter(enterprise=enterprise)
    elif park is not None:
        qs = qs.filter(park=park)
    return qs


def allocations_for(user, *, enterprise=None):
    qs = TargetAllocation.objects.restrict(user, "view").select_related("park_target", "enterprise", "target")
    return qs.filter(enterprise=enterprise) if enterprise is not None else qs


def tree(targets) -> list[tuple[int, Target]]:
    """(depth, target) in cascade order: park targets, their enterprise targets, their unit targets."""
    targets = list(targets)
    ids = {t.pk for t in targets}
    children: dict = {}
    for t in targets:
        children.setdefault(t.parent_id if t.parent_id in ids else None, []).append(t)
    out: list[tuple[int, Target]] = []

    def walk(parent_id, depth):
        for t in sorted(children.get(parent_id, []), key=lambda x: (x.enterprise_id or 0, x.unit_id or 0, x.code)):
            out.append((depth, t))
            walk(t.pk, depth + 1)
    walk(None, 0)
    return out


def rollup(park_target: Target, year: int | None = None) -> dict:
    """The cascade of a park target: each allocation with its enterprise's actual, and the reconciliation.

    Absolute targets: Σ allocations (park-counted basis) + reserve against the park target; the actuals of the
    year are the enterprise inventory total and the park-counted contribution (the park statement's
    ``by_enterprise``); their difference is the in-park energy counted at the supplier (B4). Intensity targets
    roll up as Σ emissions / Σ denominator, never as an average of intensities.
    """
    from carbonms.inventory.statements import official_statement

    from .services import allocation_totals, statement_value

    allocs = list(park_target.allocations.select_related("enterprise", "target").order_by("enterprise__name"))
    totals = allocation_totals(park_target)
    year = year or max((p.year for p in park_target.progress.all()), default=None)
    park_st = official_statement(park=park_target.park, year=year) if year else None
    rows, sum_inv, sum_counted, sum_den = [], Decimal(0), Decimal(0), Decimal(0)
    for a in allocs:
        inv = counted = den = None
        if year:
            st = official_statement(park=park_target.park, year=year, enterprise=a.enterprise)
            if st is not None:
                inv, d = statement_value(st, park_target.categories)
                if park_target.metric != Metric.ABSOLUTE:
                    _v, dd = statement_value(st, park_target.categories, metric=park_target.metric)
                    den = Decimal(str(dd["denominator"])) if dd.get("denominator") else None
            if park_st is not None:
                counted = Decimal(str((park_st.totals.get("by_enterprise") or {}).get(str(a.enterprise_id), 0)))
        sum_inv += inv or 0
        sum_counted += counted or 0
        sum_den += den or 0
        rows.append({"allocation": a, "inventory": inv, "counted": counted, "denominator": den,
                     "rate_pct": a.rate_pct})
    park_actual = None
    if park_st is not None:
        park_actual, _d = statement_value(park_st, park_target.categories, metric=Metric.ABSOLUTE)
    out = {"year": year, "rows": rows, "totals": totals, "sum_inventory": sum_inv, "sum_counted": sum_counted,
           "in_park_energy": sum_inv - sum_counted if park_st is not None else None, "park_actual": park_actual,
           "park_statement": park_st, "sum_allocated_and_reserve": totals["allocated"] + totals["reserve_used"] + totals["reserve_room"],
           "closes": totals["allocated"] + park_target.reserve <= park_target.target_value}
    if park_target.metric != Metric.ABSOLUTE and sum_den:
        out["intensity"] = sum_counted / sum_den if park_target.counting_basis == CountingBasis.PARK_COUNTED else sum_inv / sum_den
    return out


def chart(target: Target) -> dict:
    """ECharts option: milestones (line from the base year), actuals of record (bars coloured by status)."""
    years = [int(y) for y in sorted(target.milestones, key=int)]
    progress = {p.year: p for p in target.progress.all()}
    colours = {"on_track": "#2e7d32", "at_risk": "#f9a825", "off_track": "#c62828"}
    return {
        "tooltip": {"trigger": "axis"},
        "legend": {"data": [_("Milestone"), _("Actual (statement of record)")]},
        "grid": {"left": 70, "right": 20, "top": 40, "bottom": 30},
        "xAxis": {"type": "category", "data": [str(y) for y in years]},
        "yAxis": {"type": "value", "name": target.unit_label, "scale": True},
        "series": [
            {"name": _("Milestone"), "type": "line", "data": [round(float(target.milestones[str(y)]), 4) for y in years],
             "lineStyle": {"type": "dashed"}},
            {"name": _("Actual (statement of record)"), "type": "bar", "barMaxWidth": 28,
             "data": [({"value": round(float(progress[y].actual), 4), "itemStyle": {"color": colours[progress[y].status]}}
                       if y in progress else None) for y in years]},
        ],
    }


def open_allocations(user):
    """Allocations issued to enterprises of the user that wait for acceptance."""
    return allocations_for(user).filter(Q(status=TargetAllocation.Status.ISSUED))
