"""Assessment criteria computed from the platform's data (spec §1.6.4 "Rules"), for all enterprises of a round at
once (a fixed number of queries, whatever the number of enterprises, except management-system conformity which is
assessed per enterprise).

:func:`compute` answers ``{(enterprise id, source): (fraction 0…1, evidence)}``; a criterion left out is scored by
hand. Sources:

* ``target_achievement`` — the statement in force (management basis) against the enterprise's absolute target for the
  year (app ``performance``); without a target, against the previous year's statement (no increase);
* ``data_timeliness`` — closed months (``PeriodLock``) of the year ÷ 12;
* ``data_quality`` — current activity values of the year that are approved or locked and carry no quality finding ÷
  all current values of the year;
* ``ms_conformity`` — the conformity score of the enterprise's management system against T/CIECCPA 061
  (``conformity.checks.standard_conformity``);
* ``ets_compliance`` — full for an enterprise outside the carbon market; a covered one from its compliance records
  (履约记录) whose surrender deadline fell in the assessed year: full when settled by the deadline, half when settled
  after it, none when the deadline passed unsettled (the worst record counts); without such a record, or before the
  deadline, it is scored by hand;
* ``training`` — sessions of the year attended ÷ sessions held (left out when none were held).
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _


def _statements(park, years, ids):
    from carbonms.inventory.models import InventoryStatement

    out = {}
    qs = (InventoryStatement.objects.filter(park=park, enterprise_id__in=ids, year__in=years, basis="management",
                                            status__in=InventoryStatement.OFFICIAL)
          .order_by("enterprise_id", "year", "approved_at"))
    for ent_id, year, totals in qs.values_list("enterprise_id", "year", "totals"):  # the last approved one wins
        out[(ent_id, year)] = Decimal(str((totals or {}).get("gross", 0)))
    return out


def _targets(park, year):
    try:
        from . import targets_link

        return targets_link.enterprise_targets(park, year)
    except (ImportError, LookupError):
        return {}


def compute(park, year: int, enterprises) -> dict[tuple[int, str], tuple[float, str]]:
    from carbonms.carbondata.models import ActivityRecord, PeriodLock

    from .models import Attendance, TrainingSession

    ids = [e.pk for e in enterprises]
    out: dict[tuple[int, str], tuple[float, str]] = {}
    stmts = _statements(park, [year - 1, year], ids)
    targets = _targets(park, year)
    for e in enterprises:
        actual = stmts.get((e.pk, year))
        if actual is None:
            out[(e.pk, "target_achievement")] = (0.0, _("No statement in force for %(y)s.") % {"y": year})
            continue
        limit = targets.get(e.pk)
        basis = _("target %(t)s tCO2e") % {"t": f"{limit:,.1f}"} if limit is not None else None
        if limit is None and (e.pk, year - 1) in stmts:
            limit = stmts[(e.pk, year - 1)]
            basis = _("%(y)s statement %(t)s tCO2e (no target set)") % {"y": year - 1, "t": f"{limit:,.1f}"}
        if limit is None:
            out[(e.pk, "target_achievement")] = (1.0, _("Actual %(a)s tCO2e; no target and no earlier statement.")
                                                 % {"a": f"{actual:,.1f}"})
            continue
        fraction = 1.0 if actual <= limit else float(max(Decimal("0"), limit / actual)) if actual else 1.0
        out[(e.pk, "target_achievement")] = (fraction, _("Actual %(a)s tCO2e against %(b)s.")
                                             % {"a": f"{actual:,.1f}", "b": basis})
    locks = dict(PeriodLock.objects.filter(enterprise_id__in=ids, year=year).values("enterprise_id")
                 .annotate(n=Count("pk")).values_list("enterprise_id", "n"))
    for e in enterprises:
        n = locks.get(e.pk, 0)
        out[(e.pk, "data_timeliness")] = (min(n, 12) / 12, _("%(n)s of 12 months closed.") % {"n": n})
    good_status = (ActivityRecord.Status.APPROVED, ActivityRecord.Status.LOCKED)
    counts = (ActivityRecord.objects.filter(enterprise_id__in=ids, year=year, is_current=True)
              .values("enterprise_id")
              .annotate(total=Count("pk"), good=Count("pk", filter=Q(status__in=good_status, quality_flags=[]))))
    by_ent = {r["enterprise_id"]: r for r in counts}
    for e in enterprises:
        r = by_ent.get(e.pk)
        if not r or not r["total"]:
            out[(e.pk, "data_quality")] = (0.0, _("No activity data for %(y)s.") % {"y": year})
        else:
            out[(e.pk, "data_quality")] = (r["good"] / r["total"], _("%(g)s of %(t)s values approved without "
                                                                      "quality findings.") % {"g": r["good"], "t": r["total"]})
    out.update(_conformity(park, enterprises))
    for e in enterprises:
        if not e.carbon_market_covered:
            out[(e.pk, "ets_compliance")] = (1.0, _("Not covered by the national carbon market."))
    out.update(_ets(year, [e for e in enterprises if e.carbon_market_covered]))
    sessions = list(TrainingSession.objects.filter(park=park, held_on__year=year).values_list("pk", flat=True))
    if sessions:
        attended = defaultdict(int)
        for ent_id in (Attendance.objects.filter(session_id__in=sessions, enterprise_id__in=ids, attendees__gt=0)
                       .values_list("enterprise_id", flat=True)):
            attended[ent_id] += 1
        for e in enterprises:
            out[(e.pk, "training")] = (attended[e.pk] / len(sessions), _("%(a)s of %(n)s sessions attended.")
                                       % {"a": attended[e.pk], "n": len(sessions)})
    return out


def _conformity(park, enterprises) -> dict:
    from carbonms.conformity.checks import standard_conformity
    from carbonms.management.system import System

    out = {}
    for e in enterprises:
        result = standard_conformity(System(park, e), "t-cieccpa-061-2023")
        out[(e.pk, "ms_conformity")] = (result["score"] / 100, _("Conformity score %(s)s %% (%(a)s of %(t)s clauses "
                                                                 "assessed).") % {"s": result["score"],
                                                                                  "a": result["assessed"],
                                                                                  "t": result["total"]})
    return out


def _ets(year: int, covered, today: dt.date | None = None) -> dict:
    """``ets_compliance`` of covered enterprises from the compliance records due in ``year`` (one query)."""
    from carbonms.compliance.models import ComplianceRecord

    today = today or timezone.localdate()
    worst: dict[int, tuple[float, str]] = {}
    records = (ComplianceRecord.objects.filter(enterprise__in=covered, deadline__year=year)
               .order_by("enterprise_id", "year").values_list("enterprise_id", "year", "status", "deadline", "settled_on",
                                                             "obligation_t", "surrendered_t"))
    for ent_id, cyear, status, deadline, settled_on, obligation, surrendered in records:
        facts = {"y": cyear, "d": deadline.isoformat(), "s": f"{surrendered:,.0f}", "o": f"{obligation:,.0f}"}
        if status == ComplianceRecord.Status.SETTLED and settled_on and settled_on <= deadline:
            got = (1.0, _("%(y)s obligation settled on %(on)s, by the deadline %(d)s.") % {**facts, "on": settled_on.isoformat()})
        elif status == ComplianceRecord.Status.SETTLED:
            got = (0.5, _("%(y)s obligation settled after the deadline %(d)s.") % facts)
        elif today > deadline:
            got = (0.0, _("%(y)s obligation not settled by the deadline %(d)s: %(s)s of %(o)s t surrendered.") % facts)
        else:
            continue  # not due yet: left to the park
        if ent_id not in worst or got[0] < worst[ent_id][0]:
            worst[ent_id] = got
    return {(ent_id, "ets_compliance"): got for ent_id, got in worst.items()}
