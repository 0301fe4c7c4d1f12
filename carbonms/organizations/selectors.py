"""Reads for organisations. All take the user and go through the tenancy mechanism."""
from __future__ import annotations

import datetime as dt

from django.db.models import Count, Prefetch, Q

from .models import Boundary, EmissionUnit, Enterprise, Equipment, Park, Site


def parks_for(user):
    return Park.objects.restrict(user, "view").order_by("name")


def enterprises_for(user, park: Park | None = None):
    qs = Enterprise.objects.restrict(user, "view").select_related("park")
    if park is not None:
        qs = qs.filter(park=park)
    return qs


ENTERPRISE_SORTS = {"name": ("-kind", "name", "id"), "credit_code": ("credit_code", "id"),
                    "industry": ("industry_code", "name", "id")}
ENTERPRISE_SEARCH = ("name", "credit_code", "industry_name")


def park_overview(user, park: Park, request):
    """One page of the park's enterprises that ``user`` may see, with their hierarchy counts: a fixed
    number of queries, and the counts are made for the page's rows only."""
    from carbonms.common.pagination import paginate

    listing = paginate(request, enterprises_for(user, park), sorts=ENTERPRISE_SORTS, default="name",
                       search=ENTERPRISE_SEARCH)
    ids = [e.pk for e in listing.rows]
    counts = {}
    for attr, model in (("n_sites", Site), ("n_units", EmissionUnit), ("n_equipment", Equipment)):
        counts[attr] = dict(model.objects.filter(enterprise_id__in=ids).values("enterprise_id").annotate(n=Count("id"))
                            .order_by().values_list("enterprise_id", "n"))
    for e in listing.rows:
        for attr, by_id in counts.items():
            setattr(e, attr, by_id.get(e.pk, 0))
    return listing


def park_summary(user, park: Park) -> dict:
    qs = enterprises_for(user, park)
    return qs.aggregate(
        total=Count("id"),
        covered=Count("id", filter=Q(carbon_market_covered=True)),
        key_energy=Count("id", filter=Q(key_energy_consumer=True)),
    )


def industry_breakdown(user, park: Park) -> list[dict]:
    return list(
        enterprises_for(user, park)
        .filter(kind=Enterprise.Kind.ENTERPRISE)
        .values("industry_code", "industry_name")
        .annotate(n=Count("id"))
        .order_by("-n")
    )


def enterprise_hierarchy(enterprise: Enterprise) -> list[Site]:
    """Sites with their units (nested by parent) and each unit's equipment, in three queries."""
    units = EmissionUnit.objects.filter(enterprise=enterprise).prefetch_related(
        Prefetch("equipment", queryset=Equipment.objects.order_by("code"))
    ).order_by("code")
    sites = list(Site.objects.filter(enterprise=enterprise).order_by("-is_main", "code"))
    by_site: dict[int, list[EmissionUnit]] = {s.pk: [] for s in sites}
    children: dict[int, list[EmissionUnit]] = {}
    for u in units:
        if u.parent_id:
            children.setdefault(u.parent_id, []).append(u)
    for u in units:
        u.child_units = children.get(u.pk, [])
        if not u.parent_id:
            by_site.setdefault(u.site_id, []).append(u)
    for s in sites:
        s.root_units = by_site.get(s.pk, [])
    return sites


def boundaries_in_force(park: Park, enterprise: Enterprise | None, on: dt.date):
    return Boundary.objects.filter(park=park, enterprise=enterprise, effective_from__lte=on).filter(
        Q(effective_to__isnull=True) | Q(effective_to__gte=on)
    )
