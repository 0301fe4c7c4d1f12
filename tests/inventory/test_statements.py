"""Inventory statements (issue 10): the figure of record, four-eyes approval that closes the year, the park
close with exceptions, verification by the appointed verifier, restatements, incomplete runs."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from carbonms.carbondata import services as data_services
from carbonms.carbondata.models import ActivityRecord, PeriodLock
from carbonms.inventory import statements
from carbonms.inventory.models import InventoryStatement
from carbonms.inventory.services import run_calculation
from tests.carbondata.factories import ActivityRecordFactory, ElectricitySourceFactory, SourceFactory

COMPLETE = {"expected": 24, "held": 24, "fraction": 1.0, "missing": [], "complete": True}


def make_run(world, enterprise, *, year=2025, actor=None, coverage=COMPLETE, reason=""):
    run = run_calculation(actor=actor or world.users["park_carbon_officer"], park=world.park_a, year=year,
                          enterprise=enterprise, reason=reason)
    run.coverage = dict(coverage)
    run.save(update_fields=["coverage"])
    return run


@pytest.fixture
def data(world):
    e1, e2 = world.e1.enterprise, world.e2.enterprise
    coal = SourceFactory(enterprise=e1, code="B01")
    power = ElectricitySourceFactory(enterprise=e1, code="E01")
    plant = SourceFactory(enterprise=e2, code="P01")
    for year in (2024, 2025):
        for m in range(1, 13):
            ActivityRecordFactory(source=coal, year=year, month=m, amount=Decimal("100.125") + m)
            ActivityRecordFactory(source=power, year=year, month=m, amount=Decimal("1000.3"))
            ActivityRecordFactory(source=plant, year=year, month=m, amount=Decimal("600"))
    return world


def test_statement_freezes_the_run_and_approval_closes_the_year(data):
    w = data
    run = make_run(w, w.e1.enterprise)
    st = statements.statement_create(actor=w.users["park_carbon_officer"], run=run)
    assert st.status == "draft" and st.gwp_set == run.gwp_set and st.coverage == COMPLETE
    assert st.totals["gross"] == pytest.approx(run.totals["gross"], rel=1e-12)
    assert set(st.totals) >= {"direct", "indirect_energy", "indirect_energy_market", "other_indirect", "removals", "gross",
                              "net", "by_category", "by_gas", "energy_tce"}
    # the person who ran the run may not approve; nor the drafter (four-eyes)
    with pytest.raises(ValidationError, match="ran the calculation"):
        statements.statement_approve(actor=w.users["park_carbon_officer"], statement=st)
    with pytest.raises(ValidationError, match="appointed to approve"):  # a data clerk has no approve permission
        statements.statement_approve(actor=w.users["data_clerk"], statement=st)
    assert not PeriodLock.objects.filter(enterprise=w.e1.enterprise, year=2025).exists()
    st = statements.statement_approve(actor=w.users["reviewer"], statement=st)
    assert st.status == "approved" and st.approved_by == w.users["reviewer"]
    assert PeriodLock.objects.filter(enterprise=w.e1.enterprise, year=2025).count() == 12
    assert not ActivityRecord.objects.filter(enterprise=w.e1.enterprise, year=2025, status="approved").exists()
    assert statements.official_statement(park=w.park_a, year=2025, enterprise=w.e1.enterprise) == st


def test_drafter_may_not_approve(data):
    w = data
    run = make_run(w, w.e1.enterprise)
    st = statements.statement_create(actor=w.users["enterprise_admin"], run=run)
    with pytest.raises(ValidationError, match="drafted this statement"):
        statements.statement_approve(actor=w.users["enterprise_admin"], statement=st)


def test_closed_year_refuses_changes_without_a_correction(data):
    w = data
    st = statements.statement_create(actor=w.users["park_carbon_officer"], run=make_run(w, w.e1.enterprise))
    st = statements.statement_approve(actor=w.users["reviewer"], statement=st)
    coal = w.e1.enterprise.sources.get(code="B01")
    with pytest.raises(ValidationError, match="closed by inventory statement") as exc:
        data_services.activity_save(actor=w.users["data_clerk"], source=coal, year=2025, month=3, amount="5")
    assert "restate" in str(exc.value)
    # a correction is the way; once approved the statement shows it needs a restatement
    rec = ActivityRecord.objects.get(source=coal, year=2025, month=3, is_current=True)
    new = data_services.activity_correct(actor=w.users["data_clerk"], record=rec, amount="7", reason="meter reading")
    data_services.activity_submit(actor=w.users["data_clerk"], records=[new])
    data_services.activity_approve(actor=w.users["reviewer"], records=[new])
    assert statements.stale_corrections(st) == 1


def test_year_with_unapproved_values_cannot_close(data):
    w = data
    run = make_run(w, w.e1.enterprise)
    coal = w.e1.enterprise.sources.get(code="B01")
    ActivityRecord.objects.filter(source=coal, year=2025, month=5).update(status="submitted")
    st = statements.statement_create(actor=w.users["park_carbon_officer"], run=run)
    with pytest.raises(ValidationError, match="not approved yet"):
        statements.statement_approve(actor=w.users["reviewer"], statement=st)
    assert not PeriodLock.objects.filter(enterprise=w.e1.enterprise, year=2025).exists()  # nothing half-written
    assert InventoryStatement.objects.get(pk=st.pk).status == "draft"


def test_incomplete_run_needs_a_justification(data):
    w = data
    partial = {"expected": 24, "held": 6, "fraction": 0.25, "missing": [{"source": 1, "code": "B01", "month": 4}],
               "complete": False}
    run = make_run(w, w.e1.enterprise, coverage=partial)
    with pytest.raises(ValidationError, match="incomplete"):
        statements.statement_create(actor=w.users["park_carbon_officer"], run=run)
    st = statements.statement_create(actor=w.users["park_carbon_officer"], run=run,
                                     justification="Boiler B02 was sold in March; agreed with the verifier.")
    assert st.justification and st.coverage["fraction"] == 0.25
    # a run that does not record its coverage is treated as incomplete
    run2 = make_run(w, w.e2.enterprise, coverage={})
    with pytest.raises(ValidationError, match="coverage"):
        statements.statement_create(actor=w.users["park_carbon_officer"], run=run2)


def test_one_statement_in_force_and_restatement(data):
    w = data
    officer, reviewer = w.users["park_carbon_officer"], w.users["reviewer"]
    st = statements.statement_create(actor=officer, run=make_run(w, w.e1.enterprise))
    st = statements.statement_approve(actor=reviewer, statement=st)
    run2 = make_run(w, w.e1.enterprise, actor=w.users["enterprise_admin"], reason="Corrected March")
    with pytest.raises(ValidationError, match="restatement"):
        statements.statement_create(actor=officer, run=run2)
    with pytest.raises(ValidationError, match="reason"):
        statements.statement_restate(actor=officer, statement=st, run=run2, reason="")
    new = statements.statement_restate(actor=officer, statement=st, run=run2, reason="Corrected meter reading of March")
    assert InventoryStatement.objects.get(pk=st.pk).status == "approved"  # in force until the restatement is approved
    new = statements.statement_approve(actor=reviewer, statement=new)
    old = InventoryStatement.objects.get(pk=st.pk)
    assert old.status == "superseded" and old.superseded_by == new and new.restatement_reason
    assert statements.official_statement(park=w.park_a, year=2025, enterprise=w.e1.enterprise) == new
    # the database keeps one statement in force per entity, year and basis
    with pytest.raises(IntegrityError), transaction.atomic():
        InventoryStatement.objects.filter(pk=old.pk).update(status="approved")


def test_park_closes_when_its_enterprises_have_or_with_exceptions(data, capsys):
    w = data
    officer, reviewer = w.users["park_carbon_officer"], w.users["park_reviewer"]
    st1 = statements.statement_create(actor=officer, run=make_run(w, w.e1.enterprise))
    statements.statement_approve(actor=reviewer, statement=st1)
    park_run = run_calculation(actor=officer, park=w.park_a, year=2025)
    park_run.coverage = COMPLETE
    park_run.save()
    pst = statements.statement_create(actor=officer, run=park_run)
    with pytest.raises(ValidationError, match="have not closed 2025"):
        statements.statement_approve(actor=reviewer, statement=pst)
    e2 = w.e2.enterprise
    pst = statements.statement_approve(actor=reviewer, statement=pst,
                                       exceptions=[{"enterprise": e2.pk, "reason": "Data of December disputed"}])
    assert pst.status == "approved"
    assert pst.close_exceptions == [{"enterprise": e2.pk, "name": e2.name, "credit_code": e2.credit_code,
                                     "reason": "Data of December disputed"}]
    import json

    code, out, _err = _cli(["inventory", "show", "--park", w.park_a.name, "--year", "2025", "--format", "json"], capsys)
    shown = json.loads(out)
    assert code == 0 and (shown["status"], shown["coverage"], shown["statement"]) == ("approved", 1.0, pst.pk)
    assert shown["totals"]["gross"] == pytest.approx(park_run.totals["gross"])


def test_verification_by_the_appointed_verifier_only(data):
    w = data
    st = statements.statement_create(actor=w.users["park_carbon_officer"], run=make_run(w, w.e1.enterprise))
    st = statements.statement_approve(actor=w.users["reviewer"], statement=st)
    report = SimpleUploadedFile("report.pdf", b"%PDF-1.4 verification", content_type="application/pdf")
    today = timezone.localdate()
    with pytest.raises(ValidationError, match="external verifier"):  # the park admin may do anything else, not this
        statements.statement_verify(actor=w.users["park_admin"], statement=st, opinion="unqualified", verified_on=today,
                                    report=report)
    verifier = w.users["external_verifier"]
    with pytest.raises(ValidationError, match="outside the validity"):
        a = verifier.role_assignments.get(role="external_verifier")
        a.valid_from = timezone.now() - dt.timedelta(days=1)
        a.save()
        statements.statement_verify(actor=verifier, statement=st, opinion="unqualified",
                                    verified_on=today - dt.timedelta(days=5), report=report)
    with pytest.raises(ValidationError, match="misstatements"):
        statements.statement_verify(actor=verifier, statement=st, opinion="qualified", verified_on=today, report=report)
    st = statements.statement_verify(actor=verifier, statement=st, opinion="unqualified", verified_on=today, report=report,
                                     misstatements="")
    assert st.status == "verified" and st.verified_by == verifier and st.verification_report
    assert statements.official_statement(park=w.park_a, year=2025, enterprise=w.e1.enterprise) == st


def test_management_review_reads_statements_and_never_compares_an_incomplete_run(data):
    """The bug of issue 10: a 2026-style partial run showed "−99.4 % on the year before" in the review record."""
    from carbonms.audits.inputs import SCHEMA_VERSION, assemble_inputs, schema_version
    from carbonms.audits.selectors import input_rows
    from carbonms.management.system import System

    w = data
    e2 = w.e2.enterprise
    officer, reviewer = w.users["park_carbon_officer"], w.users["park_reviewer"]
    st24 = statements.statement_create(actor=officer, run=make_run(w, e2, year=2024))
    statements.statement_approve(actor=reviewer, statement=st24)
    ActivityRecord.objects.filter(enterprise=e2, year=2025, month__gt=1).delete()  # one month of 2025 only
    partial = {"expected": 12, "held": 1, "fraction": 1 / 12, "missing": [], "complete": False}
    run25 = make_run(w, e2, year=2025, coverage=partial)
    assert run25.totals["gross"] < 0.1 * st24.totals["gross"]  # the partial total that made "−91.7 %"
    system = System(w.park_a, e2)

    inputs = assemble_inputs(system)  # the run alone is not a statement: not in the review
    perf = inputs["performance"]
    assert inputs["_schema"] == SCHEMA_VERSION == schema_version(inputs)
    assert [i["year"] for i in perf["_statements"]] == [2024]
    assert "statement" in perf["basis"].lower()
    assert all("on the year before" not in line for line in perf["items"])

    st25 = statements.statement_create(actor=officer, run=run25, justification="Plant stopped in February")
    statements.statement_approve(actor=reviewer, statement=st25)
    perf = assemble_inputs(system)["performance"]
    line25 = next(line for line in perf["items"] if line.startswith("2025"))
    assert "incomplete" in line25 and "not compared" in line25 and "on the year before" not in line25
    assert "change_pct" not in perf["_statements"][1]

    # an old review (no schema version, performance from runs) still renders
    old = {"performance": {"available": True, "items": ["2025: 11444.0 tCO2e, 10.0 tce (-99.4% on the year before)"]}}
    assert schema_version(old) == 1
    assert input_rows(old["performance"])[1][1].startswith("2025")


def test_year_on_year_between_complete_statements(data):
    from carbonms.audits.inputs import assemble_inputs
    from carbonms.management.system import System

    w = data
    e2 = w.e2.enterprise
    officer, reviewer = w.users["park_carbon_officer"], w.users["park_reviewer"]
    for year in (2024, 2025):
        st = statements.statement_create(actor=officer, run=make_run(w, e2, year=year))
        statements.statement_approve(actor=reviewer, statement=st)
    perf = assemble_inputs(System(w.park_a, e2))["performance"]
    assert perf["_statements"][1]["change_pct"] == 0.0
    assert "on the year before" in perf["items"][1]


def _cli(argv, capsys):
    from carbonms.cli import main

    code = main(argv)
    out = capsys.readouterr()
    return code, out.out, out.err


def reperformance_matches(st, tmp_path, capsys) -> dict:
    """export-input → carbonms calc → the statement's totals, to the last digit (the issue's acceptance check)."""
    import json

    credit = st.enterprise.credit_code
    path = tmp_path / f"{credit}-{st.year}.csv"
    code, _out, err = _cli(["inventory", "export-input", "--enterprise", credit, "--year", str(st.year), "-o", str(path)], capsys)
    assert code == 0, err
    code, out, err = _cli(["calc", str(path), "--gwp", st.gwp_set, "--format", "json"], capsys)
    assert code == 0, err
    calc = json.loads(out)["totals"]
    code, out, err = _cli(["inventory", "show", "--enterprise", credit, "--year", str(st.year), "--format", "json"], capsys)
    assert code == 0, err
    shown = json.loads(out)
    keys = ("direct", "indirect_energy", "indirect_energy_market", "other_indirect", "removals", "gross", "net",
            "by_category", "by_gas", "energy_tce")
    assert shown["totals"] == {k: calc[k] for k in keys}
    return shown


def test_show_and_reperformance_file(data, tmp_path, capsys):
    w = data
    e1 = w.e1.enterprise
    code, _out, err = _cli(["inventory", "show", "--enterprise", e1.credit_code, "--year", "2025"], capsys)
    assert code == 1 and "no management statement in force" in err
    code, _out, err = _cli(["inventory", "show", "--park", "no such park", "--year", "2025"], capsys)
    assert code == 2 and "no park named" in err
    st = statements.statement_create(actor=w.users["park_carbon_officer"], run=make_run(w, e1))
    statements.statement_approve(actor=w.users["reviewer"], statement=st)
    shown = reperformance_matches(st, tmp_path, capsys)
    assert (shown["status"], shown["basis"], shown["coverage"], shown["gwp_set"]) == ("approved", "management", 1.0, "SAR")
    text = (tmp_path / f"{e1.credit_code}-2025.csv").read_text(encoding="utf-8")
    header = text.splitlines()[0].split(",")
    assert header[:8] == ["entity", "period", "source", "category", "method", "material", "amount", "unit"]
    assert "factor_version" in header and len(text.splitlines()) == 25  # one row per source and month
    code, out, _err = _cli(["inventory", "show", "--enterprise", e1.credit_code, "--year", "2025"], capsys)
    assert code == 0 and "status: approved" in out and "coverage: 1.0000" in out


def test_statement_stores_intensities_and_the_park_aggregates_sums(data):
    """Intensities on the statement from the output and economic records; the park's is Σ emissions / Σ denominator."""
    from carbonms.carbondata.models import EconomicRecord, Product, ProductionRecord

    w = data
    officer, reviewer = w.users["park_carbon_officer"], w.users["park_reviewer"]
    e1, e2 = w.e1.enterprise, w.e2.enterprise
    for ent, qty, va in ((e1, Decimal("1000"), Decimal("500.00")), (e2, Decimal("3000"), Decimal("1500.00"))):
        p = Product.objects.create(enterprise=ent, code="STEEL", name="粗钢", unit="t")
        for m in range(1, 13):
            ProductionRecord.objects.create(enterprise=ent, product=p, year=2025, month=m, quantity=qty, unit="t",
                                            status="approved", entered_by=officer)
        EconomicRecord.objects.create(park=w.park_a, enterprise=ent, year=2025, value_added_10k_yuan=va, price_basis="current",
                                      status="approved", entered_by=officer)
    sts = {}
    for ent in (e1, e2):
        sts[ent.pk] = statements.statement_create(actor=officer, run=make_run(w, ent))
        statements.statement_approve(actor=reviewer, statement=sts[ent.pk])
    st1 = sts[e1.pk]
    va = st1.intensities["per_value_added"]
    assert Decimal(va["value"]) == pytest.approx(Decimal(str(st1.totals["gross"])) / Decimal("500"))
    assert st1.intensities["per_product"][0]["unit"] == "tCO2e/t"
    assert st1.intensities["carbon_per_energy"]["unit"] == "tCO2/tce"
    assert any("value added" in label for label, _v, _u in st1.intensity_rows)
    park_run = run_calculation(actor=officer, park=w.park_a, year=2025)
    park_run.coverage = COMPLETE
    park_run.save()
    pst = statements.statement_create(actor=officer, run=park_run)
    expected = Decimal(str(park_run.totals["gross"])) / Decimal("2000")  # Σ emissions / Σ value added
    assert Decimal(pst.intensities["per_value_added"]["value"]) == pytest.approx(expected)


