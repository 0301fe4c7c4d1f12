"""Permission matrix of the carbon data and inventory pages and endpoints (issue 4)."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from .base import ALL, PARK_STAFF, Case

DATA_WRITERS = {"park_admin", "park_carbon_officer", "enterprise_admin", "data_clerk"}
APPROVERS = {"park_admin", "park_carbon_officer", "enterprise_admin", "reviewer", "park_reviewer"}


def _source(w, org):
    from carbonms.carbondata.models import Source

    return org.cached("source", lambda: Source.objects.create(
        enterprise=org.enterprise, code=f"S{org.enterprise.pk}", name="锅炉", category="stationary_combustion",
        method="fuel_combustion", material="烟煤", activity_unit="t", data_source="ledger", effective_from=dt.date(2020, 1, 1)))


def _user(w):
    return w.users["data_clerk"]


def _activity(w, org):
    from carbonms.carbondata.models import ActivityRecord

    return org.cached("activity", lambda: ActivityRecord.objects.create(
        source=_source(w, org), enterprise=org.enterprise, year=2025, month=1, amount=Decimal("10"), unit="t",
        entered_by=_user(w), status="approved"))


def _plan(w, org):
    from carbonms.carbondata.models import MonitoringPlan

    return org.cached("plan", lambda: MonitoringPlan.objects.create(enterprise=org.enterprise, version=1,
                                                                     effective_from=dt.date(2025, 1, 1)))


def _instrument(w, org):
    from carbonms.carbondata.models import MeasuringInstrument

    return org.cached("instrument", lambda: MeasuringInstrument.objects.create(
        enterprise=org.enterprise, code="M1", name="电表", instrument_type="electricity", location="配电室"))


def _lab(w, org):
    from carbonms.carbondata.models import LabAnalysis

    return org.cached("lab", lambda: LabAnalysis.objects.create(
        source=_source(w, org), year=2025, month=1, parameter="ncv", value=Decimal("20"), unit="GJ/t", weight=Decimal("1"),
        entered_by=_user(w)))


def _evidence(w, org):
    from django.core.files.base import ContentFile

    from carbonms.carbondata.models import Evidence

    def make():
        ev = Evidence(enterprise=org.enterprise, activity=_activity(w, org), kind="invoice", original_name="fp.pdf",
                      sha256="0" * 64, uploaded_by=_user(w))
        ev.file.save("fp.pdf", ContentFile(b"%PDF-1.4 invoice"), save=True)
        return ev
    return org.cached("evidence", make)


def _import(w, org):
    from django.core.files.base import ContentFile

    from carbonms.carbondata.models import DataImport

    def make():
        imp = DataImport(enterprise=org.enterprise, year=2025, original_name="a.xlsx", sha256="0" * 64, uploaded_by=_user(w),
                         status="refused", errors=[{"sheet": "活动数据", "row": 2, "column": "E", "message": "x"}])
        imp.file.save("a.xlsx", ContentFile(b"x"), save=True)
        return imp
    return org.cached("import", make)


def _calibration(w, org):
    import datetime as dt

    from django.core.files.base import ContentFile

    from carbonms.carbondata.models import Calibration

    def make():
        cal = Calibration(instrument=_instrument(w, org), performed_on=dt.date(2025, 1, 5), due_on=dt.date(2026, 1, 4),
                          certificate_no="JD-1")
        cal.certificate.save("jd-1.pdf", ContentFile(b"%PDF-1.4 certificate"), save=True)
        return cal
    return org.cached("calibration", make)


def _run(w, org):
    from carbonms.inventory.models import CalculationRun

    return org.cached("run", lambda: CalculationRun.objects.create(
        park=org.enterprise.park, enterprise=org.enterprise, year=2025, fuel_set="CN-industry-other-2015",
        run_by=w.users["park_carbon_officer"], totals={"gross": 1.0, "by_category": {"stationary_combustion": 1.0}}))


def _result(w, org):
    from carbonms.inventory.models import RunResult

    return org.cached("result", lambda: RunResult.objects.create(
        run=_run(w, org), enterprise=org.enterprise, source=_source(w, org), activity=_activity(w, org), activity_version=1,
        amount=Decimal("10"), unit="t", month=1, category="stationary_combustion", method="fuel_combustion", material="烟煤",
        gas="CO2", mass_t=1.0, co2e_t=1.0, gwp=1.0))


def _factor(w, org):
    from carbonms.carbondata.models import UserFactor

    return org.cached("factor", lambda: UserFactor.objects.create(
        park=org.enterprise.park, enterprise=org.enterprise, key=f"F{org.enterprise.pk}", kind="ef", material="电力", ef=0.5,
        ef_unit="tCO2/MWh", source_document="合同", created_by=_user(w)))


def _pk(make):
    return lambda w, org: {"pk": make(w, org).pk}


def _ent(w, org):
    return {"enterprise_pk": org.enterprise.pk}


def _park(w, org):
    return {"park_pk": org.enterprise.park_id}


def _recalc_job(w, org):
    """A park recalculation still running (its parts not computed yet)."""
    from carbonms.inventory.models import RecalcJob

    return org.cached("recalc_job", lambda: RecalcJob.objects.create(park_id=org.enterprise.park_id, year=2025,
                                                                     run_by=w.users["park_admin"], n_parts=2))


CASES: dict[str, Case] = {
    # Pages: register
    "carbondata:register": Case(_ent, ALL),
    "carbondata:source_create": Case(_ent, DATA_WRITERS),
    "carbondata:park_register": Case(_park, PARK_STAFF, denied=404, park_level=True),
    "carbondata:source": Case(_pk(_source), ALL),
    "carbondata:source_edit": Case(_pk(_source), DATA_WRITERS),
    "carbondata:source_retire": Case(_pk(_source), DATA_WRITERS),
    "carbondata:lab_create": Case(_pk(_source), DATA_WRITERS),
    # monitoring plan and equipment
    "carbondata:monitoring": Case(_ent, ALL),
    "carbondata:plan_create": Case(_ent, DATA_WRITERS),
    "carbondata:plan": Case(_pk(_plan), ALL),
    "carbondata:plan_item_create": Case(_pk(_plan), DATA_WRITERS),
    "carbondata:plan_approve": Case(_pk(_plan), APPROVERS, ok_status=405),
    "carbondata:instrument_create": Case(_ent, DATA_WRITERS),
    "carbondata:instrument": Case(_pk(_instrument), ALL),
    "carbondata:calibration_create": Case(_pk(_instrument), DATA_WRITERS),
    "carbondata:calibration_certificate": Case(_pk(_calibration), ALL),
    # activity data
    "carbondata:grid": Case(_ent, ALL),
    "carbondata:activity": Case(_pk(_activity), ALL),
    "carbondata:activity_correct": Case(_pk(_activity), DATA_WRITERS),
    "carbondata:evidence_upload": Case(_pk(_activity), DATA_WRITERS),
    "carbondata:evidence": Case(_pk(_evidence), ALL),
    "carbondata:review": Case(None, ALL),
    "carbondata:workbook": Case(_ent, ALL),
    "carbondata:import_upload": Case(_ent, DATA_WRITERS),
    "carbondata:import_detail": Case(_pk(_import), ALL),
    "carbondata:import_file": Case(_pk(_import), ALL),
    "carbondata:import_progress": Case(_pk(_import), ALL),  # the htmx progress bar of the import page
    "carbondata:factors": Case(_park, ALL, park_level=True),
    "carbondata:park_factor_create": Case(_park, {"park_admin", "park_carbon_officer"}, park_level=True),
    "carbondata:factor_create": Case(_ent, DATA_WRITERS),
    # inventory
    "inventory:park": Case(_park, PARK_STAFF, denied=404, park_level=True),
    "inventory:recalc_job": Case(lambda w, o: {**_park(w, o), "job_pk": _recalc_job(w, o).pk}, PARK_STAFF, denied=404,
                                 park_level=True),
    "inventory:enterprise": Case(_ent, ALL),
    "inventory:run": Case(_pk(_run), ALL),
    "inventory:drill": Case(_pk(_run), ALL),
    "inventory:diff": Case(_pk(_run), ALL),
    "inventory:export": Case(_pk(_run), ALL),
    "inventory:result": Case(_pk(_result), ALL),
    # API
    "api:source-list": Case(None, ALL),
    "api:source-detail": Case(_pk(_source), ALL),
    "api:source-retire": Case(_pk(_source), ALL, ok_status=405),
    "api:activity-list": Case(None, ALL),
    "api:activity-detail": Case(_pk(_activity), ALL),
    "api:activity-submit": Case(_pk(_activity), ALL, ok_status=405),
    "api:activity-approve": Case(_pk(_activity), ALL, ok_status=405),
    # issue 9: every step of the workflow declaration, on the pages and through the API
    "carbondata:activity_action": Case(lambda w, o: {"step": "submit", **_pk(_activity)(w, o)}, ALL, ok_status=302),
    "api:activity-return": Case(_pk(_activity), ALL, ok_status=405),
    "api:activity-transition": Case(_pk(_activity), ALL),
    "api:monitoring-plan-transition": Case(_pk(_plan), ALL),
    "api:activity-correct": Case(_pk(_activity), ALL, ok_status=405),
    "api:monitoring-plan-list": Case(None, ALL),
    "api:monitoring-plan-detail": Case(_pk(_plan), ALL),
    "api:instrument-list": Case(None, ALL),
    "api:instrument-detail": Case(_pk(_instrument), ALL),
    "api:lab-analysis-list": Case(None, ALL),
    "api:lab-analysis-detail": Case(_pk(_lab), ALL),
    "api:evidence-list": Case(None, ALL),
    "api:evidence-detail": Case(_pk(_evidence), ALL),
    "api:data-import-list": Case(None, ALL),
    "api:data-import-detail": Case(_pk(_import), ALL),
    "api:user-factor-list": Case(None, ALL),
    "api:user-factor-detail": Case(_pk(_factor), ALL),
    "api:calculation-run-list": Case(None, ALL),
    "api:calculation-run-detail": Case(_pk(_run), ALL),
    "api:calculation-run-diff": Case(_pk(_run), ALL),
    "api:calculation-result-list": Case(None, ALL),
    "api:calculation-result-detail": Case(_pk(_result), ALL),
}
