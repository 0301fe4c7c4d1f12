"""Documents of park governance, made with the report machinery (DOCX and PDF; ``carbonms.reports``):

* ``assessment_checklist`` — the assessment checklist (考核检查表) of one enterprise in an annual assessment round
  (T/CSES 6.3.6 b); Annex A 《碳管理绩效考核管理办法》《目标和指标完成情况检查表》): each criterion with its points
  (weight), scoring rule, the score computed from data with its evidence, the self-assessment, the park's score
  and the score that counts; the total, grade (with the missed-target cap), rank and appeal. A round not yet
  published is marked as a draft on every page.
* ``screening`` — the admission screening report of a project application (T/CSES 6.3.5): the application, the
  planned activity data with the energy and emissions the accounting core computed, the screening checklist (两高
  scope, intensity against the sector benchmark, the park target's headroom and reserve, renewable commitment)
  with the recommendation, and the committee's decision. An application not screened yet has no report.
"""
from __future__ import annotations

from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _

from carbonms.carbondata.models.register import Category, Method
from carbonms.reports.document import Facts, MissingData, Paragraph, Report, Table, fmt_number

from . import screening
from .models import AssessmentRound, EnterpriseAssessment, ProjectApplication, Score


def _label(choices, code: str) -> str:
    try:
        return str(choices(code).label)
    except ValueError:
        return code or "—"


def _pts(value) -> str:
    return fmt_number(value, 1) if value is not None else "—"


# -- the assessment checklist ------------------------------------------------------------------------------------------
def resolve_assessment(park, enterprise, year: int) -> EnterpriseAssessment:
    if enterprise is None:
        raise MissingData("enterprise", _("the assessment checklist is made per enterprise: give --enterprise"))
    a = (EnterpriseAssessment.objects.filter(enterprise=enterprise, round__year=year)
         .select_related("round", "round__scheme", "enterprise", "park").first())
    if a is None:
        raise MissingData("assessment", _("%(who)s has no assessment for %(year)d") % {"who": enterprise.name,
                                                                                        "year": year})
    return a


def build_assessment(a: EnterpriseAssessment) -> Report:
    rnd, scheme, ent = a.round, a.round.scheme, a.enterprise
    published = rnd.status == AssessmentRound.Status.PUBLISHED
    report = Report(
        title=_("Carbon management assessment checklist"),
        subtitle=_("%(enterprise)s · assessment %(year)d") % {"enterprise": ent.name, "year": rnd.year},
        issuer=a.park.name,
        date=timezone.localdate().isoformat(),
        footer=_("Assessment #%(pk)d") % {"pk": a.pk},
        draft_mark="" if published else _("Draft: the assessment is not published (%(status)s)")
        % {"status": rnd.get_status_display()},
    )
    s = report.section(_("1. Enterprise and assessment"))
    s.add(Facts([
        (_("Enterprise"), ent.name),
        (_("Unified social credit code"), ent.credit_code),
        (_("Park"), a.park.name),
        (_("Assessment year"), str(rnd.year)),
        (_("Assessment rules"), str(scheme)),
        (_("Status"), rnd.get_status_display()),
        (_("Approved by the leading group on"), str(rnd.approved_on) if rnd.approved_on else "—"),
    ]))
    scores = list(Score.objects.filter(assessment=a).select_related("criterion").order_by("criterion__position"))
    if not scores:
        raise MissingData("scores", _("the assessment holds no criteria"))
    s = report.section(_("2. Criteria and scores"))
    rows, total_points = [], Decimal("0")
    for sc in scores:
        c = sc.criterion
        total_points += c.max_points
        counted = sc.park_score if sc.park_score is not None else sc.computed
        rows.append([c.code, c.name, c.get_group_display(), _pts(c.max_points), c.get_source_display(),
                     _pts(sc.computed), sc.evidence or "—", _pts(sc.self_score), _pts(sc.park_score), _pts(counted)])
    rows.append(["", _("Total"), "", _pts(total_points), "", "", "", _pts(a.self_total), "", _pts(a.total)])
    s.add(Table([_("Code"), _("Criterion"), _("Group"), _("Points"), _("Score from"), _("Computed"), _("Evidence"),
                 _("Self-assessment"), _("Park score"), _("Score")], rows, numeric=(3, 5, 7, 8, 9),
                widths=(0.6, 1.5, 0.9, 0.6, 1.3, 0.7, 2.2, 0.8, 0.7, 0.7), total_row=True))
    notes = [(sc.criterion.code, sc.note) for sc in scores if sc.note]
    if notes:
        s.add(Table([_("Code"), _("Park's note")], [[c, n] for c, n in notes], widths=(1, 6),
                    caption=_("Notes of the park's scoring")))
    s = report.section(_("3. Scoring rules"))
    s.add(Table([_("Code"), _("Criterion"), _("Scoring rule")],
                [[sc.criterion.code, sc.criterion.name, sc.criterion.rule or "—"] for sc in scores],
                widths=(0.7, 1.6, 5)))
    s = report.section(_("4. Result"))
    s.add(Facts([
        (_("Total"), _("%(total)s of %(points)s points") % {"total": _pts(a.total), "points": _pts(total_points)}),
        (_("Grade"), a.get_grade_display() or "—"),
        (_("Target"), _("missed: the grade is capped at %(cap)s") % {"cap": scheme.get_missed_target_cap_display()}
         if a.target_missed else _("met")),
        (_("Rank"), str(a.rank) if a.rank else "—"),
        (_("Grades"), _("excellent ≥ %(e)s, good ≥ %(g)s, pass ≥ %(p)s, fail below") % {
            "e": _pts(scheme.excellent_min), "g": _pts(scheme.good_min), "p": _pts(scheme.pass_min)}),
        (_("Rewards"), scheme.rewards or "—"),
        (_("Penalties"), scheme.penalties or "—"),
    ]))
    if a.appeal:
        s.add(Facts([(_("Appeal"), a.get_appeal_display()), (_("Reason"), a.appeal_reason or "—"),
                     (_("Outcome"), a.appeal_outcome or "—")]))
    s.add(Facts([(_("Assessed by (the park)"), str(rnd.submitted_by or "")),
                 (_("Approved by (the leading group)"), str(rnd.approved_by or "")),
                 (_("Confirmed by (the enterprise)"), "")]))
    return report


