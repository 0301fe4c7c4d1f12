"""What a run counts (membership months, the accounting boundary in force), its factor policy and its coverage
(issue 10 items 2, 4 and 5)."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from rest_framework.test import APIClient

from carbonms.accounting import calculate
from carbonms.carbondata.models import MonitoringPlan
from carbonms.inventory.models import RunResult
from carbonms.inventory.scope import default_boundary_date, member_months
from carbonms.inventory.services import run_calculation
from carbonms.organizations import services as org_services
from carbonms.organizations.forms import EnterpriseForm
from carbonms.organizations.models import Enterprise
from tests.carbondata.factories import (
    ActivityRecordFactory,
    ElectricitySourceFactory,
    MonitoringPlanFactory,
    PlanItemFactory,
    SourceFactory,
)
from tests.factories import EnterpriseFactory, SiteFactory, UnitFactory


def _api(user):
    c = APIClient()
    c.force_authenticate(user)
    return c


def _year(source, year=2025, months=range(1, 13), amount="100"):
    for m in months:
        ActivityRecordFactory(source=source, year=year, month=m, amount=Decimal(amount))


# -- membership -----------------------------------------------------------------------------------
def test_member_months_count_a_month_with_at_least_one_day_in_the_park():
    assert member_months(2025, None, None) == list(range(1, 13))
    assert member_months(2025, dt.date(2025, 3, 31), dt.date(2025, 10, 1)) == list(range(3, 11))
    assert member_months(2025, dt.date(2026, 1, 1), None) == []
    assert member_months(2025, None, dt.date(2024, 12, 31)) == []
    assert member_months(2024, dt.date(2024, 2, 29), dt.date(2024, 2, 29)) == [2]


def test_default_boundary_date_is_the_end_of_the_year_or_today():
    today = dt.date(2026, 12, 2)
    assert default_boundary_date(2025, today) == dt.date(2025, 12, 31)
    assert default_boundary_date(2026, today) == today


def test_run_counts_an_enterprise_only_in_its_months_of_membership(world):
    e1 = world.e1.enterprise
    src = SourceFactory(enterprise=e1, code="B01")
    _year(src)
    e1.entered_on, e1.exited_on, e1.status = dt.date(2025, 4, 15), dt.date(2025, 9, 1), Enterprise.Status.CLOSED
    e1.save()
    officer = world.users["park_carbon_officer"]
    run = run_calculation(actor=officer, park=world.park_a, year=2025, enterprise=e1)
    assert sorted(RunResult.objects.filter(run=run).values_list("month", flat=True)) == list(range(4, 10))
    assert run.n_records == 6
    assert run.boundaries["enterprises"][str(e1.pk)]["months"] == list(range(4, 10))
    assert (run.coverage["expected"], run.coverage["held"], run.coverage["complete"]) == (6, 6, True)
    park_run = run_calculation(actor=officer, park=world.park_a, year=2025)
    assert park_run.n_records == 6 and park_run.boundaries["enterprises"][str(world.e2.enterprise.pk)]["months"] == list(range(1, 13))
    with pytest.raises(ValidationError) as exc:  # not in the park at all that year
        run_calculation(actor=officer, park=world.park_a, year=2024, enterprise=e1)
    assert "enterprise" in exc.value.message_dict


def test_exit_before_entry_is_refused_by_service_form_and_api(world):
    admin = world.users["park_admin"]
    e1 = world.e1.enterprise
    with pytest.raises(ValidationError) as exc:
        org_services.enterprise_save(actor=admin, enterprise=e1, data={"entered_on": dt.date(2025, 5, 1),
                                                                       "exited_on": dt.date(2025, 4, 30)})
    assert exc.value.message_dict["exited_on"] == ["The exit date (2025-04-30) is before the entry date (2025-05-01)."]
    e1.refresh_from_db()
    assert e1.entered_on is None and e1.exited_on is None  # nothing written
    data = {f: getattr(e1, f) for f in EnterpriseForm.Meta.fields} | {"entered_on": "2025-05-01", "exited_on": "2025-04-30"}
    form = EnterpriseForm(data={k: ("" if v is None else v) for k, v in data.items()}, instance=e1, user=admin)
    assert not form.is_valid() and list(form.errors) == ["exited_on"]
    r = _api(admin).patch(f"/api/v1/enterprises/{e1.pk}/", {"entered_on": "2025-05-01", "exited_on": "2025-04-30"}, format="json")
    assert r.status_code == 400 and list(r.json()) == ["exited_on"]
    r = _api(admin).patch(f"/api/v1/enterprises/{e1.pk}/", {"entered_on": "2025-05-01", "exited_on": "2025-05-01"}, format="json")
    assert r.status_code == 200 and r.json()["exited_on"] == "2025-05-01"


def test_exit_before_entry_on_the_page_shows_the_field_error(world, client):
    client.force_login(world.users["park_admin"])
    e1 = world.e1.enterprise
    data = {f: getattr(e1, f) for f in EnterpriseForm.Meta.fields} | {"entered_on": "2025-05-01", "exited_on": "2025-04-30"}
    resp = client.post(f"/enterprises/{e1.pk}/edit/", {k: v for k, v in data.items() if v not in (None, False)})
    assert resp.status_code == 200
    assert 'data-field="exited_on"' in resp.content.decode() and resp.context["form"].errors["exited_on"]


# -- boundaries -----------------------------------------------------------------------------------
@pytest.fixture
def two_sites(world):
    """E1's boundary (2020) holds its first site; a second site holds source OUT01; B01 sits on no site."""
    e1 = world.e1.enterprise
    inside = SourceFactory(enterprise=e1, code="IN01", unit=world.e1.unit)
    site2 = SiteFactory(enterprise=e1)
    outside = SourceFactory(enterprise=e1, code="OUT01", unit=UnitFactory(site=site2))
    unplaced = SourceFactory(enterprise=e1, code="B01")
    for s in (inside, outside, unplaced):
        _year(s, months=[1])
    return e1, site2, inside, outside, unplaced


