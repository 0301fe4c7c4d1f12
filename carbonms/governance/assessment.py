"""The annual assessment of enterprises (年终考核, T/CSES 6.3.6 b), 7.2 c), 7.3 c) 1); T/CPQS 9.2.4 b); Annex A
《碳管理绩效考核管理办法》《目标和指标完成情况检查表》).

* The scheme is a controlled record (:class:`~carbonms.governance.models.AssessmentScheme`): :func:`scheme_default`
  writes the default of 100 points (target achievement 40, measures 60; grades ≥ 95 excellent, 80–94 good, 60–79
  pass, < 60 fail; a missed target caps the grade at pass); :func:`scheme_new_version` copies it with changes as a
  draft, :func:`scheme_put_in_force` replaces the version in force.
* A round per year (:func:`round_open`): one assessment per enterprise in the park that year, one score per
  criterion; criteria with a data source are computed (:func:`round_compute`, :mod:`.criteria`), the enterprise
  assesses itself (:func:`self_assess`), the park scores (:func:`park_score`), submits (:func:`round_submit`), the
  leading group approves and the results are published and notified (:func:`round_approve`).
* A published result changes only through an appeal (:func:`appeal_file`, :func:`appeal_decide`).
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from carbonms.common import tenancy
from carbonms.organizations.models import Enterprise

from . import criteria as computed_criteria
from .models import (
    AssessmentRound,
    AssessmentScheme,
    Committee,
    Criterion,
    EnterpriseAssessment,
    Grade,
    Score,
)
from .services import require_member

_D = "governance"
R = AssessmentRound.Status
S = AssessmentScheme.Status
C = Criterion.Source
GRADE_ORDER = [Grade.FAIL, Grade.PASS, Grade.GOOD, Grade.EXCELLENT]

# code, name (stored in the park's language of record: Chinese), group, points, source, rule
DEFAULT_CRITERIA = [
    ("A1", gettext_noop("Target achievement"), "target", 40, C.TARGET,
     gettext_noop("Full points when the statement in force is at or below the target for the year; otherwise the "
                  "points times target ÷ actual, and the grade is capped.")),
    ("B1", gettext_noop("Data timeliness"), "measures", 10, C.TIMELINESS,
     gettext_noop("Points × closed months of the year ÷ 12.")),
    ("B2", gettext_noop("Data quality"), "measures", 10, C.QUALITY,
     gettext_noop("Points × approved values without quality findings ÷ all values of the year.")),
    ("B3", gettext_noop("Management-system conformity"), "measures", 15, C.CONFORMITY,
     gettext_noop("Points × the conformity score of the enterprise's management system (T/CIECCPA 061).")),
    ("B4", gettext_noop("ETS compliance on time"), "measures", 10, C.ETS,
     gettext_noop("Full points for an enterprise not covered by the carbon market; a covered enterprise: full points "
                  "when the obligations due in the year were settled by the surrender deadline, half when settled after "
                  "it, none when unsettled past it; otherwise scored by the park.")),
    ("B5", gettext_noop("Training attendance"), "measures", 5, C.TRAINING,
     gettext_noop("Points × sessions of the year attended ÷ sessions held.")),
    ("B6", gettext_noop("Low-carbon measures carried out"), "measures", 10, C.MANUAL,
     gettext_noop("Scored by the park from the action plans and evidence.")),
]


def _dec(value, field: str) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        return Decimal(str(value)).quantize(Decimal("0.1"))
    except (InvalidOperation, ValueError):
        raise ValidationError({field: _("Enter a number.")})


# -- scheme ----------------------------------------------------------------------------------------------------------
def _check_scheme(scheme: AssessmentScheme, criteria) -> None:
    total = sum((Decimal(c["max_points"]) for c in criteria), Decimal("0"))
    if total != Decimal("100"):
        raise ValidationError({"criteria": _("The criteria add up to %(t)s points; they must add up to 100.")
                               % {"t": total}})
    if not (scheme.excellent_min > scheme.good_min > scheme.pass_min > 0):
        raise ValidationError({"good_min": _("The grade thresholds must fall: excellent above good above pass.")})
    codes = [c["code"] for c in criteria]
    if len(set(codes)) != len(codes):
        raise ValidationError({"criteria": _("Each criterion needs its own code.")})


def _write_criteria(scheme, criteria) -> None:
    for i, c in enumerate(criteria):
        row = Criterion(park=scheme.park, scheme=scheme, position=i, **c)
        row.full_clean()
        row.save()


@transaction.atomic
def scheme_default(*, actor, park, in_force_from: dt.date | None = None) -> AssessmentScheme:
    """The default scheme of 100 points, in force (version 1, or the next version)."""
    tenancy.require(actor, _D, "add", park_id=park.pk)
    version = (AssessmentScheme.objects.filter(park=park).order_by("-version").values_list("version", flat=True)
               .first() or 0) + 1
    scheme = AssessmentScheme(park=park, version=version, title=_("Carbon management performance assessment rules"),
                              rewards=_("Excellent: named in the park's annual notice and first in line for reward "
                                        "funds (T/CSES 7.1 b))."),
                              penalties=_("Fail: talk with the park, a corrective action plan within 30 days and "
                                          "lower priority for new capacity."),
                              in_force_from=in_force_from or timezone.localdate())
    criteria = [{"code": code, "name": _(name), "group": group, "max_points": Decimal(points), "source": source,
                 "rule": _(rule)} for code, name, group, points, source, rule in DEFAULT_CRITERIA]
    _check_scheme(scheme, criteria)
    scheme.full_clean()
    scheme.save()
    _write_criteria(scheme, criteria)
    _put_in_force(scheme)
    return scheme


def _put_in_force(scheme: AssessmentScheme) -> None:
    AssessmentScheme.objects.filter(park_id=scheme.park_id, status=S.IN_FORCE).exclude(pk=scheme.pk).update(
        status=S.SUPERSEDED)
    scheme.status = S.IN_FORCE
    scheme.save()


@transaction.atomic
def scheme_new_version(*, actor, scheme: AssessmentScheme, data: dict[str, Any],
                       criteria: list[dict] | None = None) -> AssessmentScheme:
    """A draft copy of ``scheme`` with the changes given (thresholds, cap, rewards, penalties, criteria)."""
    tenancy.require(actor, _D, "add", park_id=scheme.park_id)
    latest = AssessmentScheme.objects.filter(park_id=scheme.park_id).order_by("-version").first()
    new = AssessmentScheme(park_id=scheme.park_id, version=latest.version + 1, status=S.DRAFT)
    for f in SCHEME_FIELDS:
        setattr(new, f, data.get(f, getattr(scheme, f)))
    if criteria is None:
        criteria = [{"code": c.code, "name": c.name, "group": c.group, "max_points": c.max_points, "source": c.source,
                     "rule": c.rule} for c in scheme.criteria.all()]
    _check_scheme(new, criteria)
    new.full_clean()
    new.save()
    _write_criteria(new, criteria)
    return new


SCHEME_FIELDS = ("title", "excellent_min", "good_min", "pass_min", "missed_target_cap", "rewards", "penalties",
                 "in_force_from")


def scheme_change_refusal(scheme: AssessmentScheme) -> str | None:
    """Why ``scheme`` cannot be changed in place (None: it can). A version used by a round, published or in
    progress, keeps its criteria and rules: the results were or are being assessed under it."""
    used = scheme.rounds.order_by("-year").first()
    if used is not None and used.status == R.PUBLISHED:
        return _("%(scheme)s is used by the published assessment of %(y)s and cannot be changed: its results were "
                 "assessed under it. Make a new version instead; it applies to the next round.") % {
            "scheme": scheme, "y": used.year}
    if used is not None:
        return _("%(scheme)s is used by the assessment of %(y)s in progress and cannot be changed. Make a new "
                 "version instead; it applies to the next round.") % {"scheme": scheme, "y": used.year}
    if scheme.status != S.DRAFT:
        return _("%(scheme)s is %(status)s: only a draft version is changed. Make a new version instead.") % {
            "scheme": scheme, "status": scheme.get_status_display()}
    return None


@transaction.atomic
def scheme_update(*, actor, scheme: AssessmentScheme, data: dict[str, Any], criteria: list[dict]) -> AssessmentScheme:
    """Change a draft version in place (rules, grades, rewards and penalties, criteria and their points). Refused,
    naming the round, for a version used by a round (published or in progress) or no longer a draft."""
    tenancy.require(actor, _D, "change", park_id=scheme.park_id)
    scheme = AssessmentScheme.objects.select_for_update().get(pk=scheme.pk)
    refusal = scheme_change_refusal(scheme)
    if refusal:
        raise ValidationError({"scheme": refusal})
    for f in SCHEME_FIELDS:
        if f in data:
            setattr(scheme, f, data[f])
    _check_scheme(scheme, criteria)
    scheme.full_clean()
    scheme.save()
    scheme.criteria.all().delete()
    _write_criteria(scheme, criteria)
    return scheme


@transaction.atomic
def scheme_put_in_force(*, actor, scheme: AssessmentScheme) -> AssessmentScheme:
    """The leading group puts a draft version in force; the previous one is superseded (rounds keep theirs)."""
    tenancy.require(actor, _D, "change", park_id=scheme.park_id)
    if scheme.status != S.DRAFT:
        raise ValidationError({"status": _("Only a draft version is put in force.")})
    require_member(actor, scheme.park, Committee.Kind.LEADING_GROUP, "status")
    _put_in_force(scheme)
    return scheme


# -- grades ----------------------------------------------------------------------------------------------------------
def grade_of(total: Decimal, scheme: AssessmentScheme, target_missed: bool) -> str:
    """The grade of ``total`` under the scheme's thresholds; a missed target caps it at the scheme's cap."""
    if total >= scheme.excellent_min:
        grade = Grade.EXCELLENT
    elif total >= scheme.good_min:
        grade = Grade.GOOD
    elif total >= scheme.pass_min:
        grade = Grade.PASS
    else:
        grade = Grade.FAIL
    if target_missed and GRADE_ORDER.index(grade) > GRADE_ORDER.index(scheme.missed_target_cap):
        grade = Grade(scheme.missed_target_cap)
    return str(grade)


def _score_value(s: Score) -> Decimal | None:
    return s.park_score if s.park_score is not None else s.computed


def _refresh_totals(assessment: EnterpriseAssessment, scheme: AssessmentScheme) -> None:
    scores = list(assessment.scores.select_related("criterion"))
    values = [_score_value(s) for s in scores]
    assessment.total = sum((v for v in values if v is not None), Decimal("0")) if all(
        v is not None for v in values) else None
    selfs = [s.self_score for s in scores]
    assessment.self_total = sum(selfs, Decimal("0")) if selfs and all(v is not None for v in selfs) else None
    target = [s for s in scores if s.criterion.source == C.TARGET]
    assessment.target_missed = any(_score_value(s) is not None and _score_value(s) < s.criterion.max_points
                                   for s in target)
    assessment.grade = grade_of(assessment.total, scheme, assessment.target_missed) if assessment.total is not None \
        else ""
    assessment.save()


def _rank(rnd: AssessmentRound) -> None:
    rows = sorted(rnd.assessments.all(), key=lambda a: (-(a.total or Decimal("-1")), a.enterprise_id))
    for i, a in enumerate(rows, start=1):
        if a.rank != i:
            a.rank = i
            a.save(update_fields=["rank", "updated_at"])


# -- rounds ----------------------------------------------------------------------------------------------------------
def round_members(park, year: int):
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    return (Enterprise.objects.filter(park=park, kind=Enterprise.Kind.ENTERPRISE)
            .filter(Q(entered_on__isnull=True) | Q(entered_on__lte=end))
            .filter(Q(exited_on__isnull=True) | Q(exited_on__gte=start)).order_by("name"))


@transaction.atomic
def round_open(*, actor, park, year: int, self_assessment_due: dt.date | None = None) -> AssessmentRound:
    """Open the round of ``year`` under the scheme in force, with the criteria computed from data."""
    tenancy.require(actor, _D, "add", park_id=park.pk)
    scheme = AssessmentScheme.objects.filter(park=park, status=S.IN_FORCE).first()
    if scheme is None:
        raise ValidationError({"scheme": _("The park has no assessment scheme in force.")})
    if AssessmentRound.objects.filter(park=park, year=year).exists():
        raise ValidationError({"year": _("The assessment of %(y)s is already open.") % {"y": year}})
    rnd = AssessmentRound(park=park, year=year, scheme=scheme, self_assessment_due=self_assessment_due)
    rnd.full_clean()
    rnd.save()
    criteria = list(scheme.criteria.all())
    for ent in round_members(park, year):
        a = EnterpriseAssessment.objects.create(round=rnd, park=park, enterprise=ent)
        for c in criteria:
            Score.objects.create(assessment=a, criterion=c)
    _compute(rnd)
    return rnd


def _compute(rnd: AssessmentRound) -> None:
    assessments = list(rnd.assessments.select_related("enterprise"))
    results = computed_criteria.compute(rnd.park, rnd.year, [a.enterprise for a in assessments])
    for a in assessments:
        for s in a.scores.select_related("criterion"):
            got = results.get((a.enterprise_id, s.criterion.source))
            if got is None:
                continue
            fraction, evidence = got
            s.computed = (s.criterion.max_points * Decimal(str(fraction))).quantize(Decimal("0.1"))
            s.evidence = evidence[:300]
            s.save()
        _refresh_totals(a, rnd.scheme)


@transaction.atomic
def round_compute(*, actor, round: AssessmentRound) -> AssessmentRound:
    """Compute the data criteria again (before publication)."""
    tenancy.require(actor, _D, "change", park_id=round.park_id)
    _not_published(round, "status")
    _compute(round)
    return round


def _not_published(rnd: AssessmentRound, field: str) -> None:
    if rnd.status == R.PUBLISHED:
        raise ValidationError({field: _("The assessment of %(y)s is published: its results change only through an "
                                        "appeal.") % {"y": rnd.year}})


def _scores_in_range(assessment: EnterpriseAssessment, values: dict, attr: str) -> list[tuple[Score, Decimal | None]]:
    by_id = {str(s.criterion_id): s for s in assessment.scores.select_related("criterion")}
    out = []
    for key, raw in values.items():
        s = by_id.get(str(key))
        if s is None:
            raise ValidationError({"scores": _("Criterion %(c)s is not part of this assessment.") % {"c": key}})
        v = _dec(raw, "scores")
        if v is not None and not (Decimal("0") <= v <= s.criterion.max_points):
            raise ValidationError({f"score_{s.criterion_id}": _(
                "%(code)s %(name)s: %(v)s is outside 0–%(max)s points.") % {
                "code": s.criterion.code, "name": s.criterion.name, "v": v, "max": s.criterion.max_points}})
        out.append((s, v))
    return out


@transaction.atomic
def self_assess(*, actor, assessment: EnterpriseAssessment, scores: dict) -> EnterpriseAssessment:
    """The enterprise's self-assessment (its management-system writers), while the round is open."""
    tenancy.require(actor, "management", "change", park_id=assessment.park_id, enterprise_id=assessment.enterprise_id)
    if assessment.round.status != R.OPEN:
        raise ValidationError({"scores": _("Self-assessment is closed for the assessment of %(y)s.")
                               % {"y": assessment.round.year}})
    for s, v in _scores_in_range(assessment, scores, "self_score"):
        s.self_score = v
        s.save()
    assessment.self_submitted_at = timezone.now()
    _refresh_totals(assessment, assessment.round.scheme)
    return assessment