def test_api_makes_approves_and_verifies_a_statement(data):
    from rest_framework.test import APIClient

    w = data
    run = make_run(w, w.e1.enterprise)

    def client(role):
        c = APIClient()
        c.force_authenticate(w.users[role])
        return c

    r = client("park_carbon_officer").post("/api/v1/inventory-statements/", {"run": run.pk}, format="json")
    assert r.status_code == 201, r.content
    pk = r.json()["id"]
    r = client("park_carbon_officer").get(f"/api/v1/inventory-statements/{pk}/transition/")
    assert r.json()["steps"] == []  # ran and drafted it: may not approve
    r = client("reviewer").post(f"/api/v1/inventory-statements/{pk}/transition/", {"step": "approve"}, format="json")
    assert r.status_code == 200 and r.json()["status"] == "approved", r.content
    report = SimpleUploadedFile("report.pdf", b"%PDF-1.4 report", content_type="application/pdf")
    r = client("external_verifier").post(f"/api/v1/inventory-statements/{pk}/transition/",
                                         {"step": "verify", "opinion": "unqualified", "verified_on": timezone.localdate().isoformat(),
                                          "verification_report": report}, format="multipart")
    assert r.status_code == 200 and r.json()["status"] == "verified", r.content
    assert r.json()["verification_report"]
    # a run of another park's enterprise is not even offered
    other = client("park_carbon_officer").post("/api/v1/inventory-statements/", {"run": 999999}, format="json")
    assert other.status_code == 400
