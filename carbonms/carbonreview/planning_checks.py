"""Conformity checks that read other apps' models: ``objectives`` and ``baseline`` (app ``performance``), ``carbon_assets``
and ``trading`` (apps ``ledger`` and ``compliance``) and ``neutrality`` (app ``compliance``).

A topic whose app has not built its model is left out, so that its clauses are "not assessed" (design problem B10):
a topic is never "ok" for want of a check. ``trading`` and ``neutrality`` are assessed only where they apply: trading
for a system with a covered enterprise or ledger records, neutrality for a system that has made a claim.
"""
from __future__ import annotations

import datetime as dt

from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .planning_data import TARGETS_IN_FORCE, _of_system, safe_url
from .sections import _model


def _link(label, obj_or_url):
    url = obj_or_url if isinstance(obj_or_url, str) else safe_url(obj_or_url)
    return [(label, url)] if url else []


def _count_sets(system, today) -> dict:
    """The counts every check below reads, as querysets (counted together in one query)."""
    sets = {}
    Target, Baseline = _model("performance", "Target"), _model("performance", "Baseline")
    if Target is not None:
        sets["targets"] = _of_system(Target, system)
    if Baseline is not None:
        sets["baselines"] = _of_system(Baseline, system)
    Account, Movement = _model("ledger", "Account"), _model("ledger", "Movement")
    if Movement is not None:
        moves = _scope(Movement.objects.all(), system)
        sets.update(accounts=_scope(Account.objects.all(), system), movements=moves,
                    movements_approved=moves.filter(status="approved"),
                    movements_stale=moves.filter(status="entered", date__lt=today - dt.timedelta(days=30)))
    Record, Claim = _model("compliance", "ComplianceRecord"), _model("compliance", "NeutralityClaim")
    if Record is not None:
        records = _of_park(Record.objects.all(), system)
        sets.update(records=records, records_late=records.filter(Q(deadline__lt=today) & ~Q(status="settled")))
        if not system.enterprise:
            sets["covered"] = system.park.enterprises.filter(carbon_market_covered=True)
    if Claim is not None:
        claims = _of_park(Claim.objects.all(), system)
        sets.update(claims=claims, claims_undetermined=claims.filter(~Q(status__in=["determined", "declared"])))
    return sets


def checks(system, today, Check) -> dict:
    from carbonms.conformity.checks import _counts

    sets = _count_sets(system, today)
    c = _counts(sets) if sets else {}
    out = {}
    if "targets" in c:
        out["objectives"] = _objectives(system, today, _model("performance", "Target"), Check, c)
    if "baselines" in c:
        out["baseline"] = _baseline(system, _model("performance", "Baseline"), Check, c)
    for key, check in (("carbon_assets", _assets), ("trading", _trading), ("neutrality", _neutrality)):
        if {"carbon_assets": "movements", "trading": "records", "neutrality": "claims"}[key] in c:
            result = check(system, today, Check, c)
            if result is not None:
                out[key] = result
    return out


def _objectives(system, today, Target, Check, c):
    """T/CSES 6.2; T/CPQS 7.1; T/CIECCPA 6.2: targets approved (or published), and none off track without an investigation."""
    qs = _of_system(Target, system)
    live = list(qs.filter(status__in=TARGETS_IN_FORCE).prefetch_related("progress"))
    if not live:
        drafted = bool(c["targets"])
        return Check("warn" if drafted else "fail",
                     _("Targets are drafted but none is approved.") if drafted else _("No target recorded."), [])
    links = _link(str(live[0]), live[0])
    from .models import DeviationInvestigation

    investigated = set(DeviationInvestigation.objects.filter(target__in=live).values_list("target_id", "year"))
    off = [(t, p) for t in live for p in t.progress.all() if p.status == "off_track" and (t.pk, p.year) not in investigated]
    if off:
        return Check("warn", ngettext("%(n)d target off track without a deviation investigation.", "%(n)d targets off track without a deviation investigation.", len(off))
                     % {"n": len(off)}, links)
    return Check("ok", ngettext("%(n)d target approved; none off track without an investigation.", "%(n)d targets approved; none off track without an investigation.", len(live))
                 % {"n": len(live)}, links)


