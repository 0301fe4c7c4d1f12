"""Writes of project admission and exit (T/CSES 6.3.5 a)–d)) and of coordination (T/CSES 6.3.6 a) c) d) e)).

Each is keyword-only with ``actor`` first, atomic, checks the actor's permission through the tenancy and refuses
bad input with a ``ValidationError`` keyed by field, in the user's language; nothing is half-written. The annual
assessment's writes are in :mod:`carbonms.governance.assessment`.
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from carbonms.common import tenancy
from carbonms.organizations import reference
from carbonms.organizations.models import Enterprise

from . import headroom, screening, targets_link
from .models import (
    Attendance,
    Committee,
    ExitDecision,
    ProcurementCriterion,
    ProcurementEvaluation,
    ProjectApplication,
    ServiceRequest,
    TrainingSession,
)

_D = "governance"
A = ProjectApplication.Status


def _set(obj, data: dict[str, Any], fields) -> None:
    for k in fields:
        if k in data:
            setattr(obj, k, data[k])


def require_member(actor, park, kind: str, field: str) -> Committee:
    """The park's committee of ``kind`` when ``actor`` is one of its members; a ValidationError on ``field``
    otherwise (a decision by someone outside the committee is refused, naming the committee)."""
    committee = Committee.objects.filter(park=park, kind=kind).first()
    if committee is None:
        raise ValidationError({field: _("The park has no %(c)s: record its members first.")
                               % {"c": Committee.Kind(kind).label}})
    if not committee.members.filter(pk=actor.pk).exists():
        raise ValidationError({field: _("Only members of %(c)s may record its decision; you are not a member.")
                               % {"c": committee.name}})
    return committee


# -- committees ---------------------------------------------------------------------------------------------------
@transaction.atomic
def committee_save(*, actor, park, kind: str, name: str, members) -> Committee:
    tenancy.require(actor, _D, "change", park_id=park.pk)
    committee = Committee.objects.filter(park=park, kind=kind).first() or Committee(park=park, kind=kind)
    committee.name = name
    committee.full_clean()
    committee.save()
    members = list(members)
    allowed = set(tenancy.scope_users(tenancy.Scope(park.pk, None)).values_list("pk", flat=True))
    outside = [u for u in members if u.pk not in allowed]
    if outside:
        raise ValidationError({"members": _("%(u)s has no role in the park.") % {"u": outside[0]}})
    committee.members.set(members)
    return committee


# -- applications ------------------------------------------------------------------------------------------------
APPLICATION_FIELDS = ("project", "applicant", "credit_code", "industry_code", "products", "capacity", "capacity_unit",
                      "planned_output", "benchmark", "operation_year", "renewable_share_pct", "energy_report",
                      "carbon_report")


def _activity_rows(raw) -> list[dict]:
    """The planned activity rows as a list of dicts; text is read as CSV lines ``source,category,method,material,
    amount,unit`` (a header line is optional)."""
    if raw in (None, ""):
        return []
    if isinstance(raw, list):
        return [dict(r) for r in raw]
    rows = []
    for i, line in enumerate(str(raw).strip().splitlines(), start=1):
        if not line.strip():
            continue
        cells = [c.strip() for c in line.replace("，", ",").split(",")]
        if i == 1 and cells[0].lower() == "source":
            continue
        if len(cells) != len(screening.ACTIVITY_COLUMNS):
            raise ValidationError({"planned_activity": _("Line %(n)s: expected 6 values (source, category, method, "
                                                         "material, amount, unit), found %(k)s.")
                                   % {"n": i, "k": len(cells)}})
        rows.append(dict(zip(screening.ACTIVITY_COLUMNS, cells, strict=True)))
    return rows


def _compute_planned(application: ProjectApplication) -> None:
    from carbonms.accounting import AccountingErrors

    rows = application.planned_activity
    if not rows:
        application.planned_energy_tce = application.planned_emissions_t = None
        application.calculation = {}
        return
    try:
        totals = screening.planned_totals(rows, year=application.operation_year, entity=application.applicant or "P")
    except AccountingErrors as exc:
        lang = "en" if (get_language() or "").startswith("en") else "zh"
        raise ValidationError({"planned_activity": exc.messages(lang)})
    application.planned_energy_tce = totals["energy_tce"]
    application.planned_emissions_t = totals["emissions_t"]
    application.calculation = totals["provenance"]


def _next_number(park, year: int) -> str:
    n = ProjectApplication.objects.filter(park=park, number__startswith=f"XM-{year}-").count() + 1
    return f"XM-{year}-{n:03d}"


@transaction.atomic
def application_save(*, actor, data: dict[str, Any], park=None, application: ProjectApplication | None = None
                     ) -> ProjectApplication:
    """Create (give ``park``) or change an application; the planned energy and emissions are computed from the
    planned activity data with the accounting core. A decided application is not changed."""
    if application is None:
        tenancy.require(actor, _D, "add", park_id=park.pk)
        application = ProjectApplication(park=park)
    else:
        tenancy.require(actor, _D, "change", park_id=application.park_id)
        if application.status not in (A.DRAFT, A.SCREENED):
            raise ValidationError({"status": _("A decided application is not changed.")})
    data = dict(data)
    if data.get("credit_code"):
        data["credit_code"] = str(data["credit_code"]).strip().upper()
    _set(application, data, APPLICATION_FIELDS)
    if "planned_activity" in data:
        application.planned_activity = _activity_rows(data["planned_activity"])
    if not application.number:
        application.number = data.get("number") or _next_number(application.park, timezone.localdate().year)
    application.full_clean(exclude=["planned_energy_tce", "planned_emissions_t"])
    _compute_planned(application)
    application.status = A.DRAFT  # a changed application is screened again
    application.screening, application.screened_at = {}, None
    application.save()
    return application


@transaction.atomic
def application_screen(*, actor, application: ProjectApplication) -> ProjectApplication:
    """Run the automatic screening (:mod:`carbonms.governance.screening`) and store its report."""
    tenancy.require(actor, _D, "change", park_id=application.park_id)
    if application.status not in (A.DRAFT, A.SCREENED):
        raise ValidationError({"status": _("A decided application is not screened again.")})
    if not application.planned_activity or application.planned_emissions_t is None:
        raise ValidationError({"planned_activity": _("Enter the planned activity data before screening: the planned "
                                                     "energy and emissions are computed from it.")})
    budget = headroom.park_budget(application.park, application.operation_year)
    application.screening = screening.screen(
        industry_code=application.industry_code, energy_tce=application.planned_energy_tce,
        emissions_t=application.planned_emissions_t, planned_output=application.planned_output,
        benchmark_key=application.benchmark, renewable_pct=application.renewable_share_pct, budget=budget)
    application.status = A.SCREENED
    application.screened_at = timezone.now()
    application.save()
    return application


def _int(data, key) -> int:
    try:
        v = int(data.get(key) or 0)
    except (TypeError, ValueError):
        raise ValidationError({key: _("Enter a whole number.")})
    if v < 0:
        raise ValidationError({key: _("Enter a whole number.")})
    return v


def _votes(data) -> tuple[int, int, int]:
    return _int(data, "votes_for"), _int(data, "votes_against"), _int(data, "votes_abstain")


@transaction.atomic
def application_decide(*, actor, application: ProjectApplication, data: dict[str, Any]) -> ProjectApplication:
    """The admission committee's decision (admit, admit with conditions, refuse) with its date and vote.

    Only a member of the park's admission committee records it. Admitting creates the enterprise with its entry
    date and a provisional allocation of the park target (the project's planned emissions)."""
    tenancy.require(actor, _D, "change", park_id=application.park_id)
    if application.status != A.SCREENED:
        raise ValidationError({"decision": _("Only a screened application can be decided.")})
    require_member(actor, application.park, Committee.Kind.ADMISSION, "decision")
    decision = data.get("decision") or ""
    if decision not in ProjectApplication.Decision.values:
        raise ValidationError({"decision": _("Choose admit, admit with conditions or refuse.")})
    decided_on = data.get("decided_on")
    if not isinstance(decided_on, dt.date):
        raise ValidationError({"decided_on": _("Enter the date of the committee's decision.")})
    vf, va, vab = _votes(data)
    if vf + va + vab == 0:
        raise ValidationError({"votes_for": _("Record the committee's vote.")})
    admit = decision != ProjectApplication.Decision.REFUSE
    if admit and vf <= va:
        raise ValidationError({"votes_for": _("A project is admitted only with more votes for than against.")})
    conditions = (data.get("conditions") or "").strip()
    if decision == ProjectApplication.Decision.CONDITIONAL and not conditions:
        raise ValidationError({"conditions": _("State the conditions of the admission.")})
    application.decision, application.conditions, application.decided_on = decision, conditions, decided_on
    application.votes_for, application.votes_against, application.votes_abstain = vf, va, vab
    application.decided_by = actor
    if not admit:
        application.status = A.REFUSED
        application.save()
        return application
    entry = data.get("entry_date")
    if not isinstance(entry, dt.date):
        raise ValidationError({"entry_date": _("Enter the date the enterprise enters the park.")})
    division = reference.industry_division(application.industry_code)
    enterprise = Enterprise(park=application.park, name=application.applicant, credit_code=application.credit_code,
                            industry_code=application.industry_code,
                            industry_name=division.name_zh if division else "", entered_on=entry)
    try:
        enterprise.full_clean()
    except ValidationError as exc:
        raise ValidationError({"decision": [_("The enterprise cannot be created: %(e)s") % {"e": "; ".join(exc.messages)}]})
    enterprise.save()
    application.enterprise, application.entry_date = enterprise, entry
    application.status = A.ADMITTED if decision == ProjectApplication.Decision.ADMIT else A.CONDITIONAL
    application.provisional_allocation_t = application.planned_emissions_t
    targets_link.provisional_allocation(
        park=application.park, enterprise=enterprise, year=application.operation_year,
        value=application.planned_emissions_t,
        note=_("Provisional allocation from admission %(n)s: the planned emissions.") % {"n": application.number})
    application.save()
    return application


@transaction.atomic
def application_post_check(*, actor, application: ProjectApplication) -> ProjectApplication:
    """Declared against actual emissions in the first full year of operation, from the enterprise's statement in
    force (T/CSES 6.1.3 b) 3); T/CPQS 9.2.2 d))."""
    from carbonms.inventory.statements import official_statement

    tenancy.require(actor, _D, "change", park_id=application.park_id)
    if application.enterprise_id is None:
        raise ValidationError({"status": _("Only an admitted project is checked after operation.")})
    year = application.operation_year
    statement = official_statement(park=application.park, year=year, enterprise=application.enterprise)
    if statement is None:
        raise ValidationError({"actual_emissions_t": _("%(e)s has no inventory statement in force for %(y)s yet.")
                               % {"e": application.enterprise, "y": year}})
    actual = Decimal(str(statement.totals.get("gross", 0))).quantize(Decimal("0.001"))
    declared = application.planned_emissions_t or Decimal("0")
    deviation = ((actual - declared) / declared * 100).quantize(Decimal("0.1")) if declared else None
    application.actual_emissions_t = actual
    application.post_check = {"year": year, "statement": statement.pk, "declared": str(declared), "actual": str(actual),
                              "deviation_pct": None if deviation is None else str(deviation),
                              "above_declared": actual > declared, "checked_on": timezone.localdate().isoformat()}
    application.save()
    return application


@transaction.atomic
def exit_decide(*, actor, enterprise: Enterprise, data: dict[str, Any]) -> ExitDecision:
    """The committee decides that an enterprise leaves the park: its exit date is set (T/CSES 6.3.5)."""
    tenancy.require(actor, _D, "change", park_id=enterprise.park_id)
    require_member(actor, enterprise.park, Committee.Kind.ADMISSION, "reason")
    vf, va, vab = _votes(data)
    decision = ExitDecision(park=enterprise.park, enterprise=enterprise, reason=(data.get("reason") or "").strip(),
                            decided_on=data.get("decided_on"), exit_on=data.get("exit_on"), votes_for=vf,
                            votes_against=va, votes_abstain=vab, decided_by=actor)
    decision.full_clean()
    if enterprise.exited_on:
        raise ValidationError({"exit_on": _("%(e)s already left the park on %(d)s.")
                               % {"e": enterprise, "d": enterprise.exited_on.isoformat()}})
    enterprise.exited_on = decision.exit_on
    enterprise.status = Enterprise.Status.CLOSED
    try:
        enterprise.full_clean()
    except ValidationError as exc:
        raise ValidationError({"exit_on": exc.messages})
    enterprise.save()
    decision.save()
    return decision


# -- coordination ----------------------------------------------------------------------------------------------------
@transaction.atomic
def procurement_save(*, actor, data: dict[str, Any], park=None, criterion: ProcurementCriterion | None = None):
    if criterion is None:
        tenancy.require(actor, _D, "add", park_id=park.pk)
        criterion = ProcurementCriterion(park=park)
    else:
        tenancy.require(actor, _D, "change", park_id=criterion.park_id)
    _set(criterion, data, ("category", "title", "significance", "evaluation", "threshold_tco2e", "in_force_from"))
    criterion.full_clean()
    criterion.save()
    return criterion


@transaction.atomic
def procurement_evaluate(*, actor, park, data: dict[str, Any]) -> ProcurementEvaluation:
    """Evaluate a purchase against one of the park's procurement criteria (T/CSES 6.3.6 a)): significant when its
    yearly emissions impact reaches the criterion's threshold (either way; without a threshold the evaluator
    judges); a conditional approval or a refusal states its conditions or reason; the criterion must be in force
    on the day of the evaluation."""
    tenancy.require(actor, _D, "add", park_id=park.pk)
    criterion = data.get("criterion")
    if not isinstance(criterion, ProcurementCriterion) or criterion.park_id != park.pk:
        raise ValidationError({"criterion": _("Choose a procurement criterion of this park.")})
    ev = ProcurementEvaluation(park=park, evaluated_by=actor)
    _set(ev, data, ("criterion", "item", "supplier", "evaluated_on", "impact_tco2e", "basis", "significant", "decision",
                    "conditions"))
    errors = {}
    if ev.evaluated_on and ev.evaluated_on < criterion.in_force_from:
        errors["evaluated_on"] = _("The criterion “%(c)s” is in force from %(d)s.") % {
            "c": criterion.title, "d": criterion.in_force_from.isoformat()}
    if criterion.threshold_tco2e is not None and ev.impact_tco2e is not None:
        ev.significant = abs(ev.impact_tco2e) >= criterion.threshold_tco2e
    if ev.decision in (ProcurementEvaluation.Decision.CONDITIONS, ProcurementEvaluation.Decision.REFUSED) \
            and not (ev.conditions or "").strip():
        errors["conditions"] = _("State the conditions of the approval or the reason of the refusal.")
    if errors:
        raise ValidationError(errors)
    ev.full_clean()
    ev.save()
    return ev


@transaction.atomic
def training_save(*, actor, data: dict[str, Any], park=None, session: TrainingSession | None = None):
    if session is None:
        tenancy.require(actor, _D, "add", park_id=park.pk)
        session = TrainingSession(park=park)
    else:
        tenancy.require(actor, _D, "change", park_id=session.park_id)
    _set(session, data, ("title", "topic", "held_on", "trainer"))
    session.full_clean()
    session.save()
    return session


@transaction.atomic
def attendance_record(*, actor, session: TrainingSession, enterprise: Enterprise, attendees) -> Attendance:
    """How many people of ``enterprise`` attended (0 removes nothing: it records that nobody came)."""
    tenancy.require(actor, _D, "change", park_id=session.park_id)
    if enterprise.park_id != session.park_id:
        raise ValidationError({"enterprise": tenancy.out_of_scope_message()})
    try:
        attendees = int(attendees)
    except (TypeError, ValueError):
        raise ValidationError({"attendees": _("Enter a whole number.")})
    row = Attendance.objects.filter(session=session, enterprise=enterprise).first() or Attendance(
        session=session, enterprise=enterprise)
    row.attendees = attendees
    row.full_clean()
    row.save()
    return row


@transaction.atomic
def request_save(*, actor, enterprise: Enterprise, data: dict[str, Any]) -> ServiceRequest:
    """An enterprise files a need (renewable power, credits, allowances, low-carbon supply)."""
    tenancy.require(actor, "management", "add", park_id=enterprise.park_id, enterprise_id=enterprise.pk)
    req = ServiceRequest(park_id=enterprise.park_id, enterprise=enterprise)
    _set(req, data, ("kind", "description", "quantity", "unit", "needed_by"))
    req.full_clean()
    req.save()
    return req


@transaction.atomic
def request_respond(*, actor, request: ServiceRequest, status: str, response: str) -> ServiceRequest:
    """The park answers a request (park staff only)."""
    if not tenancy.is_park_member(actor, request.park_id):
        raise ValidationError({"response": _("Only the park answers a service request.")})
    tenancy.require(actor, "management", "change", park_id=request.park_id, enterprise_id=request.enterprise_id)
    if status not in ServiceRequest.Status.values:
        raise ValidationError({"status": _("Choose a status.")})
    request.status, request.response = status, response
    request.full_clean()
    request.save()
    return request


def decimal_or_none(value) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None
