"""The annual assessment of enterprises (年终考核, T/CSES 6.3.6 b)): scheme, computed criteria, self-assessment, park
scoring, approval by the leading group, publication, appeal, ranking and the cockpit's grade selector."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from carbonms.conformity.models import Task
from carbonms.governance import assessment, selectors, services
from carbonms.governance.models import AssessmentScheme, Committee, EnterpriseAssessment, Score


@pytest.fixture
def officer(world):
    return world.users["park_carbon_officer"]


@pytest.fixture
def leading_group(world, officer):
    c = Committee.objects.create(park=world.park_a, kind=Committee.Kind.LEADING_GROUP, name="碳管理领导小组")
    c.members.set([officer])
    return c


@pytest.fixture
def scheme(world, officer):
    return assessment.scheme_default(actor=officer, park=world.park_a, in_force_from=dt.date(2025, 1, 1))


def _score_all(officer, rnd, value_of=lambda s: s.criterion.max_points):
    for a in rnd.assessments.all():
        assessment.park_score(actor=officer, assessment=a,
                              scores={str(s.criterion_id): value_of(s) for s in a.scores.select_related("criterion")})


def test_default_scheme_is_100_points_with_the_grades(scheme):
    crits = list(scheme.criteria.all())
    assert sum(c.max_points for c in crits) == 100
    assert sum(c.max_points for c in crits if c.group == "target") == 40
    assert (scheme.excellent_min, scheme.good_min, scheme.pass_min) == (95, 80, 60)
    assert scheme.status == "in_force" and scheme.missed_target_cap == "pass"


def test_grades_and_the_missed_target_cap(scheme):
    assert assessment.grade_of(Decimal("95"), scheme, False) == "excellent"
    assert assessment.grade_of(Decimal("94.9"), scheme, False) == "good"
    assert assessment.grade_of(Decimal("80"), scheme, False) == "good"
    assert assessment.grade_of(Decimal("79.9"), scheme, False) == "pass"
    assert assessment.grade_of(Decimal("59.9"), scheme, False) == "fail"
    assert assessment.grade_of(Decimal("98"), scheme, True) == "pass"
    assert assessment.grade_of(Decimal("50"), scheme, True) == "fail"


def test_a_new_version_must_add_up_to_100(world, officer, scheme, leading_group):
    crits = [{"code": c.code, "name": c.name, "group": c.group, "max_points": c.max_points, "source": c.source,
              "rule": c.rule} for c in scheme.criteria.all()]
    crits[0]["max_points"] = Decimal("30")
    with pytest.raises(ValidationError) as exc:
        assessment.scheme_new_version(actor=officer, scheme=scheme, data={}, criteria=crits)
    assert "criteria" in exc.value.message_dict
    assert AssessmentScheme.objects.count() == 1
    crits[1]["max_points"] += Decimal("10")
    new = assessment.scheme_new_version(actor=officer, scheme=scheme, data={"good_min": Decimal("85")}, criteria=crits)
    assert new.version == 2 and new.status == "draft"
    assessment.scheme_put_in_force(actor=officer, scheme=new)
    scheme.refresh_from_db()
    assert scheme.status == "superseded" and AssessmentScheme.objects.get(pk=new.pk).status == "in_force"


def test_round_computes_data_criteria_and_runs_to_a_published_ranking(world, officer, scheme, leading_group):
    rnd = assessment.round_open(actor=officer, park=world.park_a, year=2025)
    ents = {a.enterprise_id for a in rnd.assessments.all()}
    assert ents == {world.e1.enterprise.pk, world.e2.enterprise.pk}  # park B's enterprise is not in park A's round
    a1 = rnd.assessments.get(enterprise=world.e1.enterprise)
    computed = {s.criterion.source: s for s in a1.scores.select_related("criterion")}
    # no statement, no closed month: target achievement and timeliness computed as 0 with evidence
    assert computed["target_achievement"].computed == 0 and computed["target_achievement"].evidence
    assert computed["data_timeliness"].computed == 0
    assert computed["ets_compliance"].computed == 10  # not covered by the carbon market
    assert computed["manual"].computed is None
    # the enterprise assesses itself
    assessment.self_assess(actor=world.users["enterprise_admin"], assessment=a1,
                           scores={str(s.criterion_id): s.criterion.max_points for s in a1.scores.all()})
    a1.refresh_from_db()
    assert a1.self_total == 100 and a1.self_submitted_at
    # park scores: E1 full points, E2 loses 30 in measures
    _score_all(officer, rnd, lambda s: s.criterion.max_points if s.assessment.enterprise_id == world.e1.enterprise.pk
               or s.criterion.group == "target" else Decimal("0") if s.criterion.code in ("B3", "B1", "B6")
               else s.criterion.max_points)
    rnd = assessment.round_submit(actor=officer, round=rnd)
    rnd = assessment.round_approve(actor=officer, round=rnd, approved_on=dt.date(2026, 1, 20))
    assert rnd.status == "published"
    ranking = list(EnterpriseAssessment.objects.filter(round=rnd).order_by("rank"))
    assert [(a.enterprise_id, a.total, a.grade) for a in ranking] == [
        (world.e1.enterprise.pk, Decimal("100.0"), "excellent"), (world.e2.enterprise.pk, Decimal("65.0"), "pass")]


def test_publication_notifies_the_enterprises(world, officer, scheme, leading_group, django_capture_on_commit_callbacks):
    rnd = assessment.round_open(actor=officer, park=world.park_a, year=2025)
    _score_all(officer, rnd)
    assessment.round_submit(actor=officer, round=rnd)
    with django_capture_on_commit_callbacks(execute=True):
        assessment.round_approve(actor=officer, round=rnd)
    notices = Task.objects.filter(title_code="assessment_published")
    assert notices.filter(user=world.users["enterprise_admin"]).exists()
    assert not notices.filter(user=officer).exists()


def test_scores_outside_the_criterion_range_are_refused(world, officer, scheme):
    rnd = assessment.round_open(actor=officer, park=world.park_a, year=2025)
    a = rnd.assessments.first()
    target = a.scores.get(criterion__code="A1")
    with pytest.raises(ValidationError) as exc:
        assessment.park_score(actor=officer, assessment=a, scores={str(target.criterion_id): "41",
                                                                    str(a.scores.last().criterion_id): "5"})
    assert "0–40" in str(exc.value)
    assert not Score.objects.filter(park_score__isnull=False).exists()  # nothing half-written
    with pytest.raises(ValidationError):
        assessment.park_score(actor=officer, assessment=a, scores={str(target.criterion_id): "-1"})


def test_a_published_assessment_changes_only_through_an_appeal(world, officer, scheme, leading_group):
    rnd = assessment.round_open(actor=officer, park=world.park_a, year=2025)
    _score_all(officer, rnd, lambda s: s.criterion.max_points - (5 if s.criterion.code == "B6" else 0))
    assessment.round_submit(actor=officer, round=rnd)
    assessment.round_approve(actor=officer, round=rnd)
    a = rnd.assessments.get(enterprise=world.e1.enterprise)
    b6 = a.scores.get(criterion__code="B6")
    with pytest.raises(ValidationError) as exc:
        assessment.park_score(actor=officer, assessment=a, scores={str(b6.criterion_id): "10"})
    assert "appeal" in str(exc.value).lower() or "申诉" in str(exc.value)
    with pytest.raises(ValidationError):  # nobody decides an appeal that was not filed
        assessment.appeal_decide(actor=officer, assessment=a, upheld=True, outcome="x", scores={})
    with pytest.raises(PermissionDenied):  # another enterprise may not appeal E1's result
        assessment.appeal_file(actor=world.users["enterprise_admin"], assessment=rnd.assessments.get(
            enterprise=world.e2.enterprise), reason="x")
    assessment.appeal_file(actor=world.users["enterprise_admin"], assessment=a, reason="措施证据已补充")
    a = assessment.appeal_decide(actor=officer, assessment=a, upheld=True, outcome="证据成立",
                                 scores={str(b6.criterion_id): "10"})
    assert a.total == 100 and a.grade == "excellent" and a.appeal == "upheld"


def test_approval_by_someone_outside_the_leading_group_is_refused(world, officer, scheme, leading_group):
    rnd = assessment.round_open(actor=officer, park=world.park_a, year=2025)
    _score_all(officer, rnd)
    assessment.round_submit(actor=officer, round=rnd)
    with pytest.raises(ValidationError):
        assessment.round_approve(actor=world.users["park_admin"], round=rnd)
    with pytest.raises(PermissionDenied):
        assessment.round_approve(actor=world.users["enterprise_admin"], round=rnd)
    rnd.refresh_from_db()
    assert rnd.status == "submitted"


def test_self_assessment_of_another_enterprise_is_refused(world, officer, scheme):
    rnd = assessment.round_open(actor=officer, park=world.park_a, year=2025)
    other = rnd.assessments.get(enterprise=world.e2.enterprise)
    with pytest.raises(PermissionDenied):
        assessment.self_assess(actor=world.users["enterprise_admin"], assessment=other, scores={})


def test_training_attendance_is_a_computed_criterion(world, officer, scheme):
    s1 = services.training_save(actor=officer, park=world.park_a, data={"title": "碳核算培训",
                                                                         "held_on": dt.date(2025, 5, 1)})
    services.training_save(actor=officer, park=world.park_a, data={"title": "碳市场培训", "held_on": dt.date(2025, 9, 1)})
    services.attendance_record(actor=officer, session=s1, enterprise=world.e1.enterprise, attendees=3)
    rnd = assessment.round_open(actor=officer, park=world.park_a, year=2025)
    got = {a.enterprise_id: a.scores.get(criterion__source="training").computed for a in rnd.assessments.all()}
    assert got == {world.e1.enterprise.pk: Decimal("2.5"), world.e2.enterprise.pk: Decimal("0.0")}


def test_latest_grades_is_one_query(world, officer, scheme, leading_group):
    rnd = assessment.round_open(actor=officer, park=world.park_a, year=2025)
    _score_all(officer, rnd)
    assessment.round_submit(actor=officer, round=rnd)
    assert selectors.latest_grades(world.park_a) == {}  # nothing published yet
    assessment.round_approve(actor=officer, round=rnd)
    with CaptureQueriesContext(connection) as ctx:
        grades = selectors.latest_grades(world.park_a)
    assert len(ctx.captured_queries) == 1
    assert grades[world.e1.enterprise.pk]["grade"] == "excellent" and grades[world.e1.enterprise.pk]["year"] == 2025


def _record(world, org, year, *, deadline, status="open", settled_on=None, obligation="10000", surrendered="0"):
    from carbonms.compliance.models import ComplianceRecord
    from carbonms.inventory.models import CalculationRun, InventoryStatement

    ent = org.enterprise
    run = CalculationRun.objects.create(park=ent.park, enterprise=ent, year=year, fuel_set="CN-industry-other-2015",
                                        run_by=world.users["park_carbon_officer"], totals={"gross": 12000.0})
    st = InventoryStatement.objects.create(park=ent.park, enterprise=ent, year=year, run=run, gwp_set="AR5", status="verified",
                                           basis="management", drafted_by=world.users["park_carbon_officer"],
                                           totals={"gross": 12000.0, "direct": 10000.0})
    return ComplianceRecord.objects.create(park=ent.park, enterprise=ent, year=year, statement=st, deadline=deadline,
                                           status=status, settled_on=settled_on, obligation_t=Decimal(obligation),
                                           surrendered_t=Decimal(surrendered))


def test_ets_compliance_is_computed_from_the_obligations_due_in_the_year(world, officer, scheme, leading_group):
    """T/CSES 6.3.6 b): a covered enterprise's "ETS compliance on time" comes from its 履约记录 whose surrender
    deadline fell in the assessed year; the worst one counts; none due leaves the criterion to the park."""
    e1, e2 = world.e1.enterprise, world.e2.enterprise
    type(e1).objects.filter(pk__in=[e1.pk, e2.pk]).update(carbon_market_covered=True)
    # E1: 2024 settled by its deadline in 2025, 2023 settled after its deadline (also in 2025): half points
    _record(world, world.e1, 2024, deadline=dt.date(2025, 12, 31), status="settled", settled_on=dt.date(2025, 12, 20),
            surrendered="10000")
    _record(world, world.e1, 2023, deadline=dt.date(2025, 3, 31), status="settled", settled_on=dt.date(2025, 5, 6),
            surrendered="10000")
    # E2: 2024 due 2025-12-31, a third surrendered; 2025 due in 2026 is not part of the 2025 round
    _record(world, world.e2, 2024, deadline=dt.date(2025, 12, 31), surrendered="3000")
    _record(world, world.e2, 2025, deadline=dt.date(2026, 12, 31), status="settled", settled_on=dt.date(2026, 6, 1),
            surrendered="10000")
    rnd = assessment.round_open(actor=officer, park=world.park_a, year=2025)
    ets = {a.enterprise_id: a.scores.get(criterion__source="ets_compliance") for a in rnd.assessments.all()}
    assert ets[e1.pk].computed == Decimal("5.0")
    assert "2023" in ets[e1.pk].evidence and "2025-03-31" in ets[e1.pk].evidence
    assert ets[e2.pk].computed == Decimal("0.0")
    assert "3,000" in ets[e2.pk].evidence and "10,000" in ets[e2.pk].evidence
    # the 2026 round: E2's 2025 obligation was settled on time; E1 has nothing due in 2026, left to the park
    rnd26 = assessment.round_open(actor=officer, park=world.park_a, year=2026)
    ets26 = {a.enterprise_id: a.scores.get(criterion__source="ets_compliance") for a in rnd26.assessments.all()}
    assert ets26[e2.pk].computed == Decimal("10.0")
    assert ets26[e1.pk].computed is None


def test_ets_compliance_before_the_deadline_is_left_to_the_park(world):
    from carbonms.governance.criteria import _ets

    e1 = world.e1.enterprise
    _record(world, world.e1, 2025, deadline=dt.date(2026, 12, 31), surrendered="2500")
    assert _ets(2026, [e1], today=dt.date(2026, 6, 1)) == {}
    fraction, evidence = _ets(2026, [e1], today=dt.date(2027, 1, 4))[(e1.pk, "ets_compliance")]
    assert fraction == 0.0 and "2,500" in evidence
