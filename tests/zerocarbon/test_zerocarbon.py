"""The zero-carbon plan and the technology positive list (issue 14 items 1–2; T/CSES 6.3.3, 6.3.4)."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from carbonms.conformity.models import Task
from carbonms.conformity.reminders import run_reminders
from carbonms.inventory.models import InventoryStatement
from carbonms.zerocarbon import indicators, selectors, services
from carbonms.zerocarbon.models import CertificateClaim, RenewableSupply, Technology, ZeroCarbonPlan

pytestmark = pytest.mark.django_db


def _officer(world):
    return world.users["park_carbon_officer"]


def _plan(world, **kw):
    data = {"title": "零碳规划", "first_year": 2024, "last_year": 2030, **kw}
    return services.plan_save(actor=_officer(world), park=world.park_a, data=data)


# -- the arithmetic -------------------------------------------------------------------------------------------------
def test_renewable_share_is_onsite_plus_instruments_over_electricity_used():
    # 400 MWh on site + 600 MWh bought, 4,600 MWh purchased: 1,000 / 5,000 = 20 %
    assert indicators.renewable_share(Decimal(400), Decimal(600), Decimal(4600)) == Decimal("20.00")
    assert indicators.renewable_share(Decimal(0), Decimal(9000), Decimal(1000)) == Decimal("100.00")  # capped
    assert indicators.renewable_share(Decimal(10), Decimal(0), None) is None  # no electricity data: no share


def test_thresholds_come_from_the_data_file_with_source_and_are_marked_unverified():
    rows = indicators.load_thresholds()
    assert {t.indicator for t in rows} >= {"carbon_per_energy", "clean_energy_share", "solid_waste_reuse",
                                           "waste_heat_reuse", "water_reuse"}
    assert all("910" in t.source and t.effective_from == dt.date(2025, 7, 1) for t in rows)
    assert not any(t.verified for t in rows)  # read in a secondary source: the page says so
    small, large = indicators.threshold_for("carbon_per_energy", 2025, 300_000), indicators.threshold_for("carbon_per_energy", 2025, 2_000_000)
    assert (small.threshold, large.threshold) == (Decimal("0.20"), Decimal("0.30"))
    assert small.met_by(Decimal("0.19")) and not small.met_by(Decimal("0.25"))
    assert indicators.threshold_for("water_reuse", 2024) is None  # not in force before July 2025


# -- the plan -------------------------------------------------------------------------------------------------------
def test_plan_is_approved_by_somebody_else_and_a_new_version_keeps_the_old_in_force(world):
    plan = _plan(world)
    with pytest.raises(ValidationError):  # no targets yet
        services.plan_approve(actor=world.users["park_reviewer"], plan=plan)
    services.target_save(actor=_officer(world), plan=plan, data={"year": 2025, "indicator": "renewable_share", "value": Decimal(20)})
    with pytest.raises(ValidationError, match="drafted yourself|自己起草"):
        services.plan_approve(actor=_officer(world), plan=plan)
    with pytest.raises(PermissionDenied):  # an enterprise administrator holds no governance permission
        services.plan_approve(actor=world.users["enterprise_admin"], plan=plan)
    services.plan_approve(actor=world.users["park_reviewer"], plan=plan)
    with pytest.raises(ValidationError):  # approved targets are frozen
        services.target_save(actor=_officer(world), plan=plan, data={"year": 2026, "indicator": "renewable_share", "value": Decimal(25)})
    v2 = services.plan_revise(actor=_officer(world), plan=plan)
    assert v2.version == 2 and v2.supersedes == plan and v2.targets.count() == 1
    plan.refresh_from_db()
    assert plan.status == "approved"
    services.plan_approve(actor=world.users["park_admin"], plan=v2)
    plan.refresh_from_db()
    assert plan.status == "superseded"


def test_a_target_outside_the_plan_years_or_a_share_above_100_is_refused(world):
    plan = _plan(world)
    with pytest.raises(ValidationError) as e:
        services.target_save(actor=_officer(world), plan=plan, data={"year": 2040, "indicator": "pv_kwp", "value": Decimal(1)})
    assert "year" in e.value.error_dict
    with pytest.raises(ValidationError) as e:
        services.target_save(actor=_officer(world), plan=plan, data={"year": 2025, "indicator": "renewable_share", "value": Decimal(120)})
    assert "value" in e.value.error_dict


def test_plan_progress_reads_the_register_at_the_end_of_each_year(world):
    plan = _plan(world)
    for y, v in ((2024, 100), (2025, 300)):
        services.target_save(actor=_officer(world), plan=plan, data={"year": y, "indicator": "pv_kwp", "value": Decimal(v)})
    services.infrastructure_save(actor=_officer(world), park=world.park_a, data={
        "enterprise": world.e1.enterprise, "kind": "pv", "name": "屋顶光伏", "capacity": Decimal(250),
        "commissioned_on": dt.date(2025, 5, 1)})
    rows = {r["year"]: r for p in selectors.plan_progress(plan, today=dt.date(2026, 1, 10)) for r in p["rows"]}
    assert (rows[2024]["actual"], rows[2024]["met"]) == (Decimal(0), False)
    assert (rows[2025]["actual"], rows[2025]["met"]) == (Decimal(250), False)


# -- one claim per certificate ------------------------------------------------------------------------------------
def _certs(world, enterprise, ids, **kw):
    return services.supply_save(actor=_officer(world), park=world.park_a, data={
        "enterprise": enterprise, "year": 2025, "kind": "certificate", "mwh": Decimal(len(ids)), "certificate_ids": ids, **kw})


def test_a_certificate_claimed_by_an_enterprise_cannot_be_claimed_by_the_park(world):
    first = _certs(world, world.e1.enterprise, ["GEC-1", "GEC-2"])
    with pytest.raises(ValidationError) as e:
        _certs(world, None, ["GEC-3", "GEC-2"], use="market_based")
    msg = e.value.message_dict["certificate_ids"][0]
    assert "GEC-2" in msg and world.e1.enterprise.name in msg and f"#{first.pk}" in msg
    # nothing half-written: no supply record and no claim of GEC-3
    assert RenewableSupply.objects.count() == 1 and not CertificateClaim.objects.filter(certificate_id="GEC-3").exists()


def test_a_certificate_of_another_park_is_refused_without_naming_its_owner(world):
    services.supply_save(actor=world.users["park_carbon_officer"], park=world.park_a, data={
        "year": 2025, "kind": "certificate", "mwh": Decimal(1), "certificate_ids": "GEC-X"})
    from carbonms.accounts.models import RoleAssignment

    RoleAssignment.objects.create(user=world.users["park_admin"], role="park_admin", park=world.park_b)
    from carbonms.common import tenancy

    tenancy.forget_assignments(world.users["park_admin"])
    with pytest.raises(ValidationError) as e:
        services.supply_save(actor=world.users["park_admin"], park=world.park_b, data={
            "year": 2025, "kind": "certificate", "mwh": Decimal(1), "certificate_ids": "GEC-X"})
    msg = e.value.message_dict["certificate_ids"][0]
    assert "GEC-X" in msg and world.park_a.name not in msg


def test_certificates_need_ids_one_mwh_each_and_no_repeats(world):
    for data, field in (({"mwh": Decimal(2), "certificate_ids": ""}, "certificate_ids"),
                        ({"mwh": Decimal(3), "certificate_ids": "A B"}, "mwh"),
                        ({"mwh": Decimal(2), "certificate_ids": "A A"}, "certificate_ids")):
        with pytest.raises(ValidationError) as e:
            services.supply_save(actor=_officer(world), park=world.park_a, data={"year": 2025, "kind": "certificate", **data})
        assert field in e.value.error_dict
    assert not RenewableSupply.objects.exists()


def test_supply_for_an_enterprise_of_another_park_is_refused(world):
    with pytest.raises(ValidationError) as e:
        services.supply_save(actor=_officer(world), park=world.park_a, data={
            "enterprise": world.e3.enterprise, "year": 2025, "kind": "green_power", "mwh": Decimal(5)})
    assert "enterprise" in e.value.error_dict


def test_renewable_share_of_the_park_from_its_statement_and_the_supply_records(world):
    from tests.scale.builders import build_park

    p = build_park(3, "Z")  # 3 entities × 2 months × 900 MWh of purchased electricity
    InventoryStatement.objects.create(park=p.park, year=2025, run=p.run, gwp_set="AR5", totals=p.run.totals,
                                      status="approved", drafted_by=p.admin)
    from carbonms.zerocarbon.models import RenewableSupply as RS

    RS.objects.create(park=p.park, year=2025, kind="green_power", mwh=Decimal(540))
    RS.objects.create(park=p.park, year=2025, kind="green_power", mwh=Decimal(999), use="market_based")  # not in the share
    got = selectors.renewable_share(p.park, 2025)
    assert got["purchased_mwh"] == Decimal("5400.000") and got["share"] == Decimal("10.00")


# -- the technology list -------------------------------------------------------------------------------------------
def _tech(world, **kw):
    data = {"name": "余热回收", "category": "c", "industries": "31 3011", "abatement_potential": "8–15 %",
            "maturity": "mature", "listed_on": dt.date(2025, 1, 1), **kw}
    return services.technology_save(actor=_officer(world), park=world.park_a, data=data)


def test_industry_codes_outside_gbt_4754_and_inverted_cost_ranges_are_refused(world):
    with pytest.raises(ValidationError) as e:
        _tech(world, industries="31 9999x")
    assert "9999x" in e.value.message_dict["industries"][0]
    with pytest.raises(ValidationError) as e:
        _tech(world, cost_low=Decimal(100), cost_high=Decimal(50))
    assert "cost_high" in e.value.error_dict
    assert _tech(world).industries == ["31", "3011"]


def test_evaluation_sets_the_next_due_date_and_retires_when_it_concludes_so(world):
    t = _tech(world, evaluation_due_on=dt.date(2026, 1, 1))
    services.technology_evaluate(actor=_officer(world), technology=t, data={
        "evaluated_on": dt.date(2026, 1, 5), "conclusion": "keep", "findings": "仍适用", "next_due_on": dt.date(2027, 1, 5)})
    t.refresh_from_db()
    assert t.evaluation_due_on == dt.date(2027, 1, 5) and t.retired_on is None
    services.technology_evaluate(actor=_officer(world), technology=t, data={
        "evaluated_on": dt.date(2026, 6, 1), "conclusion": "retire", "findings": "被更优技术替代"})
    t.refresh_from_db()
    assert t.retired_on == dt.date(2026, 6, 1) and t.evaluation_due_on is None


def test_an_evaluation_due_becomes_a_task_of_the_responsible(world):
    t = _tech(world, owner=_officer(world), evaluation_due_on=timezone.localdate() + dt.timedelta(days=3))
    run_reminders(email=False)
    task = Task.objects.get(user=_officer(world), ref__startswith=f"technology:{t.pk}:")
    assert t.name in task.title and task.url == t.get_absolute_url()


def test_enterprises_read_the_list_but_cannot_write_it(world):
    t = _tech(world)
    c = Client()
    c.force_login(world.users["enterprise_admin"])
    assert t.name in c.get(reverse("zerocarbon:technologies", args=[world.park_a.pk])).content.decode()
    assert c.get(reverse("zerocarbon:technology", args=[t.pk])).status_code == 200
    before = Technology.objects.count()
    r = c.post(reverse("zerocarbon:technology_create", args=[world.park_a.pk]), {"name": "x", "category": "a"})
    assert r.status_code == 403 and Technology.objects.count() == before
    r = c.post(reverse("zerocarbon:technology_edit", args=[t.pk]), {"name": "改名", "category": "a"})
    assert r.status_code == 403
    t.refresh_from_db()
    assert t.name == "余热回收"
    assert c.get(reverse("zerocarbon:park", args=[world.park_a.pk])).status_code == 404  # the plan page is the park's


def test_park_staff_cannot_write_into_another_park(world):
    c = Client()
    c.force_login(_officer(world))
    r = c.post(reverse("zerocarbon:supply_create", args=[world.park_b.pk]), {"year": 2025, "kind": "green_power", "mwh": "5"})
    assert r.status_code == 404 and not RenewableSupply.objects.exists()
    other = ZeroCarbonPlan.objects.create(park=world.park_b, title="B", first_year=2025, last_year=2030,
                                          drafted_by=world.users["park_admin"])
    r = c.post(reverse("zerocarbon:plan_action", args=[other.pk, "approve"]))
    assert r.status_code == 404


def test_pages_render_for_the_park_officer_with_a_double_claim_shown_on_the_form(world):
    _certs(world, world.e1.enterprise, ["GEC-9"])
    plan = _plan(world)
    services.target_save(actor=_officer(world), plan=plan, data={"year": 2025, "indicator": "renewable_share", "value": Decimal(20)})
    c = Client()
    c.force_login(_officer(world))
    for name, args in (("park", [world.park_a.pk]), ("plan", [plan.pk]), ("infrastructure", [world.park_a.pk]),
                       ("supply", [world.park_a.pk]), ("indicators", [world.park_a.pk]), ("technologies", [world.park_a.pk])):
        assert c.get(reverse(f"zerocarbon:{name}", args=args)).status_code == 200, name
    page = c.get(reverse("zerocarbon:indicators", args=[world.park_a.pk]) + "?year=2025").content.decode()
    assert "发改环资〔2025〕910号" in page and "未核实" in page
    r = c.post(reverse("zerocarbon:supply_create", args=[world.park_a.pk]),
               {"year": 2025, "kind": "certificate", "use": "renewable_share", "mwh": "1", "certificate_ids": "GEC-9"})
    assert r.status_code == 200 and world.e1.enterprise.name in r.content.decode()
    assert RenewableSupply.objects.count() == 1


# -- the API --------------------------------------------------------------------------------------------------------
def test_api_refuses_a_second_claim_and_a_foreign_park(world):
    c = Client()
    c.force_login(_officer(world))
    url = reverse("api:zc-supply-list")
    body = {"park": world.park_a.pk, "enterprise": world.e1.enterprise.pk, "year": 2025, "kind": "certificate",
            "use": "renewable_share", "mwh": "2", "certificate_ids": ["GEC-A1", "GEC-A2"]}
    assert c.post(url, body, content_type="application/json").status_code == 201
    r = c.post(url, {**body, "enterprise": None, "mwh": "1", "certificate_ids": ["GEC-A2"]}, content_type="application/json")
    assert r.status_code == 400 and world.e1.enterprise.name in r.json()["certificate_ids"][0]
    r = c.post(url, {**body, "park": world.park_b.pk, "enterprise": None, "certificate_ids": ["GEC-B1", "GEC-B2"]},
               content_type="application/json")
    assert r.status_code == 400 and "park" in r.json()
    assert RenewableSupply.objects.count() == 1
    share = c.get(reverse("api:zc-supply-share"), {"park": world.park_a.pk, "year": 2025}).json()
    assert share["share"] is None and share["bought_mwh"] == "2.000"  # no statement in force: no share, said so


def test_api_technology_list_is_read_by_enterprises_and_written_by_the_park(world):
    t = _tech(world)
    ent = Client()
    ent.force_login(world.users["enterprise_admin"])
    ids = [r["id"] for r in ent.get(reverse("api:zc-technology-list")).json()["results"]]
    assert t.pk in ids
    r = ent.post(reverse("api:zc-technology-list"), {"park": world.park_a.pk, "name": "x", "category": "a",
                                                      "abatement_potential": "1", "maturity": "mature",
                                                      "listed_on": "2025-01-01"}, content_type="application/json")
    assert r.status_code == 403 and Technology.objects.count() == 1
    park = Client()
    park.force_login(_officer(world))
    r = park.post(reverse("api:zc-technology-list"), {"park": world.park_a.pk, "name": "绿氢炼钢", "category": "c",
                                                       "industries": ["3120"], "abatement_potential": "50 %",
                                                       "maturity": "demonstration", "listed_on": "2025-01-01"},
                  content_type="application/json")
    assert r.status_code == 201 and r.json()["industries"] == ["3120"]
