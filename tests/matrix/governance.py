"""Permission matrix of park governance (carbonms.governance): admission, the annual assessment, coordination.

Applications and committees are the park's own (enterprise users: 404); schemes, rounds, training and procurement
criteria are read by the park's enterprises; an enterprise's assessment by its own users only.
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from .base import ALL, PARK_STAFF, Case

GOV_WRITERS = {"park_admin", "park_carbon_officer"}
ENT_WRITERS = {"park_admin", "park_carbon_officer", "enterprise_admin"}


def _park(w, org):
    return {"park_pk": org.enterprise.park_id}


def _ent(w, org):
    return {"enterprise_pk": org.enterprise.pk}


def _application(w, org, with_file=False):
    from carbonms.governance.models import ProjectApplication

    def make():
        from django.core.files.base import ContentFile

        app = ProjectApplication(park=org.enterprise.park, number=f"XM-{org.enterprise.pk}", project="项目",
                                 applicant="申请人", credit_code=org.enterprise.credit_code, industry_code="3959",
                                 products="电池", capacity=Decimal("1"), capacity_unit="GWh", operation_year=2026)
        app.energy_report.save("nb.pdf", ContentFile(b"%PDF-1.4"), save=False)
        app.carbon_report.save("eia.pdf", ContentFile(b"%PDF-1.4"), save=False)
        app.save()
        return app
    return org.cached("application", make)


def _app(w, org):
    return {"pk": _application(w, org).pk}


def _round(w, org):
    from carbonms.governance.models import AssessmentRound, AssessmentScheme

    def make():
        park = org.enterprise.park
        found = AssessmentRound.objects.filter(park=park, year=2025).first()
        if found:
            return found
        scheme = AssessmentScheme.objects.create(park=park, title="考核办法", version=1, status="in_force")
        return AssessmentRound.objects.create(park=park, year=2025, scheme=scheme)
    return org.cached("round", make)


def _scheme(w, org):
    return {"pk": _round(w, org).scheme_id}


def _assessment(w, org):
    from carbonms.governance.models import EnterpriseAssessment

    return {"pk": org.cached("assessment", lambda: EnterpriseAssessment.objects.create(
        round=_round(w, org), park=org.enterprise.park, enterprise=org.enterprise)).pk}


def _training(w, org):
    from carbonms.governance.models import TrainingSession

    return {"pk": org.cached("training", lambda: TrainingSession.objects.create(
        park=org.enterprise.park, title="培训", held_on=dt.date(2025, 5, 1))).pk}


def _request(w, org):
    from carbonms.governance.models import ServiceRequest

    return {"pk": org.cached("request", lambda: ServiceRequest.objects.create(
        park=org.enterprise.park, enterprise=org.enterprise, kind="renewable", description="绿电 1000 MWh")).pk}


def _criterion(w, org):
    from carbonms.governance.models import ProcurementCriterion

    return org.cached("criterion", lambda: ProcurementCriterion.objects.create(
        park=org.enterprise.park, category="equipment", title=f"高效电机 {org.enterprise.pk}", significance="功率 ≥ 100 kW",
        evaluation="能效等级与年耗电", threshold_tco2e=Decimal("100"), in_force_from=dt.date(2025, 1, 1)))


def _evaluation(w, org):
    from carbonms.governance.models import ProcurementEvaluation

    return {"pk": org.cached("evaluation", lambda: ProcurementEvaluation.objects.create(
        park=org.enterprise.park, criterion=_criterion(w, org), item="空压机", supplier="供应商",
        evaluated_on=dt.date(2025, 6, 1), impact_tco2e=Decimal("-120"), basis="年节电 200 MWh × 0.6", significant=True,
        decision="approved", evaluated_by=w.users["park_admin"])).pk}


CASES: dict[str, Case] = {
    "governance:applications": Case(_park, PARK_STAFF, denied=404, park_level=True),
    "governance:application_create": Case(_park, GOV_WRITERS, park_level=True),
    "governance:application": Case(_app, PARK_STAFF, denied=404, park_level=True),
    "governance:application_edit": Case(_app, GOV_WRITERS, park_level=True, denied_enterprise=404),
    "governance:application_decide": Case(_app, GOV_WRITERS, park_level=True, denied_enterprise=404),
    "governance:application_energy_report": Case(_app, PARK_STAFF, denied=404, park_level=True),
    "governance:application_carbon_report": Case(_app, PARK_STAFF, denied=404, park_level=True),
    "governance:application_action": Case(lambda w, o: {**_app(w, o), "step": "screen"}, PARK_STAFF, ok_status=302,
                                          denied=404, park_level=True),
    "governance:exit_create": Case(_ent, GOV_WRITERS, denied_enterprise=404),
    "governance:rounds": Case(_park, ALL, park_level=True),
    "governance:round_create": Case(_park, GOV_WRITERS, park_level=True),
    "governance:scheme_default": Case(_park, GOV_WRITERS, park_level=True),
    "governance:scheme": Case(lambda w, o: {"pk": _round(w, o).scheme_id}, ALL, park_level=True),
    "governance:scheme_edit": Case(_scheme, GOV_WRITERS, park_level=True, denied_enterprise=404),
    "governance:scheme_new_version": Case(_scheme, GOV_WRITERS, park_level=True, denied_enterprise=404),
    "governance:scheme_in_force": Case(_scheme, GOV_WRITERS, ok_status=302, park_level=True, denied_enterprise=404),
    "governance:round": Case(lambda w, o: {"pk": _round(w, o).pk}, ALL, park_level=True),
    "governance:round_action": Case(lambda w, o: {"pk": _round(w, o).pk, "step": "compute"}, ALL, ok_status=302,
                                    park_level=True),
    "governance:assessment": Case(_assessment, ALL),
    "governance:assessment_score": Case(_assessment, GOV_WRITERS, denied_enterprise=404),
    "governance:assessment_self": Case(_assessment, ENT_WRITERS),
    "governance:appeal": Case(_assessment, ENT_WRITERS),
    "governance:appeal_decide": Case(_assessment, GOV_WRITERS, denied_enterprise=404),
    "governance:coordination": Case(_park, ALL, park_level=True),
    "governance:procurement_create": Case(_park, GOV_WRITERS, park_level=True),
    "governance:procurement_evaluate": Case(_park, GOV_WRITERS, park_level=True),
    "governance:training_create": Case(_park, GOV_WRITERS, park_level=True),
    "governance:training": Case(_training, ALL, park_level=True),
    "governance:attendance": Case(_training, GOV_WRITERS, park_level=True, denied_enterprise=404),
    "governance:request_create": Case(_ent, ENT_WRITERS),
    "governance:request_respond": Case(_request, GOV_WRITERS, denied_enterprise=404),
    # API
    "api:governance-application-list": Case(None, ALL),
    "api:governance-application-detail": Case(_app, PARK_STAFF, denied=404, park_level=True),
    "api:governance-application-transition": Case(_app, PARK_STAFF, denied=404, park_level=True),
    "api:governance-scheme-list": Case(None, ALL),
    "api:governance-scheme-detail": Case(lambda w, o: {"pk": _round(w, o).scheme_id}, ALL, park_level=True),
    "api:governance-round-list": Case(None, ALL),
    "api:governance-round-detail": Case(lambda w, o: {"pk": _round(w, o).pk}, ALL, park_level=True),
    "api:governance-round-transition": Case(lambda w, o: {"pk": _round(w, o).pk}, ALL, park_level=True),
    "api:governance-assessment-list": Case(None, ALL),
    "api:governance-assessment-detail": Case(_assessment, ALL),
    "api:governance-request-list": Case(None, ALL),
    "api:governance-request-detail": Case(_request, ALL),
    "api:governance-procurement-criterion-list": Case(None, ALL),
    "api:governance-procurement-criterion-detail": Case(lambda w, o: {"pk": _criterion(w, o).pk}, ALL, park_level=True),
    "api:governance-procurement-evaluation-list": Case(None, ALL),
    "api:governance-procurement-evaluation-detail": Case(_evaluation, PARK_STAFF, denied=404, park_level=True),
}
