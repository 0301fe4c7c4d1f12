"""Coordination (T/CSES 6.3.6 a) c) d) e)), the post-operation check of an admitted project, and the pages."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from carbonms.governance import services
from carbonms.governance.models import Committee, ProcurementCriterion, ServiceRequest
from tests.factories import make_credit_code

GAS = [{"source": "燃气锅炉", "category": "stationary_combustion", "method": "fuel_combustion", "material": "天然气",
        "amount": "300", "unit": "万立方米"}]


def _statement(world, enterprise, year, gross):
    from carbonms.inventory.models import CalculationRun, InventoryStatement

    user = world.users["park_admin"]
    run = CalculationRun.objects.create(park=world.park_a, enterprise=enterprise, year=year, fuel_set="x", run_by=user,
                                        totals={"gross": gross})
    return InventoryStatement.objects.create(park=world.park_a, enterprise=enterprise, year=year, run=run,
                                             gwp_set="SAR", totals={"gross": gross}, status="approved",
                                             drafted_by=user)


def test_post_operation_check_compares_declared_and_actual(world):
    officer = world.users["park_carbon_officer"]
    c = Committee.objects.create(park=world.park_a, kind="admission", name="准入委员会")
    c.members.set([officer])
    app = services.application_save(actor=officer, park=world.park_a, data={
        "project": "项目", "applicant": "新入园有限公司", "credit_code": make_credit_code(900777), "industry_code": "3959",
        "products": "电池", "capacity": Decimal("1"), "capacity_unit": "GWh", "operation_year": 2026,
        "planned_activity": GAS})
    app = services.application_screen(actor=officer, application=app)
    app = services.application_decide(actor=officer, application=app, data={
        "decision": "admit", "decided_on": dt.date(2026, 3, 1), "votes_for": 3, "entry_date": dt.date(2026, 1, 1)})
    with pytest.raises(ValidationError) as exc:
        services.application_post_check(actor=officer, application=app)
    assert "2026" in str(exc.value)
    actual = float(app.planned_emissions_t) * 1.2
    _statement(world, app.enterprise, 2026, actual)
    app = services.application_post_check(actor=officer, application=app)
    assert app.post_check["above_declared"] is True
    assert Decimal(app.post_check["deviation_pct"]) == Decimal("20.0")


def test_service_requests_are_filed_by_the_enterprise_and_answered_by_the_park(world):
    ent_admin, officer = world.users["enterprise_admin"], world.users["park_carbon_officer"]
    req = services.request_save(actor=ent_admin, enterprise=world.e1.enterprise, data={
        "kind": "renewable", "description": "绿电 2 万 MWh", "quantity": Decimal("20000"), "unit": "MWh"})
    with pytest.raises(PermissionDenied):  # another enterprise's request
        services.request_save(actor=ent_admin, enterprise=world.e2.enterprise, data={"kind": "credits",
                                                                                      "description": "x"})
    with pytest.raises(ValidationError):  # the enterprise does not answer its own request
        services.request_respond(actor=ent_admin, request=req, status="closed", response="done")
    req = services.request_respond(actor=officer, request=req, status="in_progress", response="对接售电公司")
    assert req.status == "in_progress" and ServiceRequest.objects.count() == 1
    with pytest.raises(ValidationError) as exc:
        services.request_save(actor=ent_admin, enterprise=world.e1.enterprise, data={"kind": "wishes",
                                                                                      "description": "x"})
    assert "kind" in exc.value.message_dict


def test_procurement_criteria_are_written_by_the_park_and_read_by_enterprises(world):
    officer = world.users["park_carbon_officer"]
    services.procurement_save(actor=officer, park=world.park_a, data={
        "category": "equipment", "title": "一级能效电机", "significance": "≥75 kW", "evaluation": "全生命周期电耗",
        "in_force_from": dt.date(2025, 1, 1)})
    with pytest.raises(PermissionDenied):
        services.procurement_save(actor=world.users["enterprise_admin"], park=world.park_a, data={})
    assert ProcurementCriterion.objects.restrict(world.users["viewer"], "view").count() == 1
    assert ProcurementCriterion.objects.restrict(world.users["viewer"], "view").filter(park=world.park_b).count() == 0


def test_pages_render_for_staff_and_enterprise_users(world):
    officer = world.users["park_carbon_officer"]
    from carbonms.governance import assessment

    Committee.objects.create(park=world.park_a, kind="leading_group", name="领导小组").members.set([officer])
    assessment.scheme_default(actor=officer, park=world.park_a)
    rnd = assessment.round_open(actor=officer, park=world.park_a, year=2025)
    client = Client()
    client.force_login(officer)
    for url in (reverse("governance:applications", args=[world.park_a.pk]),
                reverse("governance:rounds", args=[world.park_a.pk]), reverse("governance:round", args=[rnd.pk]),
                reverse("governance:coordination", args=[world.park_a.pk])):
        assert client.get(url).status_code == 200, url
    a = rnd.assessments.get(enterprise=world.e1.enterprise)
    resp = client.post(reverse("governance:assessment_score", args=[a.pk]),
                       {f"score_{s.criterion_id}": "99" for s in a.scores.all()})
    assert resp.status_code == 200 and "0–40" in resp.content.decode()  # the form shows the range error, no 500
    ent = Client()
    ent.force_login(world.users["enterprise_admin"])
    page = ent.get(reverse("governance:assessment", args=[a.pk])).content.decode()
    assert "data-testid=\"self-assess\"" in page and "data-testid=\"park-score\"" not in page
    other = rnd.assessments.get(enterprise=world.e2.enterprise)
    assert ent.get(reverse("governance:assessment", args=[other.pk])).status_code == 404
    assert ent.post(reverse("governance:assessment_self", args=[other.pk]), {}).status_code == 404
    assert ent.get(reverse("governance:applications", args=[world.park_a.pk])).status_code == 404


def _criterion(world, threshold="1000"):
    return services.procurement_save(actor=world.users["park_admin"], park=world.park_a, data={
        "category": "energy", "title": "外购蒸汽", "significance": "年用量影响排放 1,000 tCO2e 以上",
        "evaluation": "按供汽方排放因子估算年排放变化", "in_force_from": dt.date(2025, 1, 1),
        "threshold_tco2e": Decimal(threshold) if threshold else None})


def _evaluation(criterion, **extra):
    return {"criterion": criterion, "item": "园区集中供汽 20 万吨", "supplier": "园区热电有限公司", "evaluated_on": dt.date(2025, 6, 1),
            "impact_tco2e": Decimal("-2400"), "basis": "燃煤锅炉改为集中供汽，按排放因子差估算", "significant": False,
            "decision": "approved", "conditions": "", **extra}


def test_a_purchase_is_evaluated_against_the_criterion_and_its_threshold(world):
    """T/CSES 6.3.6 a): significance from the criterion's threshold either way; a conditional approval or a refusal
    states why; the criterion must be in force; nothing is written when refused."""
    officer = world.users["park_carbon_officer"]
    crit = _criterion(world)
    ev = services.procurement_evaluate(actor=officer, park=world.park_a, data=_evaluation(crit))
    assert ev.significant is True and ev.evaluated_by == officer  # |−2,400| ≥ 1,000: a reduction is significant too
    small = services.procurement_evaluate(actor=officer, park=world.park_a, data=_evaluation(
        crit, impact_tco2e=Decimal("300"), significant=True))
    assert small.significant is False  # the threshold decides, not the checkbox
    with pytest.raises(ValidationError) as exc:
        services.procurement_evaluate(actor=officer, park=world.park_a, data=_evaluation(crit, decision="refused"))
    assert "conditions" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        services.procurement_evaluate(actor=officer, park=world.park_a, data=_evaluation(
            crit, evaluated_on=dt.date(2024, 12, 31)))
    assert "2025-01-01" in exc.value.message_dict["evaluated_on"][0]
    judged = services.procurement_evaluate(actor=officer, park=world.park_a, data=_evaluation(
        _criterion(world, threshold=None), significant=True, decision="conditions", conditions="供汽方提供年度排放因子"))
    assert judged.significant is True and judged.decision == "conditions"
    assert crit.evaluations.count() == 2


def test_a_purchase_evaluation_with_another_parks_criterion_or_by_an_enterprise_is_refused(world):
    from carbonms.governance.models import ProcurementEvaluation

    foreign = ProcurementCriterion.objects.create(park=world.park_b, category="energy", title="园区B准则", significance="-",
                                                  evaluation="-", in_force_from=dt.date(2025, 1, 1))
    with pytest.raises(ValidationError) as exc:
        services.procurement_evaluate(actor=world.users["park_admin"], park=world.park_a, data=_evaluation(foreign))
    assert "criterion" in exc.value.message_dict
    with pytest.raises(PermissionDenied):
        services.procurement_evaluate(actor=world.users["enterprise_admin"], park=world.park_a,
                                      data=_evaluation(_criterion(world)))
    # the page: a foreign criterion id is not a choice; the enterprise does not see the evaluations
    c = Client()
    c.force_login(world.users["park_admin"])
    url = reverse("governance:procurement_evaluate", args=[world.park_a.pk])
    r = c.post(url, {**{k: v for k, v in _evaluation(None).items() if k != "criterion"}, "criterion": foreign.pk})
    assert r.status_code == 200 and "criterion" in r.context["form"].errors
    assert ProcurementEvaluation.objects.count() == 0
    own = _criterion(world)
    r = c.post(url, {**{k: v for k, v in _evaluation(None).items() if k not in ("criterion", "significant")},
                     "criterion": own.pk})
    assert r.status_code == 302, r.context["form"].errors if r.context else r
    page = c.get(reverse("governance:coordination", args=[world.park_a.pk])).content.decode()
    assert "园区集中供汽 20 万吨" in page and "-2,400.00" in page
    ent = Client()
    ent.force_login(world.users["enterprise_admin"])
    page = ent.get(reverse("governance:coordination", args=[world.park_a.pk])).content.decode()
    assert "园区集中供汽 20 万吨" not in page and 'data-testid="evaluate-purchase"' not in page


def test_the_coordination_page_says_how_many_evaluations_there_are_beyond_the_newest_50(world):
    from carbonms.governance.models import ProcurementEvaluation

    crit = _criterion(world)
    ProcurementEvaluation.objects.bulk_create([
        ProcurementEvaluation(park=world.park_a, criterion=crit, item=f"采购{i:02d}", evaluated_on=dt.date(2025, 6, 1),
                              impact_tco2e=Decimal("1"), basis="-", decision="approved",
                              evaluated_by=world.users["park_admin"]) for i in range(53)])
    c = Client()
    c.force_login(world.users["park_admin"])
    page = c.get(reverse("governance:coordination", args=[world.park_a.pk])).content.decode()
    assert "最近 50 项，共 53 项" in page
    assert sum(f"采购{i:02d}" in page for i in range(53)) == 50


def test_procurement_criteria_and_evaluations_over_the_api(world):
    """The API does what the pages do (T/CSES 6.3.6 a)): the park writes criteria and evaluates purchases, the
    threshold decides significance, a criterion of another park is refused by name; enterprises read the criteria,
    never the evaluations."""
    from carbonms.governance.models import ProcurementEvaluation
    from tests.foundation.test_api import api_for

    officer = api_for(world.users["park_carbon_officer"])
    r = officer.post("/api/v1/governance/procurement-criteria/", {
        "park": world.park_a.pk, "category": "equipment", "title": "高效空压机", "significance": "功率 ≥ 100 kW",
        "evaluation": "按年节电量与电网因子估算", "threshold_tco2e": "100", "in_force_from": "2025-01-01"}, format="json")
    assert r.status_code == 201, r.content
    crit = r.json()["id"]
    body = {"park": world.park_a.pk, "criterion": crit, "item": "空压机 2 台", "supplier": "某压缩机厂",
            "evaluated_on": "2025-07-01", "impact_tco2e": "-150.5", "basis": "年节电 264 MWh × 0.5703",
            "significant": False, "decision": "approved", "conditions": ""}
    r = officer.post("/api/v1/governance/procurement-evaluations/", body, format="json")
    assert r.status_code == 201, r.content
    ev = r.json()
    assert ev["significant"] is True and ev["evaluated_by"] == world.users["park_carbon_officer"].pk  # |−150.5| ≥ 100
    r = officer.post("/api/v1/governance/procurement-evaluations/", {**body, "decision": "refused"}, format="json")
    assert r.status_code == 400 and "conditions" in r.json()
    foreign = ProcurementCriterion.objects.create(park=world.park_b, category="energy", title="园区B准则", significance="-",
                                                  evaluation="-", in_force_from=dt.date(2025, 1, 1))
    r = officer.post("/api/v1/governance/procurement-evaluations/", {**body, "criterion": foreign.pk}, format="json")
    assert r.status_code == 400 and "criterion" in r.json()
    assert [e["id"] for e in officer.get("/api/v1/governance/procurement-evaluations/").json()["results"]] == [ev["id"]]
    ent = api_for(world.users["enterprise_admin"])
    assert crit in [c["id"] for c in ent.get("/api/v1/governance/procurement-criteria/").json()["results"]]
    assert ent.get("/api/v1/governance/procurement-evaluations/").json()["results"] == []
    assert ent.get(f"/api/v1/governance/procurement-evaluations/{ev['id']}/").status_code == 404
    r = ent.post("/api/v1/governance/procurement-evaluations/", body, format="json")
    assert r.status_code == 403, r.content
    assert list(ProcurementEvaluation.objects.values_list("pk", flat=True)) == [ev["id"]]  # the refusals wrote nothing
