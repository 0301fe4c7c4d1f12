"""The park budget a new project is screened against (spec §1.1 "reserve for new entrants", §1.6.3).

``park_budget(park, year)`` answers the park's absolute target for the year, what is already allocated to its
enterprises (their allocations plus the provisional allocations of projects admitted since), the reserve kept for
new entrants and the headroom left (target − allocated). It reads the targets and allocations of app
``performance``; a park without an absolute target for the year has no budget (None), and the screening says so.
"""
from __future__ import annotations

from decimal import Decimal

from django.db.models import Sum


def _admitted_provisional(park, year: int, exclude_enterprise_ids) -> Decimal:
    from .models import ProjectApplication

    A = ProjectApplication.Status
    qs = ProjectApplication.objects.filter(park=park, status__in=(A.ADMITTED, A.CONDITIONAL),
                                           operation_year__lte=year, provisional_allocation_t__isnull=False)
    qs = qs.exclude(enterprise_id__in=list(exclude_enterprise_ids))
    return qs.aggregate(s=Sum("provisional_allocation_t"))["s"] or Decimal("0")


def park_budget(park, year: int) -> dict | None:
    """Target, allocated, reserve and headroom (tCO2e) of the park for ``year``, or None without a target."""
    from . import targets_link

    target = targets_link.park_target(park, year)
    if target is None:
        return None
    allocated = target["allocated"] + _admitted_provisional(park, year, target["allocated_enterprise_ids"])
    headroom = target["value"] - allocated
    return {"year": year, "target": str(target["value"]), "allocated": str(allocated), "reserve": str(target["reserve"]),
            "headroom": str(headroom), "source": target["source"]}
