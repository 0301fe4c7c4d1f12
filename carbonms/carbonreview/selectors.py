"""Reads of the carbonreview app; lists start from ``restrict(user, action)``.

:func:`update_triggers` answers T/CPQS 7.3.1 ("及时更新…注：组织边界、运行边界、产量、生产工艺、原材料的变化等"): the
significant changes recorded since an approved carbon review was approved, each with where it was recorded.
"""
from __future__ import annotations

import datetime as dt

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from . import indicators
from .models import CarbonReview, DeviationInvestigation, Indicator


def indicators_for(user, system):
    return system.filter(Indicator.objects.restrict(user, "view")).select_related("owner")


def investigations_for(user, system):
    return system.filter(DeviationInvestigation.objects.restrict(user, "view")).select_related("indicator", "nonconformity")


def reviews_for(user, system):
    return system.filter(CarbonReview.objects.restrict(user, "view")).select_related("drafted_by", "approved_by")


def indicator_table(user, system, page=None) -> list[dict]:
    """Each indicator (of ``page``, a page of :func:`indicators_for`, or all) with its values per year (from the
    statements in force) and the deviations beyond threshold."""
    open_years = {(i.indicator_id, i.year) for i in system.filter(DeviationInvestigation.objects.restrict(user, "view"))}
    rows = []
    sts = indicators.statements_of_entity(system.park.pk, system.enterprise.pk if system.enterprise else None)
    for ind in indicators_for(user, system) if page is None else page:
        values = indicators.series(ind, sts)
        rows.append({"indicator": ind, "unit": indicators.unit_of(ind), "values": values,
                     "latest": next((v for v in reversed(values) if v.value is not None), None),
                     "flagged": [v for v in values if v.exceeds and (ind.pk, v.year) not in open_years]})
    return rows


def update_triggers(review: CarbonReview) -> list[dict]:
    """Significant changes since the review was approved (T/CPQS 7.3.1): a new boundary version, a source added or
    retired, an enterprise entering or leaving the park, a statement of the year restated, a planned change
    (process, raw materials) closed. A change of output is not detected yet (it needs a full year to compare)."""
    if review.status != CarbonReview.Status.APPROVED or review.approved_at is None:
        return []
    from carbonms.carbondata.models import Source
    from carbonms.inventory.models import InventoryStatement
    from carbonms.management.models import PlannedChange
    from carbonms.organizations.models import Boundary, Enterprise

    since = review.approved_at
    since_day = timezone.localdate(since)
    ents = Enterprise.objects.filter(park_id=review.park_id)
    if review.enterprise_id:
        ents = ents.filter(pk=review.enterprise_id)
    out = []
    for b in Boundary.objects.filter(park_id=review.park_id, enterprise_id=review.enterprise_id, created_at__gt=since):
        out.append({"kind": "boundary", "text": _("New boundary version from %(d)s: %(r)s") % {"d": b.effective_from, "r": b.change_reason or b.description[:60]}})
    added = Source.objects.filter(enterprise__in=ents, created_at__gt=since)
    retired = Source.objects.filter(enterprise__in=ents, effective_to__isnull=False, updated_at__gt=since, effective_to__gte=since_day - dt.timedelta(days=366))
    for s in added[:10]:
        out.append({"kind": "source", "text": _("Source added: %(s)s") % {"s": s}})
    for s in retired.exclude(pk__in=added)[:10]:
        out.append({"kind": "source", "text": _("Source retired on %(d)s: %(s)s") % {"d": s.effective_to, "s": s}})
    if review.enterprise_id is None:
        for e in ents.filter(Q(entered_on__gt=since_day) | Q(exited_on__gt=since_day)):
            out.append({"kind": "membership", "text": _("Enterprise entering or leaving the park: %(e)s") % {"e": e.name}})
    restated = InventoryStatement.objects.filter(park_id=review.park_id, enterprise_id=review.enterprise_id, year=review.year,
                                                 supersedes__isnull=False, approved_at__gt=since)
    for st in restated:
        out.append({"kind": "statement", "text": _("The statement of %(y)s was restated: %(r)s") % {"y": st.year, "r": st.restatement_reason}})
    changes = PlannedChange.objects.filter(park_id=review.park_id, enterprise_id=review.enterprise_id, status="closed", updated_at__gt=since)
    for c in changes:
        out.append({"kind": "change", "text": _("Planned change closed: %(t)s") % {"t": c.title}})
    return out