@transaction.atomic
def park_score(*, actor, assessment: EnterpriseAssessment, scores: dict, notes: dict | None = None
               ) -> EnterpriseAssessment:
    """The park's scores (0 … the criterion's points) before publication."""
    tenancy.require(actor, _D, "change", park_id=assessment.park_id)
    rnd = assessment.round
    _not_published(rnd, "scores")
    if rnd.status == R.SUBMITTED:
        raise ValidationError({"scores": _("The assessment is with the leading group: scores are frozen.")})
    notes = notes or {}
    for s, v in _scores_in_range(assessment, scores, "park_score"):
        s.park_score = v
        if str(s.criterion_id) in notes:
            s.note = (notes[str(s.criterion_id)] or "")[:300]
        s.save()
    if rnd.status == R.OPEN:
        rnd.status = R.SCORING
        rnd.save()
    _refresh_totals(assessment, rnd.scheme)
    return assessment


@transaction.atomic
def round_submit(*, actor, round: AssessmentRound) -> AssessmentRound:
    """Submit the scored round to the leading group: every enterprise needs a total."""
    tenancy.require(actor, _D, "change", park_id=round.park_id)
    if round.status not in (R.OPEN, R.SCORING):
        raise ValidationError({"status": _("Only an open round is submitted.")})
    missing = [str(a.enterprise) for a in round.assessments.select_related("enterprise") if a.total is None]
    if missing:
        raise ValidationError({"status": _("Score every criterion first; missing for: %(e)s.")
                               % {"e": ", ".join(missing[:5])}})
    _rank(round)
    round.status, round.submitted_by = R.SUBMITTED, actor
    round.save()
    return round