def test_only_sources_on_sites_inside_the_accounting_boundary_count(world, two_sites):
    e1, site2, inside, outside, unplaced = two_sites
    run = run_calculation(actor=world.users["park_carbon_officer"], park=world.park_a, year=2025, enterprise=e1)
    assert set(RunResult.objects.filter(run=run).values_list("source_id", flat=True)) == {inside.pk, unplaced.pk}
    applied = run.boundaries["enterprises"][str(e1.pk)]
    assert applied["boundary"] == world.e1.boundary.pk and run.boundaries["boundary_date"] == "2025-12-31"
    assert (applied["n_excluded"], applied["excluded_sources"], applied["unplaced_sources"]) == (1, ["OUT01"], 1)
    assert all(m["source"] != outside.pk for m in run.coverage["missing"])


def test_enterprise_without_an_accounting_boundary_counts_all_its_sites(world):
    e = EnterpriseFactory(park=world.park_a)
    src = SourceFactory(enterprise=e, code="X01", unit=UnitFactory(site=SiteFactory(enterprise=e)))
    _year(src, months=[1])
    run = run_calculation(actor=world.users["park_carbon_officer"], park=world.park_a, year=2025, enterprise=e)
    assert run.n_records == 1
    assert run.boundaries["enterprises"][str(e.pk)]["notes"] == ["no_boundary"]
    assert run.boundaries["enterprises"][str(e.pk)]["boundary"] is None


def test_past_year_with_todays_boundary(world, two_sites):
    e1, site2, inside, outside, unplaced = two_sites
    admin = world.users["park_admin"]
    new = org_services.boundary_revise(actor=admin, park=world.park_a, enterprise=e1, kind="accounting",
                                       approach="operational_control", description="两个厂区", sites=[world.e1.site, site2],
                                       effective_from=dt.date(2026, 1, 1), change_reason="并入二厂区")
    officer = world.users["park_carbon_officer"]
    then = run_calculation(actor=officer, park=world.park_a, year=2025, enterprise=e1)
    now = run_calculation(actor=officer, park=world.park_a, year=2025, enterprise=e1, boundary_date=dt.date(2026, 1, 2))
    assert then.boundaries["enterprises"][str(e1.pk)]["boundary"] == world.e1.boundary.pk and then.n_records == 2
    assert now.boundaries["enterprises"][str(e1.pk)]["boundary"] == new.pk and now.n_records == 3
    assert now.boundaries["boundary_date"] == "2026-01-02"
    assert now.boundaries["enterprises"][str(e1.pk)]["boundary_from"] == "2026-01-01"
    assert now.totals["gross"] > then.totals["gross"]
    with pytest.raises(ValidationError) as exc:
        run_calculation(actor=officer, park=world.park_a, year=2025, enterprise=e1, boundary_date=dt.date(2999, 1, 1))
    assert "boundary_date" in exc.value.message_dict


