"""What a calculation run counts and what it should hold (issue 10, items 2, 4 and 5).

* **Membership** — an enterprise counts only for the months it was in the park: a month counts when
  the enterprise was a member on at least one day of it (``entered_on`` / ``exited_on``; empty
  means "since before" / "still in the park"). Activity data are monthly, so a part month is counted
  whole, as the enterprise reports it.
* **Boundary** — per enterprise, the accounting :class:`~carbonms.organizations.models.Boundary`
  version in force on the run's boundary date. Only sources on its sites count; a source's site is
  its emission unit's (or its equipment's unit's) site. A source placed on no site cannot be outside
  and counts (the run records how many were unplaced). An enterprise without an accounting boundary,
  or with one that lists no sites, counts all its sources, and the run says so ("no boundary").
* **ETS basis** — only enterprises covered by the national carbon market.
* **Coverage** — expected = the sources in force (``effective_from`` / ``effective_to`` / status) inside
  the boundary, × the months of membership; where the enterprise has a monitoring plan in force on the
  boundary date, only the sources of its activity-data items are expected. Held = the expected
  (source, month) pairs with an approved or locked value.
* **Factor policy** — the grid factor scope (national, the park's regional grid, its province, or the
  ETS set), the year rule, the factor set and the GWP set, defaulting to the park's.
"""
from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from carbonms.accounting.engine import shared_defaults
from carbonms.accounting.factors import DEFAULT_FUEL_SET
from carbonms.accounting.gwp import GWP_SETS
from carbonms.carbondata.models import Source
from carbonms.carbondata.models.monitoring import MonitoringPlan, PlanItem
from carbonms.organizations import reference
from carbonms.organizations.models import Boundary, Enterprise, FactorSet, GridScope, GridYearRule

MISSING_CAP = 200  # the missing list keeps this many (source, month) pairs; ``n_missing`` counts them all
EXCLUDED_CAP = 20


# -- membership ---------------------------------------------------------------------------------
def _month_bounds(year: int) -> list[tuple[dt.date, dt.date]]:
    return [(dt.date(year, m, 1), dt.date(year, m, calendar.monthrange(year, m)[1])) for m in range(1, 13)]


def member_months(year: int, entered_on: dt.date | None, exited_on: dt.date | None) -> list[int]:
    """The months of ``year`` in which the enterprise was in the park on at least one day."""
    return [m for m, (first, last) in enumerate(_month_bounds(year), start=1)
            if (entered_on is None or entered_on <= last) and (exited_on is None or exited_on >= first)]


def in_force_months(year: int, months: list[int], effective_from, effective_to, retired: bool,
                    bounds: list[tuple[dt.date, dt.date]] | None = None) -> list[int]:
    """Of ``months``, those in which a source was in force (a retired source without an end date: none)."""
    if retired and effective_to is None:
        return []
    bounds = bounds or _month_bounds(year)
    if (effective_from is None or effective_from <= bounds[months[0] - 1][0]) and effective_to is None:
        return months  # the common case: in force all along
    return [m for m in months if (effective_from is None or effective_from <= bounds[m - 1][1])
            and (effective_to is None or effective_to >= bounds[m - 1][0])]


def default_boundary_date(year: int, today: dt.date | None = None) -> dt.date:
    """The end of the run's year; today for the current year (or a later one)."""
    today = today or timezone.localdate()
    return today if year >= today.year else dt.date(year, 12, 31)


