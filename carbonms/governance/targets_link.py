"""What governance reads from and writes to app ``performance`` (targets and allocations), in one place.

* :func:`park_target` — the park's absolute target in force for a year (its milestone for the year, else the value on
  the straight line from the base year to the target year), the reserve for new entrants and what is allocated;
* :func:`enterprise_target` — the enterprise's absolute target value for a year, for the assessment's target
  achievement;
* :func:`provisional_allocation` — the draft allocation an admitted project gets from the park target.

Every function answers None (or does nothing) when the park has no such target.
"""
from __future__ import annotations

from decimal import Decimal

from django.db.models import Q, Sum

IN_FORCE = ("approved", "published")


def _models():
    from carbonms.performance.models import Target, TargetAllocation

    return Target, TargetAllocation


def value_for_year(target, year: int) -> Decimal | None:
    """The target's value for ``year``: its milestone, else linear from base to target year (None outside them)."""
    ms = target.milestones or {}
    if str(year) in ms:
        return Decimal(str(ms[str(year)]))
    if year == target.target_year:
        return Decimal(target.target_value)
    if target.base_year < year < target.target_year:
        share = Decimal(year - target.base_year) / Decimal(target.target_year - target.base_year)
        return (Decimal(target.base_value) + (Decimal(target.target_value) - Decimal(target.base_value)) * share
                ).quantize(Decimal("0.001"))
    return None


def _park_target_obj(park, year: int):
    Target, _A = _models()
    qs = (Target.objects.filter(park=park, enterprise__isnull=True, unit__isnull=True, equipment__isnull=True,
                                metric="absolute", status__in=IN_FORCE, target_year__gte=year, base_year__lt=year)
          .order_by("target_year", "-pk"))
    return qs.first()


def park_target(park, year: int) -> dict | None:
    target = _park_target_obj(park, year)
    if target is None:
        return None
    value = value_for_year(target, year)
    if value is None:
        return None
    _T, TargetAllocation = _models()
    allocations = TargetAllocation.objects.filter(park_target=target).exclude(status="returned").order_by()
    allocated = allocations.aggregate(s=Sum("allocated_value"))["s"] or Decimal("0")
    return {"value": value, "reserve": Decimal(target.reserve), "allocated": allocated,
            "allocated_enterprise_ids": set(allocations.values_list("enterprise_id", flat=True)),
            "source": f"{target.code} {target.title}", "target": target}


def enterprise_targets(park, year: int) -> dict[int, Decimal]:
    """Absolute target value for ``year`` by enterprise id (targets in force, enterprise level), in one query."""
    Target, _A = _models()
    out: dict[int, Decimal] = {}
    qs = (Target.objects.filter(park=park, enterprise__isnull=False, unit__isnull=True, equipment__isnull=True,
                                metric="absolute", status__in=IN_FORCE, target_year__gte=year)
          .filter(Q(base_year__lt=year)).order_by("enterprise_id", "target_year"))
    for t in qs:
        if t.enterprise_id in out:
            continue
        v = value_for_year(t, year)
        if v is not None:
            out[t.enterprise_id] = v
    return out


def provisional_allocation(*, park, enterprise, year: int, value: Decimal, note: str):
    """A draft allocation of the park target to an admitted project (None when the park has no target)."""
    target = _park_target_obj(park, year)
    if target is None:
        return None
    _T, TargetAllocation = _models()
    alloc = TargetAllocation(park=park, enterprise=enterprise, park_target=target, method="negotiated",
                             base_value=value, allocated_value=value, note=note, status="draft")
    alloc.full_clean()
    alloc.save()
    return alloc
