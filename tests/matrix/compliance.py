"""Permission matrix of the compliance app (issue 13 items 4–6): pages, files and endpoints."""
from __future__ import annotations

from .base import ALL, PARK_STAFF, Case
from .carbondata import _ent, _park, _pk
from .statements import _statement

ASSET_WRITERS = {"park_admin", "park_carbon_officer", "enterprise_admin", "data_clerk"}


def _year(w, org):
    return {**_ent(w, org), "year": 2025}


def _project(w, org):
    from carbonms.compliance.models import OffsetProject

    return org.cached("offset_project", lambda: OffsetProject.objects.create(
        park=org.enterprise.park, enterprise=org.enterprise, name="造林碳汇", methodology="CCER-14-001-V01"))


def _stage(w, org):
    from django.core.files.base import ContentFile

    from carbonms.compliance.models import ProjectStage

    def make():
        s = ProjectStage.objects.create(project=_project(w, org), stage="development", completed_on="2025-01-01")
        s.document.save("pdd.pdf", ContentFile(b"%PDF-1.4 pdd"), save=True)
        return s
    return org.cached("project_stage", make)


def _claim(w, org):
    from django.core.files.base import ContentFile

    from carbonms.compliance.models import NeutralityClaim

    def make():
        c = NeutralityClaim.objects.create(park=org.enterprise.park, enterprise=org.enterprise, year=2025, statement=_statement(w, org),
                                           emissions_t=1, drafted_by=w.users["park_carbon_officer"])
        c.determination_report.save("report.pdf", ContentFile(b"%PDF-1.4 determination"), save=True)
        return c
    return org.cached("neutrality_claim", make)


CASES: dict[str, Case] = {
    "compliance:enterprise": Case(_ent, ALL),
    "compliance:position": Case(_year, ALL),
    "compliance:surrender": Case(_year, ASSET_WRITERS),
    "compliance:park": Case(lambda w, o: {**_park(w, o), "year": 2025}, PARK_STAFF, denied=404, park_level=True),
    "compliance:project_create": Case(_ent, ASSET_WRITERS),
    "compliance:project": Case(_pk(_project), ALL),
    "compliance:project_stage": Case(_pk(_project), ASSET_WRITERS),
    "compliance:stage_document": Case(_pk(_stage), ALL),
    "compliance:claim_create": Case(_ent, ASSET_WRITERS),
    "compliance:claim": Case(_pk(_claim), ALL),
    "compliance:claim_cancel": Case(_pk(_claim), ASSET_WRITERS),
    "compliance:claim_determine": Case(_pk(_claim), {"external_verifier"}),
    "compliance:claim_report": Case(_pk(_claim), ALL),
    "compliance:claim_action": Case(lambda w, o: {"step": "assess", **_pk(_claim)(w, o)}, ALL, ok_status=302),
    "api:compliance-record-list": Case(None, ALL),
    "api:compliance-record-detail": Case(lambda w, o: {"pk": _record(w, o).pk}, ALL),
    "api:compliance-record-position": Case(None, ALL, ok_status=400),
    "api:compliance-record-surrender": Case(None, ALL, ok_status=405),
    "api:offset-project-list": Case(None, ALL),
    "api:offset-project-detail": Case(_pk(_project), ALL),
    "api:neutrality-claim-list": Case(None, ALL),
    "api:neutrality-claim-detail": Case(_pk(_claim), ALL),
    "api:neutrality-claim-transition": Case(_pk(_claim), ALL),
}


def _record(w, org):
    from carbonms.compliance.models import ComplianceRecord

    return org.cached("compliance_record", lambda: ComplianceRecord.objects.create(
        park=org.enterprise.park, enterprise=org.enterprise, year=2025, statement=_statement(w, org), obligation_t=1))
