"""REST endpoints of carbon data and inventories: the same services and scope rules as the pages."""
from __future__ import annotations

from rest_framework.test import APIClient

from carbonms.carbondata.models import ActivityRecord
from tests.carbondata.factories import SourceFactory


def _api(user):
    c = APIClient()
    c.force_authenticate(user)
    return c


def test_activity_through_the_api(world):
    src = SourceFactory(enterprise=world.e1.enterprise, code="B01")
    other = SourceFactory(enterprise=world.e2.enterprise, code="X01")
    clerk, reviewer = _api(world.users["data_clerk"]), _api(world.users["reviewer"])
    r = clerk.post("/api/v1/activity/", {"source": src.pk, "year": 2025, "month": 1, "amount": "abc"}, format="json")
    assert r.status_code == 400 and r.json() == {"amount": ["“abc”不是数字。"]}  # the user's language (zh-hans default)
    r = clerk.post("/api/v1/activity/", {"source": other.pk, "year": 2025, "month": 1, "amount": "1"}, format="json")
    assert r.status_code == 400 and "source" in r.json()  # another enterprise's source does not exist for the clerk
    r = clerk.post("/api/v1/activity/", {"source": src.pk, "year": 2025, "month": 1, "amount": "12.5", "unit": "t"}, format="json")
    assert r.status_code == 201, r.json()
    pk = r.json()["id"]
    assert clerk.post(f"/api/v1/activity/{pk}/submit/").status_code == 200
    assert clerk.post(f"/api/v1/activity/{pk}/approve/").status_code == 403  # a clerk does not approve
    r = reviewer.post(f"/api/v1/activity/{pk}/approve/", {"comment": "ok"}, format="json")
    assert r.status_code == 200 and r.json()["status"] == "approved"
    assert _api(world.users["park_carbon_officer"]).get(f"/api/v1/activity/{pk}/").status_code == 200
    assert ActivityRecord.objects.get(pk=pk).reviewed_by == world.users["reviewer"]
    ids = {x["id"] for x in clerk.get("/api/v1/sources/").json()["results"]}
    assert src.pk in ids and other.pk not in ids


def test_calculation_run_and_diff_through_the_api(world):
    from decimal import Decimal

    from tests.carbondata.factories import ActivityRecordFactory

    src = SourceFactory(enterprise=world.e1.enterprise, code="B01")
    rec = ActivityRecordFactory(source=src, month=1, amount=Decimal("10"))
    officer = _api(world.users["park_carbon_officer"])
    r = officer.post("/api/v1/calculation-runs/", {"park": world.park_a.pk, "year": 2025}, format="json")
    assert r.status_code == 201, r.json()
    first = r.json()
    assert first["totals"]["gross"] > 0 and first["n_results"] == 1
    rec.amount = Decimal("20")
    rec.save()
    second = officer.post("/api/v1/calculation-runs/", {"park": world.park_a.pk, "year": 2025, "gwp_set": "AR5"}, format="json").json()
    d = officer.get(f"/api/v1/calculation-runs/{second['id']}/diff/", {"against": first["id"]}).json()
    assert d["against"] == first["id"] and d["lines"][0]["code"] == "B01" and "data" in d["lines"][0]["reasons"]
    results = officer.get("/api/v1/calculation-results/", {"run": second["id"]}).json()["results"]
    assert results[0]["factor"]["version_id"] and results[0]["activity_version"] == 1
    clerk = _api(world.users["data_clerk"])
    assert clerk.post("/api/v1/calculation-runs/", {"park": world.park_a.pk, "year": 2025}, format="json").status_code == 403
    assert clerk.get(f"/api/v1/calculation-runs/{second['id']}/").status_code == 404  # a park run is park staff's


