"""Reads of calculation runs and results; a page costs the same queries for 10 or 10,000 results."""
from __future__ import annotations

from django.db.models import Count, Q, Sum

from .models import CalculationRun, RunResult


def runs_for(user, park, enterprise=None, year=None):
    qs = CalculationRun.objects.restrict(user, "view").filter(park=park, enterprise=enterprise).select_related("run_by")
    if year:
        qs = qs.filter(year=year)
    return qs


def latest_run(user, park, year, enterprise=None):
    return runs_for(user, park, enterprise, year).first()


def results_for(user, run, filters: dict):
    qs = RunResult.objects.restrict(user, "view").filter(run=run)
    for key in ("category", "enterprise_id", "month", "source_id", "gas"):
        if filters.get(key):
            qs = qs.filter(**{key: filters[key]})
    return qs


def breakdown(qs, key: str):
    """Sums per ``key`` of the results counted (for park runs: counted in the park)."""
    return list(qs.values(key).annotate(co2e=Sum("co2e_t", filter=Q(counted_in_park=True)), tce=Sum("energy_tce", filter=Q(counted_in_park=True)),
                                        n=Count("id")).order_by(key))
