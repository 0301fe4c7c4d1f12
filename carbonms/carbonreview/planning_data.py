"""Review items and management-review inputs from the planning records of other apps: targets and baselines (app
``performance``), action plans and opportunities (app ``abatement``).

Each reader answers "not available" (with the reason) while the app has not built the model it reads, so that a
review or a management review never shows an empty section as if it were complete. Only records in force count:
approved or published targets, approved baselines, action lines that are not cancelled.
"""
from __future__ import annotations

from decimal import Decimal

from django.db.models import Count, Sum
from django.urls import NoReverseMatch
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop

from .sections import C, T, _model, _n, unavailable

TARGETS_IN_FORCE = ("approved", "published")


def safe_url(obj) -> str:
    """A record's page, or "" while its app has no page for it yet."""
    try:
        return obj.get_absolute_url()
    except (NoReverseMatch, AttributeError):
        return ""


def _of_system(model, system):
    return model.objects.filter(park_id=system.park.pk, enterprise_id=system.enterprise.pk if system.enterprise else None)


def _progress(target, year: int):
    return next((p for p in target.progress.all() if p.year == year), None)


def targets_section(ctx) -> dict:
    """T/CSES 6.3.2; T/CPQS 7.1: the targets in force and their progress in the review year."""
    Target = _model("performance", "Target")
    if Target is None:
        return unavailable(gettext_noop("Not available: objectives and targets have not landed."))
    targets = list(_of_system(Target, ctx.system).filter(status__in=TARGETS_IN_FORCE).prefetch_related("progress"))
    if not targets:
        return unavailable(gettext_noop("No approved target for this system."))
    rows = []
    for t in targets:
        p = _progress(t, ctx.year)
        status = C(type(p).Status, p.status) if p else T(gettext_noop("no progress computed for %(year)s"), year=ctx.year)
        rows.append([T(gettext_noop("Target %(code)s: %(title)s"), code=t.code, title=t.title),
                     T(gettext_noop("%(base)s (%(by)s) → %(target)s %(unit)s (%(ty)s); %(year)s: %(status)s"), base=_n(t.base_value, 2),
                       by=t.base_year, target=_n(t.target_value, 2), unit=t.unit_label, ty=t.target_year, year=ctx.year,
                       status=status)])
    allocs = _model("performance", "TargetAllocation")
    if allocs is not None and ctx.enterprise is None:
        n = allocs.objects.filter(park_id=ctx.park.pk).values("status").annotate(n=Count("id"))
        for r in n:
            rows.append([T(gettext_noop("Allocations to enterprises: %(s)s"), s=C(allocs.Status, r["status"])), r["n"]])
    return {"available": True, "source": T(gettext_noop("Objectives and targets")), "rows": rows}


def baselines_section(ctx) -> dict:
    """T/CPQS 7.3.2 i): the baselines in force, their regression model and the open adjustment triggers."""
    Baseline = _model("performance", "Baseline")
    if Baseline is None:
        return unavailable(gettext_noop("Not available: baselines have not landed."))
    baselines = list(_of_system(Baseline, ctx.system).filter(status="approved"))
    if not baselines:
        return unavailable(gettext_noop("No approved baseline for this system."))
    rows = []
    for b in baselines:
        reg = b.regression or {}
        model = reg.get("model", reg)
        fit = (T(gettext_noop("regression, R² %(r2)s, valid: %(valid)s"), r2=_n(model.get("r2"), 3), valid=T(gettext_noop("yes") if model.get("valid") else "no"))
               if model.get("coefficients") else T(gettext_noop("static base value")))
        rows.append([T(gettext_noop("Baseline %(name)s"), name=str(b)), T(gettext_noop("%(value)s %(unit)s, base year %(year)s; %(fit)s"), value=_n(b.value, 2),
                                                         unit=b.unit_label, year=b.base_year, fit=fit)])
    Trigger = _model("performance", "BaselineTrigger")
    if Trigger is not None:
        rows.append([gettext_noop("Open adjustment triggers"), Trigger.objects.filter(baseline__in=baselines, status="open").count()])
    from .models import Indicator

    linked = ctx.system.filter(Indicator.objects.filter(baseline__in=baselines, active=True))
    from . import indicators

    for ind in linked:
        v = indicators.value_for(ind, ctx.year)
        perf = indicators.baseline_performance(ind, ctx.year, v) or {}
        if perf.get("performance_index") is not None:
            rows.append([T(gettext_noop("Indicator %(code)s against its baseline"), code=ind.code),
                         T(gettext_noop("adjusted baseline %(adj)s, savings %(sav)s, performance index %(pi)s"), adj=_n(perf["adjusted_baseline"], 2),
                           sav=_n(perf["savings"], 2), pi=str(perf["performance_index"]))])
    return {"available": True, "source": T(gettext_noop("Baselines")), "rows": rows}


