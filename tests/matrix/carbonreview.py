"""Permission matrix of the carbonreview app (issue 12 items 4, 5, 8; issue 13 item 7): pages and endpoints."""
from __future__ import annotations

from .base import ALL, Case

PLANNING_WRITERS = {"park_admin", "park_carbon_officer", "enterprise_admin", "data_clerk"}


def _owner(w, org):
    return {"owner": f"ent-{org.enterprise.pk}"}


def _sys(org):
    return {"park": org.enterprise.park, "enterprise": org.enterprise}


def _indicator(w, org):
    from carbonms.carbonreview.models import Indicator

    return org.cached("cr_indicator", lambda: Indicator.objects.create(**_sys(org), code="E-1", name="排放总量"))


def _investigation(w, org):
    from decimal import Decimal

    from carbonms.carbonreview.models import DeviationInvestigation

    return org.cached("cr_investigation", lambda: DeviationInvestigation.objects.create(
        **_sys(org), indicator=_indicator(w, org), year=2025, expected=Decimal(100), actual=Decimal(120),
        deviation_pct=Decimal(20), threshold_pct=Decimal(10)))


def _review(w, org):
    from carbonms.carbonreview.models import CarbonReview

    return org.cached("cr_review", lambda: CarbonReview.objects.create(**_sys(org), year=2025,
                                                                        drafted_by=w.users["enterprise_admin"]))


def _section(w, org):
    from carbonms.carbonreview.models import ReviewSection

    return org.cached("cr_section", lambda: ReviewSection.objects.create(**_sys(org), review=_review(w, org), key="a_law"))


def _pk(make):
    return lambda w, org: {"pk": make(w, org).pk}


CASES: dict[str, Case] = {
    "carbonreview:start": Case(None, ALL, ok_status=302),
    "carbonreview:indicators_start": Case(None, ALL, ok_status=302),
    "carbonreview:indicators": Case(_owner, ALL),
    "carbonreview:indicator_create": Case(_owner, PLANNING_WRITERS),
    "carbonreview:indicator": Case(_pk(_indicator), ALL),
    "carbonreview:indicator_edit": Case(_pk(_indicator), PLANNING_WRITERS),
    "carbonreview:investigation_open": Case(lambda w, o: {"year": 2025, **_pk(_indicator)(w, o)}, PLANNING_WRITERS, ok_status=302),
    "carbonreview:investigations": Case(_owner, ALL),
    "carbonreview:investigation": Case(_pk(_investigation), ALL),
    "carbonreview:investigation_conclude": Case(_pk(_investigation), PLANNING_WRITERS),
    "carbonreview:investigation_action": Case(lambda w, o: {"step": "conclude", **_pk(_investigation)(w, o)}, ALL, ok_status=302),
    "carbonreview:reviews": Case(_owner, ALL),
    "carbonreview:review_create": Case(_owner, PLANNING_WRITERS),
    "carbonreview:review": Case(_pk(_review), ALL),
    "carbonreview:review_update": Case(_pk(_review), {"park_admin", "park_carbon_officer", "enterprise_admin", "data_clerk"}),
    "carbonreview:review_action": Case(lambda w, o: {"step": "refresh", **_pk(_review)(w, o)}, ALL, ok_status=302),
    "carbonreview:section_save": Case(_pk(_section), PLANNING_WRITERS, ok_status=302),
    "api:review-indicator-list": Case(None, ALL),
    "api:review-indicator-detail": Case(_pk(_indicator), ALL),
    "api:review-indicator-values": Case(_pk(_indicator), ALL),
    "api:review-investigation-list": Case(None, ALL),
    "api:review-investigation-detail": Case(_pk(_investigation), ALL),
    "api:review-investigation-transition": Case(_pk(_investigation), ALL),
    "api:carbon-review-list": Case(None, ALL),
    "api:carbon-review-detail": Case(_pk(_review), ALL),
    "api:carbon-review-transition": Case(_pk(_review), ALL),
    "api:carbon-review-item-list": Case(None, ALL),
    "api:carbon-review-item-detail": Case(_pk(_section), ALL),
}
