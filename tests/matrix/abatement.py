"""Permission matrix of the abatement app (opportunities and the MACC, action plans, pathways).

The cases open the enterprise systems (``ent-<id>``); tests/abatement/test_pages.py covers the park's own pages
(``park-<id>``), which an enterprise's users must not see at all.
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from .base import ALL, Case

PLANNING_WRITERS = {"park_admin", "park_carbon_officer", "enterprise_admin", "data_clerk"}
ROW = {"category": "stationary_combustion", "method": "fuel_combustion", "material": "烟煤", "unit": "t"}


def _sys(org):
    return {"park": org.enterprise.park, "enterprise": org.enterprise}


def _opportunity(org):
    from carbonms.abatement.models import Opportunity

    return Opportunity.objects.create(
        **_sys(org), code="O-1", title="余热回收", category="efficiency", stage="process", capex=Decimal("100000"),
        delta_opex=Decimal("-20000"), lifetime_years=10, discount_rate_pct=Decimal("8"), factor_year=2025,
        activity_before=[{**ROW, "amount": 100}], activity_after=[{**ROW, "amount": 90}],
        annual_reduction_t=Decimal("17.4"), cost_per_t=Decimal("-400"))


def _line(org):
    from carbonms.abatement.models import ActionLine

    return ActionLine.objects.create(
        **_sys(org), code="A-1", measure="余热回收", kind="process_efficiency", department="能源部",
        verification_method="计量比较", start_date=dt.date(2026, 1, 1), end_date=dt.date(2026, 12, 31), factor_year=2025,
        activity_before=[{**ROW, "amount": 100}], activity_after=[{**ROW, "amount": 90}], annual_reduction_t=Decimal("17.4"))


def _scenario(org):
    from carbonms.abatement.models import Scenario

    return Scenario.objects.create(**_sys(org), name="BAU", kind="bau", horizon=2040)


MAKERS = {"opportunity": _opportunity, "line": _line, "scenario": _scenario}


def _pk(key):
    return lambda w, org: {"pk": org.cached(f"abatement-{key}", lambda: MAKERS[key](org)).pk}


def _owner(w, org):
    return {"owner": f"ent-{org.enterprise.pk}"}


CASES: dict[str, Case] = {
    "abatement:opportunities": Case(_owner, ALL),
    "abatement:opportunity_create": Case(_owner, PLANNING_WRITERS),
    "abatement:opportunity": Case(_pk("opportunity"), ALL),
    "abatement:opportunity_edit": Case(_pk("opportunity"), PLANNING_WRITERS),
    "abatement:opportunity_promote": Case(_pk("opportunity"), PLANNING_WRITERS),
    "abatement:actions": Case(_owner, ALL),
    "abatement:action_create": Case(_owner, PLANNING_WRITERS),
    "abatement:action": Case(_pk("line"), ALL),
    "abatement:action_edit": Case(_pk("line"), PLANNING_WRITERS),
    "abatement:pathway": Case(_owner, ALL),
    "abatement:scenario_create": Case(_owner, PLANNING_WRITERS),
    "abatement:scenario_edit": Case(_pk("scenario"), PLANNING_WRITERS),
    "api:abatement-opportunity-list": Case(None, ALL),
    "api:abatement-opportunity-detail": Case(_pk("opportunity"), ALL),
    "api:abatement-opportunity-promote": Case(_pk("opportunity"), ALL),
    "api:abatement-action-line-list": Case(None, ALL),
    "api:abatement-action-line-detail": Case(_pk("line"), ALL),
    "api:abatement-scenario-list": Case(None, ALL),
    "api:abatement-scenario-detail": Case(_pk("scenario"), ALL),
    "api:abatement-scenario-pathway": Case(None, ALL),
}