# -- the screening report ------------------------------------------------------------------------------------------
def resolve_application(park, enterprise, year: int) -> ProjectApplication:
    raise MissingData("application", _("a screening report is made from its application: download it from the "
                                       "application's page"))


def build_screening(app: ProjectApplication) -> Report:
    result = app.screening or {}
    if not result.get("checks"):
        raise MissingData("application.screening", _("the application is not screened yet"))
    report = Report(
        title=_("Project admission screening report"),
        subtitle=f"{app.number} · {app.project}",
        issuer=app.park.name,
        date=timezone.localdate().isoformat(),
        footer=_("Application %(number)s") % {"number": app.number},
        draft_mark="" if app.decision else _("Draft: the committee has not decided"),
    )
    s = report.section(_("1. The application"))
    s.add(Facts([
        (_("Applicant"), f"{app.applicant} ({app.credit_code})"),
        (_("Project"), app.project),
        (_("Industry code (GB/T 4754)"), app.industry_code),
        (_("Products"), app.products),
        (_("Capacity"), f"{fmt_number(app.capacity, 3)} {app.capacity_unit}"),
        (_("Planned annual output"), fmt_number(app.planned_output, 3) if app.planned_output is not None else "—"),
        (_("First full year of operation"), str(app.operation_year)),
        (_("Renewable electricity commitment"), f"{fmt_number(app.renewable_share_pct, 1)} %"),
        (_("Evaluation documents"), "、".join(n for n, f in ((_("Energy-saving report"), app.energy_report),
                                                            (_("Carbon evaluation"), app.carbon_report)) if f) or "—"),
    ]))
    s = report.section(_("2. Planned energy and emissions"))
    s.add(Table([_("Source"), _("Category"), _("Method"), _("Material"), _("Amount"), _("Unit")],
                [[r.get("source", ""), _label(Category, r.get("category", "")), _label(Method, r.get("method", "")),
                  r.get("material", ""),
                  fmt_number(r.get("amount"), 3), r.get("unit", "")] for r in app.planned_activity or []],
                numeric=(4,), widths=(1.4, 1.5, 1.4, 1, 1, 1), caption=_("Planned activity data")))
    calc = app.calculation or {}
    s.add(Facts([
        (_("Planned energy"), f"{fmt_number(app.planned_energy_tce)} tce"),
        (_("Planned emissions"), f"{fmt_number(app.planned_emissions_t)} tCO₂e"),
        (_("Computed with"), _("the accounting core, GWP %(gwp)s, %(rows)s rows") % {
            "gwp": calc.get("gwp_set", "—"), "rows": calc.get("rows", len(app.planned_activity or []))}),
    ]))
    s = report.section(_("3. Screening checklist"))
    s.add(Table([_("Check"), _("Result"), _("Finding")],
                [[screening.check_label(c["key"]), screening.result_label(c["result"]), screening.describe(c)]
                 for c in result["checks"]], widths=(1.6, 0.8, 5)))
    rec = dict(ProjectApplication.Decision.choices).get(result.get("recommendation"), "—")
    s.add(Paragraph(_("Recommendation of the screening: %(rec)s (screened on %(date)s).") % {
        "rec": rec, "date": f"{app.screened_at:%Y-%m-%d}" if app.screened_at else "—"}, "emphasis"))
    s = report.section(_("4. The committee's decision"))
    if not app.decision:
        s.add(_("The admission committee has not decided yet."))
    else:
        items = [
            (_("Decision"), app.get_decision_display()),
            (_("Decided on"), str(app.decided_on or "—")),
            (_("Vote (for / against / abstain)"), f"{app.votes_for} / {app.votes_against} / {app.votes_abstain}"),
            (_("Conditions"), app.conditions or "—"),
            (_("Recorded by"), str(app.decided_by or "—")),
        ]
        if app.enterprise_id:
            items += [(_("Enterprise created"), app.enterprise.name),
                      (_("Entry date"), str(app.entry_date or "—")),
                      (_("Provisional allocation"), f"{fmt_number(app.provisional_allocation_t)} tCO₂e"
                       if app.provisional_allocation_t is not None else "—")]
        s.add(Facts(items))
    return report


def register() -> None:
    from django.utils.translation import gettext_lazy

    from carbonms.reports.registry import ReportKind
    from carbonms.reports.registry import register as add

    add(ReportKind(key="assessment_checklist", label=gettext_lazy("Assessment checklist"), model=EnterpriseAssessment,
                   resolve=resolve_assessment, build=build_assessment,
                   identifier=lambda a: f"RPT-ASM-{a.round.year}",
                   filename=lambda a: f"assessment-checklist-{a.enterprise.credit_code}-{a.round.year}"))
    add(ReportKind(key="screening", label=gettext_lazy("Admission screening report"), model=ProjectApplication,
                   resolve=resolve_application, build=build_screening,
                   identifier=lambda app: f"RPT-ADM-{app.number}"[:40],
                   filename=lambda app: f"screening-{app.number}"))