def test_submit_returns_findings_as_codes_with_a_message_in_the_users_language(world):
    from decimal import Decimal

    from tests.carbondata.factories import ActivityRecordFactory, ElectricitySourceFactory

    src = ElectricitySourceFactory(enterprise=world.e1.enterprise)
    ActivityRecordFactory(source=src, year=2025, month=3, amount=Decimal("1640"), entered_by=world.users["reviewer"])
    clerk = _api(world.users["data_clerk"])
    r = clerk.post("/api/v1/activity/", {"source": src.pk, "year": 2025, "month": 4, "amount": "5073"}, format="json")
    pk = r.json()["id"]
    r = clerk.post(f"/api/v1/activity/{pk}/submit/", HTTP_ACCEPT_LANGUAGE="en")
    jump = next(f for f in r.json()["findings"] if f["code"] == "jump_month")
    assert jump["params"]["reference_period"] == "2025-03" and jump["record"] == pk
    assert jump["message"] == "+209 % against 2025-03 (1640); threshold 50 %."
    assert r.json()["record"]["quality_flags"][0]["code"] == "jump_month"
    # a foreign record id: the reviewer of the other park cannot submit or read it
    from tests.factories import RoleAssignmentFactory, UserFactory

    outsider = UserFactory(username="clerk_b")
    RoleAssignmentFactory(user=outsider, role="data_clerk", park=world.park_b, enterprise=world.e3.enterprise)
    assert _api(outsider).post(f"/api/v1/activity/{pk}/submit/").status_code == 404


def test_api_approve_of_an_incomplete_meter_month_needs_a_comment(world):
    from carbonms.carbondata import services
    from tests.carbondata.factories import ElectricitySourceFactory

    src = ElectricitySourceFactory(enterprise=world.e1.enterprise)
    rec = services.activity_from_meter(actor=world.users["data_clerk"], source=src, year=2025, month=5, amount="100",
                                       unit="MWh", detail={"meters": [{"meter": "EM-01"}], "completeness": 0.7})
    services.activity_submit(actor=world.users["data_clerk"], records=[rec])
    reviewer = _api(world.users["reviewer"])
    r = reviewer.post(f"/api/v1/activity/{rec.pk}/approve/", {}, format="json")
    assert r.status_code == 400 and "comment" in r.json()
    r = reviewer.post(f"/api/v1/activity/{rec.pk}/approve/", {"comment": "meter outage, invoice agrees"}, format="json")
    assert r.status_code == 200 and r.json()["status"] == "approved"


def test_run_list_leaves_the_per_enterprise_maps_to_the_run_record(world):
    """A page of runs carries each run without its per-enterprise maps (1.26 MB a page at 1,000 enterprises);
    the run's record has them, and everything else in the list is the record's (issue 16)."""
    from decimal import Decimal

    from tests.carbondata.factories import ActivityRecordFactory

    ActivityRecordFactory(source=SourceFactory(enterprise=world.e1.enterprise, code="B01"), month=1, amount=Decimal("10"))
    ActivityRecordFactory(source=SourceFactory(enterprise=world.e2.enterprise, code="C01"), month=2, amount=Decimal("4"))
    officer = _api(world.users["park_carbon_officer"])
    run = officer.post("/api/v1/calculation-runs/", {"park": world.park_a.pk, "year": 2025}, format="json").json()
    record = officer.get(f"/api/v1/calculation-runs/{run['id']}/").json()
    assert len(record["totals"]["by_enterprise"]) == 2 and record["totals"]["drill"] and record["boundaries"]["enterprises"]
    assert record["coverage"]["missing"] and "by_enterprise" in record["coverage"]
    listed = next(x for x in officer.get("/api/v1/calculation-runs/").json()["results"] if x["id"] == run["id"])
    assert set(listed) == set(record)
    trimmed = {"totals": {"by_enterprise", "energy_tce_by_enterprise", "drill"},
               "coverage": {"by_enterprise", "missing", "enterprises_without_data"}, "boundaries": {"enterprises"}}
    for name, keys in trimmed.items():
        assert listed[name] == {k: v for k, v in record[name].items() if k not in keys}, name
    assert listed["totals"]["gross"] == record["totals"]["gross"] > 0
    assert listed["coverage"]["n_missing"] == record["coverage"]["n_missing"] > 0
    assert listed["boundaries"]["boundary_date"] == record["boundaries"]["boundary_date"]
    assert {k: v for k, v in listed.items() if k not in trimmed} == {k: v for k, v in record.items() if k not in trimmed}