# -- factor policy --------------------------------------------------------------------------------
def _electricity_run(world, **kw):
    e1 = world.e1.enterprise
    src = ElectricitySourceFactory(enterprise=e1, code="E01")
    _year(src, months=[1], amount="1000")
    return run_calculation(actor=world.users["park_carbon_officer"], park=world.park_a, year=2025, enterprise=e1, **kw)


def test_regional_grid_factor_of_the_park_is_used_and_recorded(world):
    park = world.park_a  # 江苏, regional grid 华东
    org_services.park_save(actor=world.users["park_admin"], park=park, data={"grid_scope": "regional"})
    run = _electricity_run(world)
    assert run.policy["grid_scope"] == "regional" and run.policy["grid_region"] == "华东"
    assert run.policy["grid_year"] == 2023 and run.policy["grid_factor"]["value"] == 0.55
    exp = calculate([{"entity": "1", "period": "2025-01", "source": "E01", "category": "purchased_electricity",
                      "method": "emission_factor", "material": "电力", "amount": 1000, "unit": "MWh", "year": 2023,
                      "region": "华东"}], gwp_set="SAR")
    assert run.totals["gross"] == pytest.approx(exp.rows[0].co2e_t) == pytest.approx(550.0)
    assert RunResult.objects.get(run=run).factor["region"] == "华东"
    # a run parameter overrides the park's default; provincial takes the park's province
    prov = run_calculation(actor=world.users["park_carbon_officer"], park=park, year=2025, enterprise=world.e1.enterprise,
                           grid_scope="provincial")
    assert prov.policy["grid_region"] == "江苏省" and prov.policy["grid_factor"]["region"] == "江苏" and prov.policy["grid_year"] == 2023
    assert prov.totals["gross"] == pytest.approx(1000 * 0.5827)
    national = run_calculation(actor=world.users["park_carbon_officer"], park=park, year=2025,
                               enterprise=world.e1.enterprise, grid_scope="national", gwp_set="AR5")
    assert national.policy["grid_factor"]["value"] == 0.5306 and national.gwp_set == "AR5" == national.policy["gwp_set"]


def test_ets_basis_uses_the_ets_factor_set_and_covered_enterprises_only(world):
    e1, e2 = world.e1.enterprise, world.e2.enterprise
    e2.carbon_market_covered = True
    e2.save()
    for e, code in ((e1, "E01"), (e2, "E02")):
        _year(ElectricitySourceFactory(enterprise=e, code=code), months=[1], amount="1000")
    officer = world.users["park_carbon_officer"]
    run = run_calculation(actor=officer, park=world.park_a, year=2025, basis="ets")
    assert run.basis == "ets" and run.policy["factor_set"] == "ets" and run.policy["grid_scope"] == "ets"
    assert set(RunResult.objects.filter(run=run).values_list("enterprise_id", flat=True)) == {e2.pk}
    assert run.totals["gross"] == pytest.approx(1000 * 0.5703)
    assert run.boundaries["enterprises"][str(e1.pk)]["notes"][0] == "not_ets_covered"
    assert run.coverage["enterprises_counted"] == 1
    with pytest.raises(ValidationError) as exc:
        run_calculation(actor=officer, park=world.park_a, year=2025, enterprise=e1, basis="ets")
    assert "basis" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        run_calculation(actor=officer, park=world.park_a, year=2025, basis="ets", factor_set="default")
    assert "factor_set" in exc.value.message_dict


def test_bad_policy_parameters_get_field_errors(world):
    officer = world.users["park_carbon_officer"]
    SourceFactory(enterprise=world.e1.enterprise)
    cases = [({"grid_scope": "moon"}, "grid_scope"), ({"grid_year_rule": "fixed"}, "grid_year"),
             ({"gwp_set": "AR9"}, "gwp_set"), ({"basis": "verified"}, "basis")]
    for kw, field in cases:
        with pytest.raises(ValidationError) as exc:
            run_calculation(actor=officer, park=world.park_a, year=2025, **kw)
        assert field in exc.value.message_dict, kw
    world.park_a.grid_region = ""
    world.park_a.save()
    with pytest.raises(ValidationError) as exc:
        run_calculation(actor=officer, park=world.park_a, year=2025, grid_scope="regional")
    assert "grid_scope" in exc.value.message_dict


