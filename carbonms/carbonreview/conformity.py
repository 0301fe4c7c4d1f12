"""Conformity checks of the topics this app serves (carbonms.conformity.checks calls :func:`topic_checks`).

* ``indicators`` (T/CSES 6.4; T/CPQS 7.4, 10.1.1): indicators registered, with values from the statements in force,
  and every deviation beyond its threshold investigated;
* ``carbon_review`` (T/CSES 6.3; T/CPQS 7.3.1): the carbon review of the last completed year approved, and no
  trigger of 7.3.1 open since;
* ``objectives``, ``baseline`` (targets and baselines of the ``performance`` app) and ``carbon_assets``,
  ``trading``, ``neutrality`` (the ``ledger`` and ``compliance`` apps): checked only when those apps have their
  models; until then the topic is absent, so the clauses show as not assessed rather than conforming.
"""
from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from . import planning_checks, selectors
from .models import CarbonReview, DeviationInvestigation, Indicator


def topic_checks(system, today) -> dict:
    from carbonms.conformity.checks import Check

    out = {"indicators": _indicators(system, Check), "carbon_review": _carbon_review(system, today, Check)}
    out.update(planning_checks.checks(system, today, Check))
    return out


def _indicators(system, Check):
    link = [(_("Performance indicators"), reverse("carbonreview:indicators", args=[system.slug]))]
    inds = list(system.filter(Indicator.objects.filter(active=True)))
    if not inds:
        return Check("fail", _("No performance indicator registered."), link)
    from . import indicators

    with_value, flagged = 0, 0
    investigated = set(system.filter(DeviationInvestigation.objects.all()).values_list("indicator_id", "year"))
    sts = indicators.statements_of_entity(system.park.pk, system.enterprise.pk if system.enterprise else None)
    for ind in inds:
        values = indicators.series(ind, sts)
        if any(v.value is not None for v in values):
            with_value += 1
        flagged += sum(1 for v in values if v.exceeds and (ind.pk, v.year) not in investigated)
    if not with_value:
        return Check("warn", _("%(n)d indicators registered, none with a value: no inventory statement in force.") % {"n": len(inds)}, link)
    if flagged:
        return Check("warn", ngettext("%(n)d deviation beyond its threshold not investigated.", "%(n)d deviations beyond their thresholds not investigated.", flagged)
                     % {"n": flagged}, link)
    return Check("ok", _("%(n)d indicators with values from the statements; every serious deviation investigated.") % {"n": len(inds)}, link)


def _carbon_review(system, today, Check):
    year = today.year - 1
    link = [(_("Carbon reviews"), reverse("carbonreview:reviews", args=[system.slug]))]
    reviews = system.filter(CarbonReview.objects.filter(year=year)).exclude(status="superseded")
    approved = reviews.filter(status="approved").first()
    if approved is None:
        if reviews.exists():
            return Check("warn", _("The carbon review of %(y)s is in preparation, not approved.") % {"y": year}, link)
        return Check("fail", _("No carbon review of %(y)s.") % {"y": year}, link)
    links = [(str(approved), approved.get_absolute_url())]
    triggers = selectors.update_triggers(approved)
    if triggers and not reviews.filter(status__in=["draft", "reviewed"]).exists():
        return Check("warn", ngettext("The carbon review of %(y)s is approved, but %(n)d significant change since calls for an update.",
                                "The carbon review of %(y)s is approved, but %(n)d significant changes since call for an update.",
                                len(triggers)) % {"y": year, "n": len(triggers)}, links)
    return Check("ok", _("The carbon review of %(y)s was approved on %(d)s; no significant change since.")
                 % {"y": year, "d": approved.approved_at.date()}, links)