def measures_section(ctx) -> dict:
    """T/CPQS 7.3.2 h): the reduction measures (action-plan lines) and their effect."""
    Line = _model("abatement", "ActionLine")
    if Line is None:
        return unavailable(gettext_noop("Not available: action plans have not landed."))
    lines = _of_system(Line, ctx.system).exclude(status="cancelled")
    if not lines.exists():
        return unavailable(gettext_noop("No action plan line for this system."))
    rows = [[T(gettext_noop("Action lines: %(s)s"), s=C(Line.Status, r["status"])), r["n"]]
            for r in lines.values("status").annotate(n=Count("id")).order_by("status")]
    agg = lines.aggregate(expected=Sum("annual_reduction_t"), verified=Sum("verified_reduction_t"), budget=Sum("budget"))
    rows += [[gettext_noop("Expected annual reduction (tCO2e)"), _n(agg["expected"])],
             [gettext_noop("Verified annual reduction (tCO2e)"), _n(agg["verified"])],
             [gettext_noop("Budget (yuan)"), _n(agg["budget"], 0)]]
    overdue = lines.filter(end_date__lt=timezone.localdate(), status__in=["planned", "in_progress"]).count()
    rows.append([gettext_noop("Lines past their completion date"), overdue])
    return {"available": True, "source": T(gettext_noop("Action plans")), "rows": rows}


def opportunities_rows(ctx) -> list:
    Opp = _model("abatement", "Opportunity")
    if Opp is None:
        return [[gettext_noop("Reduction opportunities identified"), T(gettext_noop("not available: the opportunity register has not landed"))]]
    opps = _of_system(Opp, ctx.system).exclude(status="rejected")
    rows = [[gettext_noop("Reduction opportunities identified"), opps.count()]]
    for o in opps.exclude(cost_per_t__isnull=True).order_by("cost_per_t")[:5]:
        rows.append([T(gettext_noop("Opportunity %(code)s: %(title)s"), code=o.code, title=o.title),
                     T(gettext_noop("%(cost)s yuan/tCO2e, %(t)s tCO2e/yr"), cost=_n(o.cost_per_t, 0), t=_n(o.annual_reduction_t))])
    return rows


# -- management-review inputs (carbonms/audits/inputs.py, schema 3) -------------------------------------------------

def _not_landed(what) -> dict:
    return {"available": False, "basis": gettext("Not available: %(what)s have not landed.") % {"what": gettext(what)}}


def review_input_targets(system) -> dict:
    """Target achievement (T/CSES 9.5.1; T/CPQS 10.3.1): each target in force with its latest progress."""
    Target = _model("performance", "Target")
    if Target is None:
        return _not_landed(gettext_noop("objectives and targets"))
    items = []
    for t in _of_system(Target, system).filter(status__in=TARGETS_IN_FORCE).prefetch_related("progress"):
        p = max(t.progress.all(), key=lambda x: x.year, default=None)
        items.append({"target": f"{t.code} {t.title}", "target_value": f"{_n(t.target_value, 2)} {t.unit_label} ({t.target_year})",
                      "latest": gettext("%(year)s: %(status)s, progress %(pct)s %%") % {
                          "year": p.year, "status": p.get_status_display(), "pct": p.progress_pct} if p else gettext("no progress yet")})
    return {"available": True, "basis": gettext("Targets approved or published, with their progress from the statements in force."),
            "items": items or [gettext("No target in force.")]}


def review_input_baselines(system) -> dict:
    """Performance against the baselines: adjusted baseline, savings and performance index of each indicator."""
    Baseline = _model("performance", "Baseline")
    if Baseline is None:
        return _not_landed(gettext_noop("baselines"))
    from . import indicators
    from .models import Indicator

    items = []
    for ind in system.filter(Indicator.objects.filter(active=True, baseline__isnull=False).select_related("baseline")):
        values = [v for v in indicators.series(ind) if v.value is not None]
        if not values:
            continue
        v = values[-1]
        perf = indicators.baseline_performance(ind, v.year, v) or {}
        pi = perf.get("performance_index")
        items.append({"indicator": f"{ind.code} {ind.name}", "year": v.year,
                      "result": gettext("adjusted baseline %(adj)s, savings %(sav)s, performance index %(pi)s") % {
                          "adj": _n(perf.get("adjusted_baseline"), 2), "sav": _n(perf.get("savings"), 2), "pi": pi}
                      if pi is not None else perf.get("note", "")})
    return {"available": True, "basis": gettext("Indicators linked to an approved baseline, latest year with a statement."),
            "baselines": _of_system(Baseline, system).filter(status="approved").count(),
            "items": items or [gettext("No indicator is linked to a baseline.")]}


def review_input_action_plans(system) -> dict:
    """Status of the action plans: lines by status, overdue, expected and verified reductions."""
    Line = _model("abatement", "ActionLine")
    if Line is None:
        return _not_landed(gettext_noop("action plans"))
    lines = _of_system(Line, system).exclude(status="cancelled")
    agg = lines.aggregate(expected=Sum("annual_reduction_t"), verified=Sum("verified_reduction_t"))
    by = {r["status"]: r["n"] for r in lines.values("status").annotate(n=Count("id"))}
    return {"available": True, "summary": {"total": sum(by.values()), "done": by.get("completed", 0) + by.get("verified", 0),
                                           "overdue": lines.filter(end_date__lt=timezone.localdate(),
                                                                   status__in=["planned", "in_progress"]).count()},
            "items": [gettext("Expected annual reduction %(e)s tCO2e; verified %(v)s tCO2e") % {
                "e": _n(agg["expected"] or Decimal(0)), "v": _n(agg["verified"] or Decimal(0))}]}
