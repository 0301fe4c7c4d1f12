"""Permission matrix of the zero-carbon plan and the technology positive list (issue 14 items 1–2)."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from .base import ALL, PARK_STAFF, Case

GOV_WRITERS = {"park_admin", "park_carbon_officer"}


def _park(w, org):
    return {"park_pk": org.enterprise.park_id}


def _pk(make):
    return lambda w, org: {"pk": make(w, org).pk}


def _plan(w, org):
    from carbonms.zerocarbon.models import ZeroCarbonPlan

    return org.cached("zc_plan", lambda: ZeroCarbonPlan.objects.create(
        park_id=org.enterprise.park_id, title="规划", version=org.enterprise.pk, first_year=2025, last_year=2030, drafted_by=w.users["park_carbon_officer"]))


def _infra(w, org):
    from carbonms.zerocarbon.models import Infrastructure

    return org.cached("zc_infra", lambda: Infrastructure.objects.create(
        park_id=org.enterprise.park_id, enterprise=org.enterprise, kind="pv", name="屋顶光伏", capacity=Decimal("100"),
        commissioned_on=dt.date(2024, 1, 1)))


def _tech(w, org):
    from carbonms.zerocarbon.models import Technology

    return org.cached("zc_tech", lambda: Technology.objects.create(
        park_id=org.enterprise.park_id, name="余热回收", category="c", abatement_potential="10 %", maturity="mature",
        listed_on=dt.date(2025, 1, 1)))


def _supply(w, org):
    from carbonms.zerocarbon.models import RenewableSupply

    return org.cached("zc_supply", lambda: RenewableSupply.objects.create(
        park_id=org.enterprise.park_id, enterprise=org.enterprise, year=2025, kind="green_power", mwh=Decimal("10")))


def _indicator(w, org):
    from carbonms.zerocarbon.models import IndicatorValue

    return org.cached("zc_ind", lambda: IndicatorValue.objects.create(
        park_id=org.enterprise.park_id, year=2000 + org.enterprise.pk % 90, indicator="water_reuse", value=Decimal("90"), source="统计"))


def _step(make, step):
    return lambda w, org: {"step": step, **_pk(make)(w, org)}


STAFF_404 = {"denied": 404, "park_level": True}
CASES: dict[str, Case] = {
    "zerocarbon:park": Case(_park, PARK_STAFF, **STAFF_404),
    "zerocarbon:plan_create": Case(_park, GOV_WRITERS, park_level=True),
    "zerocarbon:plan": Case(_pk(_plan), ALL, park_level=True),
    "zerocarbon:plan_edit": Case(_pk(_plan), GOV_WRITERS, park_level=True),
    "zerocarbon:target_create": Case(_pk(_plan), GOV_WRITERS, park_level=True),
    "zerocarbon:plan_action": Case(_step(_plan, "approve"), ALL, ok_status=302, park_level=True),
    "zerocarbon:infrastructure": Case(_park, PARK_STAFF, **STAFF_404),
    "zerocarbon:infrastructure_create": Case(_park, GOV_WRITERS, park_level=True),
    "zerocarbon:infrastructure_edit": Case(_pk(_infra), GOV_WRITERS),
    "zerocarbon:supply": Case(_park, PARK_STAFF, **STAFF_404),
    "zerocarbon:supply_create": Case(_park, GOV_WRITERS, park_level=True),
    "zerocarbon:indicators": Case(_park, PARK_STAFF, **STAFF_404),
    "zerocarbon:indicator_create": Case(_park, GOV_WRITERS, park_level=True),
    "zerocarbon:technologies": Case(_park, ALL, park_level=True),
    "zerocarbon:technology_create": Case(_park, GOV_WRITERS, park_level=True),
    "zerocarbon:technology": Case(_pk(_tech), ALL, park_level=True),
    "zerocarbon:technology_edit": Case(_pk(_tech), GOV_WRITERS, park_level=True),
    "zerocarbon:technology_evaluate": Case(_pk(_tech), GOV_WRITERS, park_level=True),
    "zerocarbon:demonstration_create": Case(_pk(_tech), GOV_WRITERS, park_level=True),
}

CASES.update({
    "cockpit:park": Case(_park, PARK_STAFF, **STAFF_404),
    "cockpit:enterprise": Case(lambda w, org: {"enterprise_pk": org.enterprise.pk}, ALL),
})


def _target(w, org):
    from carbonms.zerocarbon.models import PlanTarget

    return org.cached("zc_target", lambda: PlanTarget.objects.create(plan=_plan(w, org), year=2026, indicator="pv_kwp",
                                                                       value=Decimal("100")))


def _evaluation(w, org):
    from carbonms.zerocarbon.models import TechnologyEvaluation

    return org.cached("zc_eval", lambda: TechnologyEvaluation.objects.create(
        technology=_tech(w, org), evaluated_on=dt.date(2025, 6, 1), conclusion="keep", findings="适用",
        next_due_on=dt.date(2026, 6, 1), evaluated_by=w.users["park_carbon_officer"]))


def _demonstration(w, org):
    from carbonms.zerocarbon.models import DemonstrationProject

    return org.cached("zc_demo", lambda: DemonstrationProject.objects.create(
        technology=_tech(w, org), park_id=org.enterprise.park_id, enterprise=org.enterprise, name="示范"))


CASES.update({
    "api:zc-plan-list": Case(None, ALL),
    "api:zc-plan-detail": Case(_pk(_plan), ALL, park_level=True),
    "api:zc-plan-transition": Case(_pk(_plan), ALL, park_level=True),
    "api:zc-plan-target-list": Case(None, ALL),
    "api:zc-plan-target-detail": Case(_pk(_target), ALL, park_level=True),
    "api:zc-infrastructure-list": Case(None, ALL),
    "api:zc-infrastructure-detail": Case(_pk(_infra), ALL),
    "api:zc-supply-list": Case(None, ALL),
    "api:zc-supply-detail": Case(_pk(_supply), ALL),
    "api:zc-supply-share": Case(None, ALL, ok_status=400, denied=400),  # park and year are required
    "api:zc-indicator-value-list": Case(None, ALL),
    "api:zc-indicator-value-detail": Case(_pk(_indicator), PARK_STAFF, denied=404, park_level=True),
    "api:zc-technology-list": Case(None, ALL),
    "api:zc-technology-detail": Case(_pk(_tech), ALL, park_level=True),
    "api:zc-technology-evaluation-list": Case(None, ALL),
    "api:zc-technology-evaluation-detail": Case(_pk(_evaluation), ALL, park_level=True),
    "api:zc-demonstration-list": Case(None, ALL),
    "api:zc-demonstration-detail": Case(_pk(_demonstration), ALL),
})