@transaction.atomic
def round_approve(*, actor, round: AssessmentRound, approved_on: dt.date | None = None) -> AssessmentRound:
    """The leading group approves: the ranking is published and every enterprise is notified."""
    tenancy.require(actor, _D, "approve", park_id=round.park_id)
    if round.status != R.SUBMITTED:
        raise ValidationError({"status": _("Only a submitted round is approved.")})
    require_member(actor, round.park, Committee.Kind.LEADING_GROUP, "status")
    _rank(round)
    round.status, round.approved_by = R.PUBLISHED, actor
    round.approved_on = approved_on or timezone.localdate()
    round.published_at = timezone.now()
    round.save()
    transaction.on_commit(lambda: _notify(round.pk))
    return round


def _notify(round_pk: int) -> None:
    from carbonms.conformity.notifications import notify

    rnd = AssessmentRound.objects.get(pk=round_pk)
    for a in rnd.assessments.select_related("enterprise"):
        url = reverse("governance:assessment", args=[a.pk])
        for user in tenancy.scope_users(tenancy.Scope(rnd.park_id, a.enterprise_id)):
            if tenancy.is_park_member(user, rnd.park_id):
                continue
            notify(user, ref=f"assessment:{a.pk}", code="assessment_published",
                   params={"year": rnd.year, "grade": a.grade, "total": str(a.total), "rank": a.rank},
                   url=url, park_id=rnd.park_id, enterprise_id=a.enterprise_id)


