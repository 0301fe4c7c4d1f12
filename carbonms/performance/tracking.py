"""Tracking: the progress of published targets from the statements in force (T/CSES 9.1 a) 4) 6); T/CPQS 10.1.1).

For each year after the base year that has a statement of record (``inventory.statements.official_statement``),
the actual value of the target's metric is read from it (Σ of the categories covered; the park-counted
contribution for that basis; a unit's sources from the statement's run; intensities as Σ emissions / Σ
denominator of the statement) and compared with the milestone of that year, linear from the **base year**:

* progress % = (base − actual) / (base − target) × 100;
* on track when actual ≤ milestone, at risk when ≤ milestone × 1.05, off track otherwise (reversed for shares
  and efficiencies, where higher is better).

An off-track target raises a task for its author through the daily reminder job (``conformity.reminders``,
source :func:`due_items`). Other apps hook in:

* :func:`register_deviation_handler` — ``fn(progress)`` is called for every progress row that deviates from its
  milestone by more than :data:`DEVIATION_PCT` (the ``review`` app opens a deviation investigation, T/CSES 9.1 b));
* :func:`deviations` — the rows deviating beyond a share, for a user, to list or act on.
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from carbonms.planning import targets as target_core

from .models import HIGHER_IS_BETTER, CountingBasis, Metric, Target, TargetProgress

DEVIATION_PCT = Decimal("10")
_DEVIATION_HANDLERS: list = []


def register_deviation_handler(fn) -> None:
    """``fn(progress: TargetProgress)`` is called when a refreshed year deviates beyond :data:`DEVIATION_PCT`."""
    if fn not in _DEVIATION_HANDLERS:
        _DEVIATION_HANDLERS.append(fn)


def deviation_pct(progress: TargetProgress) -> Decimal | None:
    """|actual − expected| / expected × 100 (None when the milestone is zero)."""
    if not progress.expected:
        return None
    return abs(progress.actual - progress.expected) / abs(progress.expected) * 100


def deviations(user=None, *, threshold_pct: Decimal = DEVIATION_PCT, qs=None):
    """Progress rows of published targets (that ``user`` may see) deviating beyond ``threshold_pct`` in the wrong
    direction (worse than the milestone)."""
    qs = qs if qs is not None else TargetProgress.objects.all()
    if user is not None:
        qs = qs.restrict(user, "view")
    out = []
    for p in qs.filter(target__status=Target.Status.PUBLISHED).select_related("target"):
        worse = p.actual < p.expected if p.target.metric in HIGHER_IS_BETTER else p.actual > p.expected
        d = deviation_pct(p)
        if worse and d is not None and d > threshold_pct:
            out.append(p)
    return out


def _statement_for(target: Target, year: int):
    from carbonms.inventory.statements import official_statement

    if target.enterprise_id is None or target.counting_basis == CountingBasis.PARK_COUNTED and target.unit_id is None:
        return official_statement(park=target.park, year=year)
    return official_statement(park=target.park, year=year, enterprise=target.enterprise)


def actual(target: Target, year: int) -> tuple[Decimal | None, object, dict]:
    """(value, statement, detail) of the target's metric in ``year`` from the statement in force, or (None, …)."""
    from .services import statement_value

    if target.metric not in (Metric.ABSOLUTE, Metric.PER_OUTPUT, Metric.PER_VALUE_ADDED, Metric.PER_ENERGY):
        return None, None, {"missing": "metric not counted from statements"}
    st = _statement_for(target, year)
    if st is None:
        return None, None, {"missing": "statement"}
    value, detail = statement_value(st, target.categories, metric=target.metric, enterprise_id=target.enterprise_id,
                                    counting_basis=target.counting_basis, unit=target.unit if target.unit_id else None,
                                    product=target.product, equipment=target.equipment if target.equipment_id else None)
    return value, st, detail


def status(target: Target, actual_value: float, expected: float) -> str:
    if target.metric in HIGHER_IS_BETTER:  # mirror: higher is better
        if actual_value >= expected:
            return "on_track"
        return "at_risk" if actual_value >= expected / target_core.AT_RISK_MARGIN else "off_track"
    return target_core.status(actual_value, expected)


@transaction.atomic
def refresh(target: Target, *, until: int | None = None) -> list[TargetProgress]:
    """Recompute the progress rows of a published target (years after the base year up to the target year or
    ``until``); rows of years whose statement is no longer in force are removed."""
    if target.status != Target.Status.PUBLISHED:
        return []
    last = min(target.target_year, until or timezone.localdate().year)
    base, tv = float(target.base_value), float(target.target_value)
    kept, rows = set(), []
    for year in range(target.base_year + 1, last + 1):
        value, st, detail = actual(target, year)
        if value is None:
            continue
        expected = target_core.milestone(base, target.base_year, tv, target.target_year, year)
        pct = target_core.progress_pct(base, tv, float(value))
        row, _new = TargetProgress.objects.update_or_create(target=target, year=year, defaults={
            "actual": Decimal(str(value)).quantize(Decimal("0.000001")), "expected": Decimal(str(expected)).quantize(Decimal("0.000001")),
            "progress_pct": None if pct is None else Decimal(str(pct)).quantize(Decimal("0.01")),
            "status": status(target, float(value), expected), "statement": st,
            "emissions": Decimal(str(detail.get("emissions", 0))).quantize(Decimal("0.000001")) if "emissions" in detail else None,
            "denominator": Decimal(str(detail["denominator"])).quantize(Decimal("0.000001")) if detail.get("denominator") else None,
            "detail": detail})
        kept.add(year)
        rows.append(row)
    TargetProgress.objects.filter(target=target).exclude(year__in=kept).delete()
    for row in rows:
        d = deviation_pct(row)
        if d is not None and d > DEVIATION_PCT and row in deviations(qs=TargetProgress.objects.filter(pk=row.pk)):
            for fn in _DEVIATION_HANDLERS:
                fn(row)
    return rows


def refresh_all(park=None) -> int:
    """Refresh every published target (of a park): after a statement is approved, and nightly."""
    qs = Target.objects.filter(status=Target.Status.PUBLISHED)
    if park is not None:
        qs = qs.filter(park=park)
    n = 0
    for t in qs.select_related("park", "enterprise", "unit", "product"):
        n += len(refresh(t))
    return n


def latest(target: Target) -> TargetProgress | None:
    return target.progress.order_by("-year").first()


def due_items(limit: dt.date):
    """Items for the daily reminder job: the author of each published target whose latest year is off track."""
    from carbonms.conformity.models import Task

    seen = set()
    for p in (TargetProgress.objects.filter(target__status=Target.Status.PUBLISHED).select_related("target", "target__author")
              .order_by("target_id", "-year")):
        if p.target_id in seen:
            continue
        seen.add(p.target_id)
        t = p.target
        if p.status != TargetProgress.Status.OFF_TRACK or t.author is None:
            continue
        yield (t.author, Task.Kind.REVIEW, f"target:{t.pk}:{p.year}", ("target_off_track", {"t": str(t), "y": p.year}),
               t.get_absolute_url(), p.updated_at.date(), t.park_id, t.enterprise_id)
