"""Reads of calculation runs and results; a page costs the same queries for 10 or 10,000 results."""
from __future__ import annotations

from django.db.models import Count, Q, Sum

from .models import CalculationRun, RunResult


def runs_for(user, park, enterprise=None, year=None):
    qs = CalculationRun.objects.restrict(user, "view").filter(park=park, enterprise=enterprise).select_related("run_by")
    if year:
        qs = qs.filter(year=year)
    return qs


# What a list of runs leaves out of each run: the per-enterprise maps (1,000 entries each in a park of 1,000
# enterprises) and the drill-down figures; the run's own page and API address have them (issue 16).
RUN_BRIEF = {"totals": ("by_enterprise", "energy_tce_by_enterprise", "drill"),
             "coverage": ("by_enterprise", "missing", "enterprises_without_data"),
             "boundaries": ("enterprises",)}


def brief_runs(qs):
    """``qs`` (runs) reading ``totals``, ``coverage`` and ``boundaries`` without the parts in
    :data:`RUN_BRIEF`, trimmed by the database (``<name>_brief``), and not the factor list."""
    from carbonms.common.dbfunctions import JSONWithout

    return qs.defer("factors", *RUN_BRIEF).annotate(
        **{f"{name}_brief": JSONWithout(name, *keys) for name, keys in RUN_BRIEF.items()})


def brief_run_list(qs, limit: int) -> list:
    """The first ``limit`` runs of ``qs`` for a page's list of runs: their ``totals``, ``coverage`` and
    ``boundaries`` are the trimmed ones (for display; such a run is never saved)."""
    runs = list(brief_runs(qs)[:limit])
    for r in runs:
        for name in RUN_BRIEF:
            setattr(r, name, getattr(r, f"{name}_brief"))
    return runs


def latest_run(user, park, year, enterprise=None):
    return runs_for(user, park, enterprise, year).first()


def results_for(user, run, filters: dict):
    qs = RunResult.objects.restrict(user, "view").filter(run=run)
    for key in ("category", "enterprise_id", "month", "source_id", "gas"):
        if filters.get(key):
            qs = qs.filter(**{key: filters[key]})
    return qs


def drill_totals(user, run, qs, filters: dict) -> dict:
    """Number of results, tCO2e and tce counted (park runs: counted in the park) of ``qs``, the results of
    ``run`` under ``filters``. The whole run's, one category's and one month's come from its stored totals
    (no pass over its results: they are the sums of the same rows, see inventory.totals; tests/scale checks
    they agree); another filtered view's are one aggregate query."""
    from carbonms.common import tenancy

    # The stored totals cover every result of the run: only for someone who sees them all.
    sees_all = run.enterprise_id is not None or tenancy.is_park_member(user, run.park_id)
    if not filters and sees_all:
        t = run.totals
        own = run.enterprise_id is not None  # an enterprise's run counts what the park rule leaves out
        return {"n": run.n_results,
                "total": t.get("gross", 0.0) + t.get("removals", 0.0) + (t.get("excluded_double_counting", 0.0) if own else 0.0),
                "tce": t.get("energy_tce", 0.0) + (t.get("excluded_energy_tce", 0.0) if own else 0.0)}
    # One category's or one month's, likewise, from the figures the run stored for each (runs made before
    # they were stored are aggregated).
    drill = run.totals.get("drill") or {}
    if drill and len(filters) == 1 and set(filters) <= {"category", "month"} and sees_all:
        (key, value), = filters.items()
        row = drill.get(key, {}).get(str(value))
        if row is None:
            return {"n": 0, "total": 0.0, "tce": 0.0}
        own = run.enterprise_id is not None
        return {"n": int(row["n"]), "total": row["co2e" if own else "co2e_counted"], "tce": row["tce" if own else "tce_counted"]}
    counted = Q() if run.enterprise_id else Q(counted_in_park=True)
    agg = qs.aggregate(n=Count("id"), total=Sum("co2e_t", filter=counted), tce=Sum("energy_tce", filter=counted))
    return {"n": agg["n"], "total": agg["total"] or 0.0, "tce": agg["tce"] or 0.0}


def breakdown(qs, key: str):
    """Sums per ``key`` of the results counted (for park runs: counted in the park)."""
    return list(qs.values(key).annotate(co2e=Sum("co2e_t", filter=Q(counted_in_park=True)), tce=Sum("energy_tce", filter=Q(counted_in_park=True)),
                                        n=Count("id")).order_by(key))


CHART_ENTERPRISES = 15  # issue 15: the top 15 and "others"


def enterprise_totals(user, run, request):
    """One page of the run's enterprises, largest first, from the run's stored totals: (id, name, tCO2e,
    tce). Only the page's names are read (one query), whatever the size of the park."""
    from django.core.paginator import Paginator

    from carbonms.common.pagination import PAGE_ROWS
    from carbonms.organizations.models import Enterprise

    t = run.totals
    tce = t.get("energy_tce_by_enterprise", {})
    rows = sorted(((int(k), v, tce.get(k, 0)) for k, v in t.get("by_enterprise", {}).items()), key=lambda r: (-r[1], r[0]))
    page = Paginator(rows, PAGE_ROWS).get_page(request.GET.get("page"))
    names = dict(Enterprise.objects.restrict(user).filter(pk__in=[r[0] for r in page.object_list]).values_list("pk", "name"))
    page.object_list = [(pk, names.get(pk, pk), v, e) for pk, v, e in page.object_list]
    return page


def chart_enterprises(user, run) -> list[tuple[str, float]]:
    """The run's largest enterprises for the bar chart (at most :data:`CHART_ENTERPRISES`, the rest summed
    as one bar), with their names: one query."""
    from django.utils.translation import gettext

    from carbonms.organizations.models import Enterprise

    rows = sorted(((int(k), v) for k, v in run.totals.get("by_enterprise", {}).items()), key=lambda r: (-r[1], r[0]))
    top, rest = rows[:CHART_ENTERPRISES], rows[CHART_ENTERPRISES:]
    names = {pk: short or name for pk, short, name in Enterprise.objects.restrict(user).filter(
        pk__in=[pk for pk, _v in top]).values_list("pk", "short_name", "name")}  # short names keep labels readable
    out = [(names.get(pk, str(pk)), v) for pk, v in top]
    if rest:
        out.append((gettext("%(n)d others") % {"n": len(rest)}, sum(v for _pk, v in rest)))
    return out


def recalc_job(park, pk: int):
    """A recalculation job of ``park`` (a park the caller has loaded through the tenancy: jobs carry no scope of their
    own but their park's); 404 for a job of another park."""
    from django.http import Http404

    from .models import RecalcJob

    job = RecalcJob.objects.filter(park=park, pk=pk).select_related("run", "run_by").first()
    if job is None:
        raise Http404
    return job


def result_count(user, filters: dict) -> int | None:
    """How many results ``user`` sees among those of ``filters`` (only ``run``, or none), read from the runs'
    stored counts (``n_results``, written with the results, which are never deleted) when that is exact:
    for someone whose every assignment covers whole parks, the results they see are all the results of the
    runs they see. None otherwise (an enterprise's user sees its own rows of the park's runs: counted)."""
    from carbonms.common import tenancy

    if set(filters) - {"run"} or not tenancy.sees_whole_parks(user, RunResult.scope_domain):
        return None
    runs = CalculationRun.objects.restrict(user, "view")
    if "run" in filters:
        runs = runs.filter(pk=filters["run"])
    return runs.aggregate(n=Sum("n_results"))["n"] or 0