def test_park_admin_sets_the_default_policy_through_the_api(world):
    r = _api(world.users["park_admin"]).patch(f"/api/v1/parks/{world.park_a.pk}/", {"grid_scope": "regional", "gwp_set": "AR5"},
                                              format="json")
    assert r.status_code == 200 and (r.json()["grid_scope"], r.json()["gwp_set"]) == ("regional", "AR5")
    r = _api(world.users["park_admin"]).patch(f"/api/v1/parks/{world.park_a.pk}/", {"grid_scope": "galactic"}, format="json")
    assert r.status_code == 400 and "grid_scope" in r.json()
    r = _api(world.users["enterprise_admin"]).patch(f"/api/v1/parks/{world.park_a.pk}/", {"grid_scope": "national"}, format="json")
    assert r.status_code in (403, 405)


def test_run_api_takes_the_policy_and_answers_field_errors(world):
    _year(ElectricitySourceFactory(enterprise=world.e1.enterprise, code="E01"), months=[1], amount="1000")
    officer = _api(world.users["park_carbon_officer"])
    r = officer.post("/api/v1/calculation-runs/", {"park": world.park_a.pk, "year": 2025, "grid_year_rule": "fixed"}, format="json")
    assert r.status_code == 400 and list(r.json()) == ["grid_year"]
    r = officer.post("/api/v1/calculation-runs/", {"park": world.park_a.pk, "year": 2025, "grid_scope": "sun"}, format="json")
    assert r.status_code == 400 and "grid_scope" in r.json()
    r = officer.post("/api/v1/calculation-runs/", {"park": world.park_a.pk, "year": 2025, "boundary_date": "2999-01-01"}, format="json")
    assert r.status_code == 400 and list(r.json()) == ["boundary_date"]
    r = officer.post("/api/v1/calculation-runs/", {"park": world.park_a.pk, "year": 2025, "grid_scope": "regional",
                                                   "grid_year_rule": "fixed", "grid_year": 2022}, format="json")
    assert r.status_code == 201, r.json()
    body = r.json()
    assert (body["policy"]["grid_region"], body["policy"]["grid_year"], body["policy"]["grid_factor"]["value"]) == ("华东", 2022, 0.5617)
    assert body["coverage"]["expected"] == 12 and body["coverage"]["held"] == 1 and body["basis"] == "management"


# -- coverage -------------------------------------------------------------------------------------
def test_coverage_numbers_and_missing_list(world):
    e1 = world.e1.enterprise
    a, b = SourceFactory(enterprise=e1, code="A01"), SourceFactory(enterprise=e1, code="B01")
    SourceFactory(enterprise=e1, code="R01", status="retired", effective_to=dt.date(2024, 12, 31))  # not in force
    SourceFactory(enterprise=e1, code="N01", effective_from=dt.date(2025, 11, 1))  # in force for Nov and Dec only
    _year(a, months=[1, 2, 3])
    run = run_calculation(actor=world.users["park_carbon_officer"], park=world.park_a, year=2025, enterprise=e1)
    cov = run.coverage
    assert (cov["expected"], cov["held"], cov["n_missing"], cov["complete"]) == (26, 3, 23, False)
    assert cov["fraction"] == pytest.approx(3 / 26, abs=1e-6)
    assert cov["missing"][0] == {"enterprise": e1.pk, "source": a.pk, "code": "A01", "month": 4}
    assert [(m["code"], m["month"]) for m in cov["missing"] if m["code"] == "N01"] == [("N01", 11), ("N01", 12)]
    assert sum(1 for m in cov["missing"] if m["source"] == b.pk) == 12
    assert cov["by_enterprise"] == {str(e1.pk): [26, 3]}