# -- appeals ---------------------------------------------------------------------------------------------------------
@transaction.atomic
def appeal_file(*, actor, assessment: EnterpriseAssessment, reason: str) -> EnterpriseAssessment:
    """The enterprise appeals its published result (once)."""
    tenancy.require(actor, "management", "change", park_id=assessment.park_id, enterprise_id=assessment.enterprise_id)
    if assessment.round.status != R.PUBLISHED:
        raise ValidationError({"appeal_reason": _("Only a published result is appealed.")})
    if assessment.appeal:
        raise ValidationError({"appeal_reason": _("This result has already been appealed.")})
    if not (reason or "").strip():
        raise ValidationError({"appeal_reason": _("State the reason of the appeal.")})
    assessment.appeal, assessment.appeal_reason = EnterpriseAssessment.Appeal.OPEN, reason.strip()
    assessment.save()
    return assessment


@transaction.atomic
def appeal_decide(*, actor, assessment: EnterpriseAssessment, upheld: bool, outcome: str,
                  scores: dict | None = None) -> EnterpriseAssessment:
    """The leading group decides an open appeal; an upheld appeal is the one way to change published scores."""
    tenancy.require(actor, _D, "change", park_id=assessment.park_id)
    if assessment.appeal != EnterpriseAssessment.Appeal.OPEN:
        raise ValidationError({"appeal_outcome": _("There is no open appeal on this result.")})
    require_member(actor, assessment.round.park, Committee.Kind.LEADING_GROUP, "appeal_outcome")
    if not (outcome or "").strip():
        raise ValidationError({"appeal_outcome": _("State the outcome of the appeal.")})
    if upheld and scores:
        for s, v in _scores_in_range(assessment, scores, "park_score"):
            s.park_score = v
            s.save()
    elif scores and not upheld:
        raise ValidationError({"scores": _("Scores change only when the appeal is upheld.")})
    assessment.appeal = EnterpriseAssessment.Appeal.UPHELD if upheld else EnterpriseAssessment.Appeal.REJECTED
    assessment.appeal_outcome = outcome.strip()
    _refresh_totals(assessment, assessment.round.scheme)
    _rank(assessment.round)
    return assessment