def _baseline(system, Baseline, Check, c):
    """T/CSES 6.5; T/CPQS 7.5: an approved baseline, and no adjustment trigger left open."""
    qs = _of_system(Baseline, system)
    live = list(qs.filter(status="approved"))
    if not live:
        drafted = bool(c["baselines"])
        return Check("warn" if drafted else "fail",
                     _("A baseline is drafted but not approved.") if drafted else _("No baseline recorded."), [])
    Trigger = _model("performance", "BaselineTrigger")
    open_n = Trigger.objects.filter(baseline__in=live, status="open").count() if Trigger is not None else 0
    links = _link(str(live[0]), live[0])
    if open_n:
        return Check("warn", ngettext("%(n)d adjustment trigger open: decide whether the base is recalculated.", "%(n)d adjustment triggers open: decide whether the base is recalculated.", open_n)
                     % {"n": open_n}, links)
    return Check("ok", ngettext("%(n)d approved baseline; no adjustment trigger open.", "%(n)d approved baselines; no adjustment trigger open.", len(live))
                 % {"n": len(live)}, links)


def _scope(qs, system):
    return qs.filter(park_id=system.park.pk, enterprise_id=system.enterprise.pk if system.enterprise else None)


def _of_park(qs, system):
    qs = qs.filter(park_id=system.park.pk)
    return qs.filter(enterprise_id=system.enterprise.pk) if system.enterprise else qs


def _assets(system, today, Check, c):
    """T/CPQS 9.2.4; T/CIECCPA 8.3.1: accounts and instruments recorded; no movement waiting for approval for more than 30 days."""
    covered = bool(system.enterprise and system.enterprise.carbon_market_covered)
    accounts = c["accounts"]
    m = {"n": c["movements"], "approved": c["movements_approved"], "stale": c["movements_stale"]}
    if not accounts and not m["n"]:
        if covered:
            return Check("fail", _("A covered enterprise without any carbon-asset account in the ledger."), [])
        return None  # holds no carbon assets: the topic does not apply here
    stale = m["stale"]
    if stale:
        return Check("warn", ngettext("%(n)d movement entered more than 30 days ago still awaits approval.", "%(n)d movements entered more than 30 days ago still await approval.", stale)
                     % {"n": stale}, [])
    return Check("ok", _("%(a)d accounts and %(m)d approved movements in the ledger; none waiting long for approval.")
                 % {"a": accounts, "m": m["approved"]}, [])


def _trading(system, today, Check, counts):
    """T/CPQS 7.3.3 e); T/CIECCPA 8.3.2: the compliance obligations of covered enterprises settled by their deadlines."""
    covered = system.enterprise.carbon_market_covered if system.enterprise else bool(counts["covered"])
    c = {"n": counts["records"], "late": counts["records_late"]}
    if not c["n"]:
        return Check("warn", _("A covered enterprise without a compliance record."), []) if covered else None
    late = c["late"]
    if late:
        return Check("fail", ngettext("%(n)d compliance obligation past its surrender deadline and not settled.", "%(n)d compliance obligations past their surrender deadlines and not settled.", late)
                     % {"n": late}, [])
    return Check("ok", _("%(n)d compliance records; none past its deadline unsettled.") % {"n": c["n"]}, [])


def _neutrality(system, today, Check, counts):
    """T/CIECCPA 8.4; T/CPQS 7.3.5: a neutrality claim is determined by the third party and declared."""
    c = {"n": counts["claims"], "undetermined": counts["claims_undetermined"]}
    if not c["n"]:
        return None  # no claim made: the neutrality clauses are not assessed here
    undetermined = c["undetermined"]
    if undetermined:
        return Check("warn", ngettext("%(n)d neutrality claim not yet determined by the third party.", "%(n)d neutrality claims not yet determined by the third party.", undetermined)
                     % {"n": undetermined}, [])
    return Check("ok", _("%(n)d neutrality claims determined by the third party.") % {"n": c["n"]}, [])
