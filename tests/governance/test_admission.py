"""Project admission and exit (T/CSES 6.3.5 a)–d)): application, screening, committee decision, post-check, exit."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from carbonms.governance import screening, services, targets_link
from carbonms.governance.models import Committee, ExitDecision, ProjectApplication
from carbonms.organizations.models import Enterprise
from tests.factories import make_credit_code

GAS = [{"source": "燃气锅炉", "category": "stationary_combustion", "method": "fuel_combustion", "material": "天然气",
        "amount": "300", "unit": "万立方米"}]
COAL = [{"source": "熟料窑", "category": "stationary_combustion", "method": "fuel_combustion", "material": "烟煤",
         "amount": "150000", "unit": "t"}]


def _data(**over):
    data = {"project": "新建项目", "applicant": "新申请有限公司", "credit_code": make_credit_code(900001),
            "industry_code": "3959", "products": "储能电池", "capacity": Decimal("2"), "capacity_unit": "GWh",
            "planned_output": None, "benchmark": "", "operation_year": 2026, "renewable_share_pct": Decimal("30"),
            "planned_activity": GAS}
    data.update(over)
    return data


@pytest.fixture
def officer(world):
    return world.users["park_carbon_officer"]


@pytest.fixture
def committee(world, officer):
    c = Committee.objects.create(park=world.park_a, kind=Committee.Kind.ADMISSION, name="准入委员会")
    c.members.set([officer])
    return c


def _budget(value, allocated="0", reserve="0"):
    return lambda park, year: {"value": Decimal(value), "reserve": Decimal(reserve), "allocated": Decimal(allocated),
                               "allocated_enterprise_ids": set(), "source": "PT-1 园区总量目标", "target": None}


def test_planned_energy_and_emissions_come_from_the_accounting_core(world, officer):
    app = services.application_save(actor=officer, park=world.park_a, data=_data())
    from carbonms.accounting import calculate

    expected = calculate([{**GAS[0], "entity": "x", "period": "2026"}]).totals
    assert app.planned_emissions_t == Decimal(str(round(expected["gross"], 3)))
    assert app.planned_energy_tce == Decimal(str(round(expected["energy_tce"], 3)))
    assert app.planned_emissions_t > 0 and app.calculation["gwp_set"]
    assert app.number.startswith("XM-")


def test_industry_code_outside_gbt4754_is_refused_with_nothing_written(world, officer):
    with pytest.raises(ValidationError) as exc:
        services.application_save(actor=officer, park=world.park_a, data=_data(industry_code="9999"))
    assert "industry_code" in exc.value.message_dict
    assert "GB/T 4754" in " ".join(exc.value.message_dict["industry_code"])
    assert not ProjectApplication.objects.exists()


def test_bad_activity_row_names_the_row(world, officer):
    bad = [dict(GAS[0], material="不存在的燃料")]
    with pytest.raises(ValidationError) as exc:
        services.application_save(actor=officer, park=world.park_a, data=_data(planned_activity=bad))
    assert "planned_activity" in exc.value.message_dict
    assert not ProjectApplication.objects.exists()


def test_activity_text_lines_are_read_and_a_short_line_is_named(world, officer):
    app = services.application_save(actor=officer, park=world.park_a, data=_data(
        planned_activity="source,category,method,material,amount,unit\n燃气锅炉,stationary_combustion,fuel_combustion,"
                         "天然气,300,万立方米"))
    assert app.planned_activity[0]["material"] == "天然气"
    with pytest.raises(ValidationError) as exc:
        services.application_save(actor=officer, application=app, data={"planned_activity": "锅炉,天然气,300"})
    assert "Line 1" in str(exc.value) or "第 1 行" in str(exc.value) or "1" in str(exc.value.message_dict)


def test_screening_without_planned_activity_is_refused(world, officer):
    app = services.application_save(actor=officer, park=world.park_a, data=_data(planned_activity=[]))
    with pytest.raises(ValidationError) as exc:
        services.application_screen(actor=officer, application=app)
    assert "planned_activity" in exc.value.message_dict
    app.refresh_from_db()
    assert app.status == "draft" and app.screening == {}


def test_two_high_project_is_refused_for_headroom(world, officer, monkeypatch):
    monkeypatch.setattr(targets_link, "park_target", _budget("500000", allocated="400000", reserve="20000"))
    app = services.application_save(actor=officer, park=world.park_a, data=_data(
        industry_code="3011", products="水泥熟料", planned_activity=COAL, planned_output=Decimal("1200000"),
        benchmark="cement_clinker", renewable_share_pct=Decimal("0")))
    app = services.application_screen(actor=officer, application=app)
    report = app.screening
    checks = {c["key"]: c for c in report["checks"]}
    assert report["two_high"] is True and checks["two_high"]["sector"] == "building_materials"
    assert checks["headroom"]["result"] == "fail"
    assert Decimal(checks["headroom"]["headroom"]) == Decimal("100000")
    assert report["recommendation"] == "refuse"
    assert "100,000.0" in screening.describe(checks["headroom"])


def test_green_project_passes_and_admission_creates_the_enterprise(world, officer, committee, monkeypatch):
    monkeypatch.setattr(targets_link, "park_target", _budget("500000", allocated="300000", reserve="50000"))
    app = services.application_save(actor=officer, park=world.park_a, data=_data())
    app = services.application_screen(actor=officer, application=app)
    assert {c["key"]: c["result"] for c in app.screening["checks"]} == {
        "two_high": "pass", "intensity": "na", "headroom": "pass", "renewable": "pass"}
    assert app.screening["recommendation"] == "admit"
    app = services.application_decide(actor=officer, application=app, data={
        "decision": "admit", "decided_on": dt.date(2026, 3, 1), "votes_for": 5, "votes_against": 0, "votes_abstain": 1,
        "entry_date": dt.date(2026, 4, 1)})
    ent = Enterprise.objects.get(pk=app.enterprise_id)
    assert ent.entered_on == dt.date(2026, 4, 1) and ent.park == world.park_a and ent.industry_code == "3959"
    assert app.status == "admitted" and app.provisional_allocation_t == app.planned_emissions_t


def test_decision_by_someone_outside_the_committee_is_refused(world, officer, committee):
    other = world.users["park_admin"]
    app = services.application_save(actor=officer, park=world.park_a, data=_data())
    app = services.application_screen(actor=officer, application=app)
    with pytest.raises(ValidationError) as exc:
        services.application_decide(actor=other, application=app, data={
            "decision": "admit", "decided_on": dt.date(2026, 3, 1), "votes_for": 5, "entry_date": dt.date(2026, 4, 1)})
    assert "准入委员会" in str(exc.value.message_dict["decision"])
    app.refresh_from_db()
    assert app.status == "screened" and not Enterprise.objects.filter(name="新申请有限公司").exists()


def test_conditional_admission_needs_conditions_and_a_majority(world, officer, committee):
    app = services.application_screen(actor=officer, application=services.application_save(
        actor=officer, park=world.park_a, data=_data()))
    base = {"decided_on": dt.date(2026, 3, 1), "entry_date": dt.date(2026, 4, 1)}
    with pytest.raises(ValidationError) as exc:
        services.application_decide(actor=officer, application=app, data={**base, "decision": "conditional",
                                                                          "votes_for": 3})
    assert "conditions" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        services.application_decide(actor=officer, application=app, data={**base, "decision": "admit", "votes_for": 2,
                                                                          "votes_against": 3})
    assert "votes_for" in exc.value.message_dict
    refused = services.application_decide(actor=officer, application=app, data={**base, "decision": "refuse",
                                                                                "votes_against": 4})
    assert refused.status == "refused" and refused.enterprise is None


def test_enterprise_users_cannot_create_or_screen(world):
    with pytest.raises(PermissionDenied):
        services.application_save(actor=world.users["enterprise_admin"], park=world.park_a, data=_data())
    app = services.application_save(actor=world.users["park_carbon_officer"], park=world.park_a, data=_data())
    with pytest.raises(PermissionDenied):
        services.application_screen(actor=world.users["enterprise_admin"], application=app)


def test_exit_decision_sets_the_exit_date(world, officer, committee):
    ent = world.e2.enterprise
    d = services.exit_decide(actor=officer, enterprise=ent, data={
        "reason": "产能退出", "decided_on": dt.date(2026, 5, 1), "exit_on": dt.date(2026, 6, 30), "votes_for": 5})
    ent.refresh_from_db()
    assert ent.exited_on == dt.date(2026, 6, 30) and ent.status == "closed" and d.pk
    with pytest.raises(ValidationError):
        services.exit_decide(actor=world.users["park_admin"], enterprise=world.e1.enterprise, data={
            "reason": "x", "decided_on": dt.date(2026, 5, 1), "exit_on": dt.date(2026, 6, 30), "votes_for": 5})
    assert ExitDecision.objects.count() == 1


def test_two_high_scope_longest_prefix_and_provincial_list():
    assert screening.two_high("3011").sector == "building_materials"
    assert screening.two_high("3110").sector == "iron_steel"
    assert screening.two_high("3031").list == "provincial"
    assert screening.two_high("3959") is None
    assert all(r.source for r in screening.two_high_scope())
    assert all(b.status in ("verified", "unverified") and b.source for b in screening.benchmarks().values())


def test_intensity_above_the_benchmark_fails():
    report = screening.screen(industry_code="3011", energy_tce=Decimal("150000"), emissions_t=Decimal("1"),
                              planned_output=Decimal("1000000"), benchmark_key="cement_clinker",
                              renewable_pct=Decimal("0"), budget=None)
    intensity = {c["key"]: c for c in report["checks"]}["intensity"]
    assert intensity["result"] == "fail" and Decimal(intensity["value"]) == Decimal("150.00")
    assert report["recommendation"] == "refuse"


def _park_target(world, **over):
    from carbonms.performance.models import Target, TargetAllocation

    t = Target.objects.create(park=world.park_a, code="PT-2030", title="园区排放总量", metric="absolute", gwp_set="AR5",
                              base_year=2020, base_value=Decimal("600000"), start_year=2021, target_year=2030,
                              target_value=Decimal("500000"), milestones={"2026": "550000"},
                              reserve=Decimal("30000"), status="published", **over)
    TargetAllocation.objects.create(park=world.park_a, enterprise=world.e1.enterprise, park_target=t,
                                    base_value=Decimal("480000"), allocated_value=Decimal("470000"), status="accepted")
    return t


def test_headroom_reads_the_park_target_milestone_and_allocations(world, officer, committee):
    from carbonms.governance import headroom
    from carbonms.performance.models import TargetAllocation

    _park_target(world)
    budget = headroom.park_budget(world.park_a, 2026)
    assert (Decimal(budget["target"]), Decimal(budget["allocated"]), Decimal(budget["headroom"])) == (
        Decimal("550000"), Decimal("470000"), Decimal("80000"))
    assert Decimal(budget["reserve"]) == 30000 and "PT-2030" in budget["source"]
    assert headroom.park_budget(world.park_b, 2026) is None
    # admitting a project allocates its planned emissions provisionally: the headroom shrinks by that much
    app = services.application_screen(actor=officer, application=services.application_save(
        actor=officer, park=world.park_a, data=_data()))
    app = services.application_decide(actor=officer, application=app, data={
        "decision": "admit", "decided_on": dt.date(2026, 3, 1), "votes_for": 5, "entry_date": dt.date(2026, 4, 1)})
    alloc = TargetAllocation.objects.get(enterprise=app.enterprise)
    assert alloc.status == "draft" and alloc.allocated_value == app.planned_emissions_t
    after = headroom.park_budget(world.park_a, 2026)
    assert Decimal(after["headroom"]) == Decimal("80000") - app.planned_emissions_t
