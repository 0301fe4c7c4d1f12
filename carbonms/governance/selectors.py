"""Reads of the governance app, shared by pages, the API and other apps (the park cockpit)."""
from __future__ import annotations

from django.db.models import OuterRef, Subquery

from .models import AssessmentRound, AssessmentScheme, EnterpriseAssessment, ProjectApplication


def latest_grades(park) -> dict[int, dict]:
    """Grade, total, rank and year of each enterprise's latest *published* assessment, by enterprise id, in one query.

    For the park cockpit (helper ``zerocarbon``): ``{enterprise_id: {"grade": "good", "grade_label": "Good",
    "total": Decimal, "rank": int, "year": 2025, "assessment_id": int}}``. Unrestricted: the caller has already
    checked that the user may see the park.
    """
    from .models import Grade

    latest = (EnterpriseAssessment.objects.filter(enterprise_id=OuterRef("enterprise_id"),
                                                  round__status=AssessmentRound.Status.PUBLISHED)
              .order_by("-round__year").values("pk")[:1])
    rows = (EnterpriseAssessment.objects.filter(park=park, round__status=AssessmentRound.Status.PUBLISHED,
                                                pk=Subquery(latest))
            .values_list("pk", "enterprise_id", "grade", "total", "rank", "round__year"))
    labels = dict(Grade.choices)
    return {ent: {"grade": grade, "grade_label": str(labels.get(grade, "")), "total": total, "rank": rank, "year": year,
                  "assessment_id": pk}
            for pk, ent, grade, total, rank, year in rows}


def applications(user, park):
    return ProjectApplication.objects.restrict(user, "view").filter(park=park).select_related("enterprise")


def scheme_in_force(user, park):
    return AssessmentScheme.objects.restrict(user, "view").filter(park=park, status=AssessmentScheme.Status.IN_FORCE
                                                                  ).first()


def ranking(user, rnd: AssessmentRound):
    """The round's assessments the user may see, ranked."""
    return (EnterpriseAssessment.objects.restrict(user, "view").filter(round=rnd).select_related("enterprise")
            .order_by("rank", "enterprise__name"))