# -- factor policy ------------------------------------------------------------------------------
def resolve_policy(park, year: int, *, basis: str, gwp_set: str | None = None, grid_scope: str | None = None,
                   grid_year_rule: str | None = None, grid_year: int | None = None,
                   factor_set: str | None = None) -> dict:
    """The factor policy of a run: the given parameters, else the park's defaults; field errors otherwise."""
    errors: dict[str, str] = {}
    gwp_set = gwp_set or park.gwp_set or "SAR"
    if gwp_set not in GWP_SETS:
        errors["gwp_set"] = _("Unknown GWP set “%(gwp)s”.") % {"gwp": gwp_set}
    ets_basis = basis == "ets"
    if factor_set and factor_set not in FactorSet.values:
        errors["factor_set"] = _("Unknown factor set “%(value)s”.") % {"value": factor_set}
    elif ets_basis and factor_set == FactorSet.DEFAULT:
        errors["factor_set"] = _("An ETS-basis run uses the ETS factor set.")
    factor_set = FactorSet.ETS if ets_basis else (factor_set or park.factor_set or FactorSet.DEFAULT)
    grid_scope = grid_scope or park.grid_scope or GridScope.NATIONAL
    if grid_scope not in GridScope.values:
        errors["grid_scope"] = _("Unknown grid factor scope “%(value)s”.") % {"value": grid_scope}
    rule = grid_year_rule or park.grid_year_rule or GridYearRule.LATEST_PUBLISHED
    if rule not in GridYearRule.values:
        errors["grid_year_rule"] = _("Unknown grid year rule “%(value)s”.") % {"value": rule}
    elif rule == GridYearRule.FIXED and not grid_year:
        errors["grid_year"] = _("A fixed grid year rule needs the grid year.")
    if errors:
        raise ValidationError(errors)
    region = ""
    if factor_set == FactorSet.ETS:
        grid_scope, region = "ets", "ets"
    elif grid_scope == GridScope.REGIONAL:
        region = park.grid_region
        if not region:
            raise ValidationError({"grid_scope": _("The park has no regional grid: set it in the park's settings or "
                                                   "choose another grid factor scope.")})
    elif grid_scope == GridScope.PROVINCIAL:
        prov = reference.provinces().get(park.province)
        region = prov.name_zh if prov else ""
    library, _gwp = shared_defaults()
    candidates = {GridYearRule.LATEST_PUBLISHED: range(year, year - 10, -1), GridYearRule.SAME_YEAR: [year],
                  GridYearRule.FIXED: [grid_year]}[rule]
    found = next(((y, f) for y in candidates if (f := library.find_grid(y, region or None)) is not None), None)
    # No grid factor for this scope and year: recorded as such; only a run with purchased electricity then fails,
    # with the accounting core's message naming the source and month.
    gy, factor = found if found is not None else (grid_year if rule == GridYearRule.FIXED else year, None)
    return {"basis": basis, "gwp_set": gwp_set, "factor_set": str(factor_set), "fuel_set": DEFAULT_FUEL_SET,
            "grid_scope": str(grid_scope), "grid_region": region, "grid_year_rule": str(rule), "grid_year": gy,
            "grid_factor": None if factor is None else {
                "version_id": factor.version_id, "name": factor.name, "value": factor.value, "unit": factor.unit,
                "region": factor.region, "status": factor.status}}


def grid_row(row: dict, policy: dict | None) -> dict:
    """The grid part of an input row: purchased electricity without its own factor takes the policy's grid."""
    if policy and policy.get("grid_region") and row.get("category") == "purchased_electricity" and "ef" not in row:
        row["region"] = policy["grid_region"]
    return row


# -- scope and coverage ---------------------------------------------------------------------------
@dataclass
class RunScope:
    months: dict[int, list[int]]              # enterprise id -> months counted
    sources: set[int]                          # source ids counted (in the boundary of a counted enterprise)
    expected: list[tuple[int, int, str, int]]  # (enterprise, source, code, month)
    boundaries: dict = field(default_factory=dict)

    def keep(self, records: list[tuple], sources: dict[int, tuple]) -> list[tuple]:
        """The loaded activity rows the run counts (source in the boundary, month of membership)."""
        months = {e: set(ms) for e, ms in self.months.items()}
        return [r for r in records if r[2] in self.sources and r[3] in months.get(sources[r[2]][1], ())]