def test_the_monitoring_plan_in_force_says_which_sources_are_expected(world):
    e1 = world.e1.enterprise
    a, b = SourceFactory(enterprise=e1, code="A01"), SourceFactory(enterprise=e1, code="B01")
    _year(a)
    plan = MonitoringPlanFactory(enterprise=e1, status=MonitoringPlan.Status.APPROVED, effective_from=dt.date(2025, 1, 1))
    PlanItemFactory(plan=plan, source=a)
    PlanItemFactory(plan=plan, source=b, data_item="ncv")  # not an activity-data item
    run = run_calculation(actor=world.users["park_carbon_officer"], park=world.park_a, year=2025, enterprise=e1)
    assert (run.coverage["expected"], run.coverage["held"], run.coverage["complete"]) == (12, 12, True)
    assert run.boundaries["enterprises"][str(e1.pk)]["expected_from"] == "monitoring_plan"


@pytest.fixture
def partial_2026(world):
    """The issue's case: a 2026 park run from one enterprise and three months while the park has two."""
    _year(SourceFactory(enterprise=world.e1.enterprise, code="B01"), year=2026, months=[1, 2, 3], amount="2000")
    SourceFactory(enterprise=world.e2.enterprise, code="P01")
    return run_calculation(actor=world.users["park_carbon_officer"], park=world.park_a, year=2026)


def test_a_park_run_from_one_enterprise_and_three_months_is_labelled_incomplete(world, partial_2026):
    run = partial_2026
    assert run.totals["gross"] > 0
    assert run.coverage["complete"] is False
    assert (run.coverage["expected"], run.coverage["held"]) == (24, 3)
    assert run.coverage["enterprises_without_data"] == [world.e2.enterprise.pk]


def test_pages_show_the_coverage_and_what_is_missing(world, client, partial_2026):
    run = partial_2026
    client.force_login(world.users["park_carbon_officer"])
    for url in (run.get_absolute_url(), reverse("inventory:park", args=[world.park_a.pk]) + "?year=2026",
                reverse("inventory:drill", args=[run.pk])):
        page = client.get(url).content.decode()
        assert 'data-testid="coverage-incomplete"' in page, url
    page = client.get(run.get_absolute_url()).content.decode()
    assert 'data-testid="missing"' in page and "P01" in page and 'data-testid="policy"' in page
    assert 'data-testid="boundaries"' in page
    page = client.get(reverse("inventory:enterprise", args=[world.e1.enterprise.pk]) + "?year=2026").content.decode()
    assert 'data-testid="run-form"' in page


def test_run_form_shows_field_errors_and_stores_nothing(world, client):
    from carbonms.inventory.models import CalculationRun

    _year(SourceFactory(enterprise=world.e1.enterprise, code="B01"), months=[1])
    client.force_login(world.users["park_carbon_officer"])
    url = reverse("inventory:park", args=[world.park_a.pk])
    resp = client.post(url, {"year": 2025, "grid_year_rule": "fixed", "grid_year": ""})
    assert resp.status_code == 200 and resp.context["form"].errors["grid_year"]
    resp = client.post(url, {"year": 2025, "grid_scope": "moon"})
    assert resp.status_code == 200 and resp.context["form"].errors["grid_scope"]
    assert not CalculationRun.objects.exists()
    resp = client.post(url, {"year": 2025, "basis": "management", "grid_scope": "regional", "gwp_set": "AR5",
                             "boundary_date": "2025-06-30"})
    run = CalculationRun.objects.get()
    assert resp.status_code == 302 and run.policy["grid_region"] == "华东" and run.boundaries["boundary_date"] == "2025-06-30"


def test_enterprise_page_shows_its_time_in_the_park(world, client):
    e1 = world.e1.enterprise
    e1.entered_on, e1.exited_on = dt.date(2025, 4, 15), dt.date(2025, 9, 1)
    e1.save()
    client.force_login(world.users["enterprise_admin"])
    page = client.get(e1.get_absolute_url()).content.decode()
    assert 'data-testid="membership">2025-04-15 – 2025-09-01<' in page


def test_missing_list_is_capped_but_counted_and_the_statement_message_counts_all(world):
    from carbonms.inventory import statements

    for i in range(20):
        _year(SourceFactory(enterprise=world.e1.enterprise, code=f"S{i:02d}"), months=[1])
    officer = world.users["park_carbon_officer"]
    run = run_calculation(actor=officer, park=world.park_a, year=2025, enterprise=world.e1.enterprise)
    assert (run.coverage["n_missing"], len(run.coverage["missing"])) == (220, 200)
    with pytest.raises(ValidationError, match="220 source-months missing"):
        statements.statement_create(actor=officer, run=run)