def test_result_list_counts_from_the_runs_only_where_that_is_exact(world):
    """Park staff's ``count`` of results comes from the runs' stored counts, without counting the results
    (≈ 150 ms a page at 3 million results); it is the true count for them, for an enterprise's user (who
    sees its own rows of the park's runs) and under every other filter (issue 16)."""
    from decimal import Decimal

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from carbonms.inventory.models import RunResult
    from tests.carbondata.factories import ActivityRecordFactory

    for month in (1, 2, 3):
        ActivityRecordFactory(source=SourceFactory(enterprise=world.e1.enterprise, code=f"B0{month}"), month=month, amount=Decimal("10"))
    ActivityRecordFactory(source=SourceFactory(enterprise=world.e2.enterprise, code="C01"), month=2, amount=Decimal("4"))
    officer = _api(world.users["park_carbon_officer"])
    park_run = officer.post("/api/v1/calculation-runs/", {"park": world.park_a.pk, "year": 2025}, format="json").json()
    ent_run = officer.post("/api/v1/calculation-runs/", {"park": world.park_a.pk, "enterprise": world.e1.enterprise.pk,
                                                         "year": 2025}, format="json").json()
    assert (park_run["n_results"], ent_run["n_results"]) == (4, 3)
    table = RunResult._meta.db_table
    for query, expected in (({}, 7), ({"run": park_run["id"]}, 4), ({"run": ent_run["id"]}, 3), ({"month": 2}, 3),
                            ({"run": park_run["id"], "enterprise": world.e2.enterprise.pk}, 1)):
        with CaptureQueriesContext(connection) as ctx:
            body = officer.get("/api/v1/calculation-results/", {**query, "limit": 2}).json()
        assert body["count"] == expected == RunResult.objects.filter(
            **{("run_id" if k == "run" else f"{k}_id" if k == "enterprise" else k): v for k, v in query.items()}).count()
        assert len(body["results"]) == min(2, expected)
        counted = [q["sql"] for q in ctx.captured_queries if "COUNT(" in q["sql"].upper() and table in q["sql"]]
        assert bool(counted) == (set(query) - {"run"} != set()), counted
    manager = _api(world.users["enterprise_admin"])
    assert manager.get("/api/v1/calculation-results/").json()["count"] == 6  # E1's rows of both runs
    assert manager.get("/api/v1/calculation-results/", {"run": park_run["id"]}).json()["count"] == 3
    other = _api(world.users["park_carbon_officer"])
    assert other.get("/api/v1/calculation-results/", {"run": 10**9}).json() == {"count": 0, "next": None, "previous": None,
                                                                               "results": []}


def test_a_step_or_action_with_a_body_that_is_not_an_object_is_a_400_naming_it(world):
    """A JSON list (or number) as the body of a workflow step, a transition or a review action answers 400 with the
    reason in the user's language, not a server error (schemathesis found POST …/approve/ with [{}, {…}] → 500)."""
    import datetime as dt

    from carbonms.carbondata import services
    from carbonms.governance.models import AssessmentRound, AssessmentScheme
    from carbonms.monitoring.models import Anomaly
    from tests.monitoring.factories import MeterFactory

    src = SourceFactory(enterprise=world.e1.enterprise)
    rec = services.activity_save(actor=world.users["data_clerk"], source=src, year=2025, month=3, amount="10", unit="t")
    services.activity_submit(actor=world.users["data_clerk"], records=[rec])
    scheme = AssessmentScheme.objects.create(park=world.park_a, title="考核办法", version=1, status="in_force")
    rnd = AssessmentRound.objects.create(park=world.park_a, year=2025, scheme=scheme)
    anomaly = Anomaly.objects.create(meter=MeterFactory(enterprise=world.e1.enterprise), day=dt.date(2025, 3, 1), kind="gap")
    for user, url in ((world.users["reviewer"], f"/api/v1/activity/{rec.pk}/approve/"),
                      (world.users["park_admin"], f"/api/v1/governance/rounds/{rnd.pk}/transition/"),
                      (world.users["park_carbon_officer"], f"/api/v1/monitoring/anomalies/{anomaly.pk}/acknowledge/")):
        for payload in ([{}, {"comment": True}, {}], 7):
            r = _api(user).post(url, payload, format="json")
            assert r.status_code == 400, (url, r.status_code, r.content[:200])
            assert r.json() == {"non_field_errors": ["请求体须为由字段组成的 JSON 对象。"]}, url
    rec.refresh_from_db()
    anomaly.refresh_from_db()
    assert (rec.status, anomaly.status) == ("submitted", "open")
