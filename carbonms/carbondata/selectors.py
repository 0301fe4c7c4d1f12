"""Reads of the carbon data process. Every one starts from ``Model.objects.restrict(user, action)``."""
from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db.models import Count, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from carbonms.accounting import units

from .models import (
    ActivityRecord,
    DataImport,
    Evidence,
    LabAnalysis,
    MeasuringInstrument,
    MonitoringPlan,
    Source,
)

S = ActivityRecord.Status


def sources_for(user, enterprise=None, park=None):
    qs = Source.objects.restrict(user, "view").select_related("enterprise", "unit", "equipment", "supplier")
    if enterprise is not None:
        qs = qs.filter(enterprise=enterprise)
    if park is not None:
        qs = qs.filter(enterprise__park=park)
    return qs


SUMMARY_ENTERPRISES = 30


def register_summary(user, park) -> dict:
    """Counts of sources by category and by enterprise (park view)."""
    qs = sources_for(user, park=park).filter(status=Source.Status.ACTIVE)
    return {
        "by_category": list(qs.values("category").annotate(n=Count("id")).order_by("-n")),
        # the enterprises with the most sources (a park of 1,000 enterprises does not list them all here)
        "by_enterprise": list(qs.values("enterprise_id", "enterprise__name").annotate(n=Count("id")).order_by("-n")[:SUMMARY_ENTERPRISES]),
    }


def grid(user, enterprise, year: int) -> list[dict]:
    """The data-entry grid: each active source with its twelve current values (two queries)."""
    sources = list(sources_for(user, enterprise=enterprise).order_by("code"))
    records = ActivityRecord.objects.restrict(user, "view").filter(enterprise=enterprise, year=year, is_current=True)
    by_key = {(r.source_id, r.month): r for r in records}
    pending = set(ActivityRecord.objects.restrict(user, "view").filter(
        enterprise=enterprise, year=year, is_current=False).exclude(status__in=(S.SUPERSEDED, S.REJECTED))
        .values_list("source_id", "month"))
    return [{"source": s, "cells": [{"month": m, "record": by_key.get((s.pk, m)), "correction": (s.pk, m) in pending}
                                    for m in range(1, 13)]} for s in sources]


def review_queue(user):
    return (ActivityRecord.objects.restrict(user, "approve").filter(status=S.SUBMITTED)
            .select_related("source", "enterprise", "entered_by", "previous").order_by("enterprise__name", "year", "month", "source__code"))


def review_rows(user):
    """The review queue with what the reviewer compares each value with, in one query: the current value of
    the same source and month a year earlier (``last_year_amount``), the import file (``data_import``), the
    number of evidence files (``n_evidence``); the findings and meter completeness are on the record."""
    same_month_last_year = ActivityRecord.objects.filter(
        source_id=OuterRef("source_id"), month=OuterRef("month"), year=OuterRef("year") - 1, is_current=True)
    n_evidence = (Evidence.objects.filter(activity_id=OuterRef("pk")).order_by().values("activity_id")
                  .annotate(n=Count("id")).values("n"))
    return (review_queue(user).select_related("data_import")
            .annotate(last_year_amount=Subquery(same_month_last_year.values("amount")[:1]),
                      n_evidence=Coalesce(Subquery(n_evidence), 0)))


def plans_for(user, enterprise):
    return MonitoringPlan.objects.restrict(user, "view").filter(enterprise=enterprise)


def instruments_for(user, enterprise):
    return (MeasuringInstrument.objects.restrict(user, "view").filter(enterprise=enterprise)
            .prefetch_related("calibrations", "sources"))


def imports_for(user, enterprise):
    return DataImport.objects.restrict(user, "view").filter(enterprise=enterprise)


def weighted_lab_values(source_ids, year: int) -> dict[tuple[int, int], dict[str, Decimal]]:
    """Consumption-weighted monthly averages of lab values: (source id, month) -> {column: value}.

    Σ(value × amount represented) / Σ(amount represented), per source, month and parameter
    (T/CIECCPA 061 §8.2.5; the monthly average weighted by consumption). Each value is first converted
    by the units module into the unit the accounting core takes for the source's activity
    (``carbonms.accounting.units.lab_value``): the keys are the core's columns (``ncv`` in GJ/t or
    GJ/10^4Nm3, ``carbon_content`` in tC/GJ, ``carbon_per_unit`` for a carbon content reported per unit
    of fuel, ``carbon_fraction``, ``oxidation_rate``, ``purity``). A stored value whose unit cannot
    describe the activity (entered before the check existed) raises ``ValidationError`` naming it.
    ``source_ids``: the sources' ids, or a queryset of them (a subquery, for the many sources of a park).
    """
    sums: dict[tuple[int, int, str], list[Decimal]] = defaultdict(lambda: [Decimal(0), Decimal(0)])
    rows = LabAnalysis.objects.filter(source_id__in=source_ids, year=year).values_list(
        "source_id", "month", "parameter", "value", "weight", "unit", "source__activity_unit", "source__code")
    for sid, month, param, value, weight, unit, activity_unit, code in rows:
        try:
            column, converted = units.lab_value(param, float(value), unit, activity_unit)
        except units.UnitProblem:
            raise ValidationError(_("Lab value of %(code)s %(year)d-%(month)02d: the unit “%(unit)s” cannot describe the "
                                    "activity, measured in %(activity)s (field unit).")
                                  % {"code": code, "year": year, "month": month, "unit": unit, "activity": activity_unit})
        acc = sums[(sid, month, column)]
        acc[0] += Decimal(repr(converted)) * weight
        acc[1] += weight
    out: dict[tuple[int, int], dict[str, Decimal]] = defaultdict(dict)
    for (sid, month, param), (vw, w) in sums.items():
        if w > 0:
            out[(sid, month)][param] = vw / w
    return dict(out)


def status_counts(user, enterprise, year: int) -> dict:
    qs = ActivityRecord.objects.restrict(user, "view").filter(enterprise=enterprise, year=year, is_current=True)
    return qs.aggregate(**{s: Count("id", filter=Q(status=s)) for s in S.values})


from .output_selectors import denominators, denominators_by_enterprise  # noqa: E402,F401  (issue 10: reads statements use)