def run_scope(park, year: int, *, enterprise=None, basis: str = "management", boundary_date: dt.date,
              enterprise_ids: list[int] | None = None) -> RunScope:
    """Membership months, boundary and expected values of every enterprise a run covers (five queries);
    ``enterprise_ids``: only those of the park's enterprises (a part of a recalculation job)."""
    ents = Enterprise.objects.filter(park=park)
    if enterprise is not None:
        ents = ents.filter(pk=enterprise.pk)
    if enterprise_ids is not None:
        ents = ents.filter(pk__in=enterprise_ids)
    ent_rows = list(ents.values_list("pk", "entered_on", "exited_on", "carbon_market_covered"))
    ids = [e[0] for e in ent_rows]
    sites: dict[int, tuple[int, set[int]]] = {}
    since: dict[int, str] = {}
    valid = Q(effective_to__isnull=True) | Q(effective_to__gte=boundary_date)
    for bid, eid, site, start in (Boundary.objects.filter(park=park, enterprise_id__in=ids, kind=Boundary.Kind.ACCOUNTING,
                                                          effective_from__lte=boundary_date).filter(valid)
                                  .values_list("pk", "enterprise_id", "sites", "effective_from")):
        since.setdefault(bid, start.isoformat())
        b = sites.setdefault(eid, (bid, set()))
        if site is not None and b[0] == bid:
            b[1].add(site)
    plans: dict[int, int] = {}
    for pid, eid in (MonitoringPlan.objects.filter(enterprise_id__in=ids, effective_from__lte=boundary_date,
                                                   status__in=(MonitoringPlan.Status.APPROVED, MonitoringPlan.Status.SUPERSEDED))
                     .order_by("enterprise_id", "version").values_list("pk", "enterprise_id")):
        plans[eid] = pid  # the latest version that had started by the boundary date
    planned: dict[int, set[int]] = {}
    if plans:
        for eid, sid in PlanItem.objects.filter(plan_id__in=list(plans.values()), data_item=PlanItem.DataItem.ACTIVITY
                                                ).values_list("plan__enterprise_id", "source_id"):
            planned.setdefault(eid, set()).add(sid)
    src_rows = list(Source.objects.filter(enterprise_id__in=ids).order_by("enterprise_id", "code").values_list(
        "pk", "enterprise_id", "code", "unit__site_id", "equipment__unit__site_id", "effective_from", "effective_to", "status"))
    months: dict[int, list[int]] = {}
    info: dict[str, dict] = {}
    for eid, entered, exited, covered in ent_rows:
        ms = member_months(year, entered, exited)
        b = sites.get(eid)
        note = []
        if basis == "ets" and not covered:
            ms, note = [], ["not_ets_covered"]
        if b is None:
            note.append("no_boundary")
        elif not b[1]:
            note.append("boundary_lists_no_sites")
        months[eid] = ms
        info[str(eid)] = {"boundary": b[0] if b else None, "boundary_from": since.get(b[0]) if b else None,
                          "months": ms, "notes": note,
                          "expected_from": "monitoring_plan" if eid in plans else "register",
                          "excluded_sources": [], "n_excluded": 0, "unplaced_sources": 0}
    keep: set[int] = set()
    expected: list[tuple[int, int, str, int]] = []
    bounds = _month_bounds(year)
    for sid, eid, code, unit_site, eq_site, start, end, status in src_rows:
        ms = months.get(eid)
        if not ms:
            continue
        e = info[str(eid)]
        site = unit_site or eq_site
        b = sites.get(eid)
        if b is not None and b[1]:
            if site is None:
                e["unplaced_sources"] += 1
            elif site not in b[1]:
                e["n_excluded"] += 1
                if len(e["excluded_sources"]) < EXCLUDED_CAP:
                    e["excluded_sources"].append(code)
                continue
        keep.add(sid)
        if eid in plans and sid not in planned.get(eid, ()):
            continue
        for m in in_force_months(year, ms, start, end, status == Source.Status.RETIRED, bounds):
            expected.append((eid, sid, code, m))
    return RunScope(months=months, sources=keep, expected=expected,
                    boundaries={"boundary_date": boundary_date.isoformat(), "enterprises": info})


def coverage(scope: RunScope, records: list[tuple], sources: dict[int, tuple]) -> dict:
    """Expected, held, fraction, complete and the (capped) list of what is missing, with per-enterprise counts."""
    held_pairs = {(r[2], r[3]) for r in records}
    missing: list[dict] = []
    by_ent: dict[int, list[int]] = {}
    held = n_missing = 0
    for eid, sid, code, month in scope.expected:
        counts = by_ent.get(eid)
        if counts is None:
            counts = by_ent[eid] = [0, 0]
        counts[0] += 1
        if (sid, month) in held_pairs:
            counts[1] += 1
        else:
            n_missing += 1
            if n_missing <= MISSING_CAP:
                missing.append({"enterprise": eid, "source": sid, "code": code, "month": month})
    held = len(scope.expected) - n_missing
    expected = len(scope.expected)
    counted = [e for e, ms in scope.months.items() if ms]
    without = sorted(e for e in counted if by_ent.get(e, [0, 0])[1] == 0)
    return {"expected": expected, "held": held, "fraction": round(held / expected, 6) if expected else 0.0,
            "complete": expected > 0 and held == expected, "missing": missing, "n_missing": n_missing,
            "by_enterprise": {str(e): c for e, c in by_ent.items()}, "enterprises_counted": len(counted),
            "enterprises_without_data": without,
            # expected (source, month) pairs are unique, so the held pairs beyond them were not expected
            "unexpected_values": len(held_pairs) - held}
