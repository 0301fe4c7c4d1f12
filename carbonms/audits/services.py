"""Writes for audits, nonconformities and corrective actions, and management reviews.

Each checks the actor's permission through the tenancy mechanism and refuses bad input with a
ValidationError keyed by field, in the user's language.
"""
from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from carbonms.common import tenancy
from carbonms.management.system import System
from carbonms.standards import catalogue

from . import reports
from .models import (
    Audit,
    AuditProgramme,
    ChecklistItem,
    CorrectiveAction,
    Finding,
    ManagementReview,
    Nonconformity,
    ReviewOutput,
)


def _require(actor, domain: str, action: str, obj_or_system) -> None:
    if isinstance(obj_or_system, System):
        park_id, ent_id = obj_or_system.ids
    else:
        park_id, ent_id = obj_or_system.park_id, obj_or_system.enterprise_id
    tenancy.require(actor, domain, action, park_id=park_id, enterprise_id=ent_id)


def _set(obj, data: dict[str, Any], fields) -> None:
    for k in fields:
        if k in data:
            setattr(obj, k, data[k])


# --------------------------------------------------------------------------- programme and plan


@transaction.atomic
def programme_save(*, actor, system: System | None = None, data: dict[str, Any], programme: AuditProgramme | None = None):
    if programme is None:
        _require(actor, "audit", "add", system)
        programme = AuditProgramme(park=system.park, enterprise=system.enterprise)
    else:
        _require(actor, "audit", "change", programme)
    _set(programme, data, ("year", "objectives", "frequency_basis", "manager"))
    tenancy.require_related_of(programme, "manager")
    clash = AuditProgramme.objects.filter(park_id=programme.park_id, enterprise_id=programme.enterprise_id,
                                          year=programme.year).exclude(pk=programme.pk)
    if clash.exists():
        raise ValidationError({"year": _("This system already has a programme for that year.")})
    programme.full_clean()
    programme.save()
    return programme


def frequency_suggestion(system: System) -> list[dict]:
    """Audits per year for each area: twice where there are high risks or where the last audits
    found nonconformities, once otherwise (T/CIECCPA 061 9.2.2.2: importance, risks, earlier results)."""
    from carbonms.management.models import OrgUnit, Risk

    high_risks = system.filter(Risk.objects.filter(significance=Risk.Grade.HIGH)).exclude(status="closed").count()
    out = []
    for unit in system.filter(OrgUnit.objects.all()).exclude(status="closed"):
        ncs = Finding.objects.filter(audit__areas=unit, kind=Finding.Kind.NONCONFORMITY).count()
        reasons = []
        if ncs:
            reasons.append(_("%(n)d nonconformities found in earlier audits") % {"n": ncs})
        if high_risks and unit.kind != "department":
            reasons.append(_("%(n)d high risks in the register") % {"n": high_risks})
        out.append({"area": unit, "per_year": 2 if reasons else 1, "reasons": reasons})
    return out


def _check_independence(audit: Audit, auditors, areas) -> None:
    """Auditors must not audit their own area (member or head of an audited unit)."""
    for user in auditors:
        for area in areas:
            if area.head_id == user.pk or area.members.filter(pk=user.pk).exists():
                raise ValidationError({"team": _("%(name)s cannot audit %(area)s: it is their own area. "
                                                 "Auditors must be independent of the area they audit.")
                                       % {"name": user, "area": area}})


@transaction.atomic
def audit_plan(*, actor, system: System | None = None, data: dict[str, Any], audit: Audit | None = None) -> Audit:
    """Plan (or re-plan) an audit: objective, criteria, scope, team and schedule."""
    data = dict(data)
    areas = data.pop("areas", None)
    team = data.pop("team", None)
    if audit is None:
        _require(actor, "audit", "add", system)
        audit = Audit(park=system.park, enterprise=system.enterprise)
    else:
        _require(actor, "audit", "change", audit)
        if audit.status == Audit.Status.CLOSED:
            raise ValidationError({"status": _("A closed audit cannot be changed.")})
    _set(audit, data, ("programme", "title", "kind", "standard", "objective", "criteria", "scope", "lead", "external_body",
                       "planned_start", "planned_end"))
    errors = {}
    try:
        catalogue.get_standard(audit.standard)
    except KeyError:
        errors["standard"] = _("Choose a standard of the clause catalogue.")
    if audit.planned_start and audit.planned_end and audit.planned_end < audit.planned_start:
        errors["planned_end"] = _("The audit must end on or after its start.")
    if audit.programme_id and (audit.programme.park_id, audit.programme.enterprise_id) != (audit.park_id, audit.enterprise_id):
        errors["programme"] = _("This record belongs to another management system.")
    if audit.kind == Audit.Kind.INTERNAL and not audit.lead_id:
        errors["lead"] = _("An internal audit needs a lead auditor.")
    if audit.kind != Audit.Kind.INTERNAL and not audit.external_body:
        errors["external_body"] = _("Name the external or third-party audit body.")
    if errors:
        raise ValidationError(errors)
    areas = list(areas) if areas is not None else (list(audit.areas.all()) if audit.pk else [])
    team = list(team) if team is not None else (list(audit.team.all()) if audit.pk else [])
    for a in areas:
        if (a.park_id, a.enterprise_id) != (audit.park_id, audit.enterprise_id):
            raise ValidationError({"areas": _("This record belongs to another management system.")})
    tenancy.require_related_of(audit, "lead", m2m={"team": team, "areas": areas})
    auditors = ([audit.lead] if audit.lead_id else []) + [u for u in team if u.pk != audit.lead_id]
    if audit.kind == Audit.Kind.INTERNAL:
        for u in auditors:
            if not tenancy.can(u, "audit", "change", park_id=audit.park_id, enterprise_id=audit.enterprise_id):
                raise ValidationError({"team": _("%(name)s is not an internal auditor of this management system.") % {"name": u}})
    _check_independence(audit, auditors, areas)
    audit.full_clean()
    audit.save()
    audit.areas.set(areas)
    audit.team.set(team)
    return audit


def _assert_independent_actor(actor, audit: Audit) -> None:
    if audit.kind == Audit.Kind.INTERNAL:
        _check_independence(audit, [actor], list(audit.areas.all()))


@transaction.atomic
def checklist_generate(*, actor, audit: Audit) -> int:
    """Generate the checklist from the clauses (chapters 4 and later) of the audit's standard."""
    _require(actor, "audit", "change", audit)
    if audit.checklist.exists():
        raise ValidationError({"checklist": _("The checklist has already been generated.")})
    std = catalogue.get_standard(audit.standard)
    n = 0
    for c in std.clauses:
        chapter = c.number.split(".")[0]
        if c.kind != "clause" or not chapter.isdigit() or int(chapter) < 4 or c.level > 3:
            continue
        item = ChecklistItem(park_id=audit.park_id, enterprise_id=audit.enterprise_id, audit=audit, clause_key=c.key,
                             number=c.number, title=(c.title_zh or c.title_en)[:200], requirement=c.requirement_zh or "",
                             position=n)
        item.save()
        n += 1
    if audit.status == Audit.Status.PLANNED:
        audit.status = Audit.Status.IN_PROGRESS
        audit.save()
    return n


@transaction.atomic
def checklist_mark(*, actor, item: ChecklistItem, result: str, notes: str = "") -> ChecklistItem:
    _require(actor, "audit", "change", item)
    _assert_independent_actor(actor, item.audit)
    if item.audit.status in (Audit.Status.REPORTED, Audit.Status.CLOSED):
        raise ValidationError({"result": _("The audit is reported; its checklist is closed.")})
    item.result = result
    item.notes = notes
    item.full_clean()
    item.save()
    return item


def next_nc_number(park_id: int, enterprise_id: int | None, on: dt.date) -> str:
    n = Nonconformity.objects.filter(park_id=park_id, enterprise_id=enterprise_id, detected_on__year=on.year).count() + 1
    return f"NC-{on.year}-{n:03d}"


@transaction.atomic
def finding_record(*, actor, audit: Audit, data: dict[str, Any]) -> Finding:
    """Record a finding with its evidence; a nonconformity finding raises a nonconformity to handle."""
    _require(actor, "audit", "change", audit)
    _assert_independent_actor(actor, audit)
    if audit.status in (Audit.Status.REPORTED, Audit.Status.CLOSED):
        raise ValidationError({"description": _("The audit is reported; record no more findings.")})
    f = Finding(park_id=audit.park_id, enterprise_id=audit.enterprise_id, audit=audit, recorded_by=actor)
    _set(f, data, ("item", "kind", "description", "evidence", "evidence_version", "evidence_url"))
    if f.item_id and f.item.audit_id != audit.pk:
        raise ValidationError({"item": _("This checklist item belongs to another audit.")})
    ev = f.evidence_version
    if ev is not None and (ev.park_id, ev.enterprise_id) != (audit.park_id, audit.enterprise_id):
        raise ValidationError({"evidence_version": _("This record belongs to another management system.")})
    if not (f.evidence or "").strip():
        raise ValidationError({"evidence": _("A finding must state its evidence.")})
    f.full_clean()
    f.save()
    if f.item_id and f.kind == Finding.Kind.NONCONFORMITY:
        f.item.result = ChecklistItem.Result.NONCONFORM
        f.item.save()
    if f.kind == Finding.Kind.NONCONFORMITY:
        today = timezone.localdate()
        nc = Nonconformity(
            park_id=audit.park_id, enterprise_id=audit.enterprise_id, finding=f,
            number=next_nc_number(audit.park_id, audit.enterprise_id, today), title=f.description[:200],
            source=Nonconformity.Source.AUDIT if audit.kind == Audit.Kind.INTERNAL else Nonconformity.Source.EXTERNAL_AUDIT,
            description=f"{f.description}\n\n{f.evidence}", detected_on=today,
        )
        nc.full_clean()
        nc.save()
    return f


@transaction.atomic
def audit_report(*, actor, audit: Audit, overview: str, conclusion: str) -> Audit:
    """Close the fieldwork: overview and conclusion; the report (DOCX) is stored with its hash."""
    _require(actor, "audit", "change", audit)
    _assert_independent_actor(actor, audit)
    if not conclusion.strip():
        raise ValidationError({"conclusion": _("Give the audit conclusion.")})
    if audit.checklist.filter(result=ChecklistItem.Result.OPEN).exists() and audit.kind == Audit.Kind.INTERNAL:
        open_n = audit.checklist.filter(result=ChecklistItem.Result.OPEN).count()
        raise ValidationError({"conclusion": _("%(n)d checklist items are not checked yet.") % {"n": open_n}})
    audit.overview = overview
    audit.conclusion = conclusion
    audit.status = Audit.Status.REPORTED
    audit.reported_on = timezone.localdate()
    audit.save()
    reports.store_audit_report(audit)
    return audit


# --------------------------------------------------------------------------- nonconformity and corrective action

NC_FIELDS = ("title", "source", "description", "activity_record", "detected_on", "owner", "correction", "correction_on", "five_whys",
             "fishbone", "eight_d", "root_cause")


@transaction.atomic
def nc_save(*, actor, system: System | None = None, data: dict[str, Any], nc: Nonconformity | None = None) -> Nonconformity:
    """Raise a nonconformity (any source) or record its correction and root-cause analysis."""
    if nc is None:
        _require(actor, "management", "add", system)
        nc = Nonconformity(park=system.park, enterprise=system.enterprise)
    else:
        _require(actor, "management", "change", nc)
        if nc.status == Nonconformity.Status.CLOSED:
            raise ValidationError({"status": _("A closed nonconformity cannot be changed.")})
    _set(nc, data, NC_FIELDS)
    tenancy.require_related_of(nc, "owner")
    if nc.activity_record_id:
        from carbonms.conformity.checks import measured_enterprise_id

        if nc.activity_record.enterprise_id != measured_enterprise_id(System(nc.park, nc.enterprise)):
            raise ValidationError({"activity_record": _("This record belongs to another management system.")})
    if not nc.number:
        nc.number = next_nc_number(nc.park_id, nc.enterprise_id, nc.detected_on or timezone.localdate())
    if nc.root_cause and nc.status == Nonconformity.Status.OPEN:
        nc.status = Nonconformity.Status.ANALYSED
    nc.full_clean()
    nc.save()
    return nc


@transaction.atomic
def action_save(*, actor, nc: Nonconformity | None = None, data: dict[str, Any], action: CorrectiveAction | None = None):
    if action is None:
        _require(actor, "management", "change", nc)
        if nc.status == Nonconformity.Status.CLOSED:
            raise ValidationError({"description": _("A closed nonconformity takes no more actions.")})
        action = CorrectiveAction(park_id=nc.park_id, enterprise_id=nc.enterprise_id, nonconformity=nc)
    else:
        _require(actor, "management", "change", action)
    _set(action, data, ("kind", "description", "owner", "due_on", "done_on", "result"))
    tenancy.require_related_of(action, "owner")
    if action.owner_id is None:
        raise ValidationError({"owner": _("Each action needs an owner.")})
    if action.due_on is None:
        raise ValidationError({"due_on": _("Each action needs a due date.")})
    if action.done_on and action.done_on > timezone.localdate():
        raise ValidationError({"done_on": _("An action cannot be done in the future.")})
    action.full_clean()
    action.save()
    return action


@transaction.atomic
def nc_review_effectiveness(*, actor, nc: Nonconformity, review: str, effective: bool) -> Nonconformity:
    """Review whether the actions worked (a role that may change or approve management records); needs
    every action done."""
    if not (tenancy.can(actor, "management", "change", park_id=nc.park_id, enterprise_id=nc.enterprise_id)
            or tenancy.can(actor, "management", "approve", park_id=nc.park_id, enterprise_id=nc.enterprise_id)):
        raise PermissionDenied
    if not review.strip():
        raise ValidationError({"effectiveness_review": _("Describe how the effectiveness was checked.")})
    if not nc.actions.exists():
        raise ValidationError({"effectiveness_review": _("Record at least one corrective action first.")})
    pending = nc.actions.filter(done_on__isnull=True).count()
    if pending:
        raise ValidationError({"effectiveness_review": _("%(n)d actions are not done yet.") % {"n": pending}})
    nc.effectiveness_review = review
    nc.effective = effective
    nc.reviewed_on = timezone.localdate()
    nc.reviewed_by = actor
    nc.status = Nonconformity.Status.VERIFYING
    nc.save()
    return nc


@transaction.atomic
def nc_close(*, actor, nc: Nonconformity) -> Nonconformity:
    _require(actor, "management", "change", nc)
    if nc.status == Nonconformity.Status.CLOSED:
        raise ValidationError({"status": _("This nonconformity is already closed.")})
    if not nc.root_cause.strip():
        raise ValidationError({"root_cause": _("Record the root cause before closing.")})
    if not nc.effectiveness_review or nc.reviewed_on is None:
        raise ValidationError({"effectiveness_review": _(
            "A corrective action cannot be closed without an effectiveness review."
        )})
    if not nc.effective:
        raise ValidationError({"effective": _("The review found the actions not effective: take further action before closing.")})
    nc.status = Nonconformity.Status.CLOSED
    nc.closed_on = timezone.localdate()
    nc.save()
    return nc


# --------------------------------------------------------------------------- management review


@transaction.atomic
def review_create(*, actor, system: System, data: dict[str, Any]) -> ManagementReview:
    """Plan a review; its inputs are assembled from live data at once (and can be refreshed)."""
    from .inputs import assemble_inputs

    _require(actor, "management", "add", system)
    r = ManagementReview(park=system.park, enterprise=system.enterprise)
    _set(r, data, ("title", "held_on", "chair", "attendees"))
    tenancy.require_related_of(r, "chair")
    r.inputs = assemble_inputs(system, since=r.held_on - dt.timedelta(days=365) if r.held_on else None)
    r.inputs_assembled_at = timezone.now()
    r.full_clean()
    r.save()
    return r


@transaction.atomic
def review_refresh_inputs(*, actor, review: ManagementReview) -> ManagementReview:
    from carbonms.management.system import of

    from .inputs import assemble_inputs

    _require(actor, "management", "change", review)
    if review.status != ManagementReview.Status.PLANNED:
        raise ValidationError({"inputs": _("The review has been held; its inputs are frozen.")})
    review.inputs = assemble_inputs(of(review), since=review.held_on - dt.timedelta(days=365))
    review.inputs_assembled_at = timezone.now()
    review.save()
    return review


@transaction.atomic
def review_hold(*, actor, review: ManagementReview, minutes: str) -> ManagementReview:
    _require(actor, "management", "change", review)
    if not minutes.strip():
        raise ValidationError({"minutes": _("Record the discussion and conclusions.")})
    review.minutes = minutes
    review.status = ManagementReview.Status.HELD
    review.save()
    reports.store_review_record(review)
    return review


@transaction.atomic
def output_save(*, actor, review: ManagementReview | None = None, data: dict[str, Any], output: ReviewOutput | None = None):
    if output is None:
        _require(actor, "management", "change", review)
        output = ReviewOutput(park_id=review.park_id, enterprise_id=review.enterprise_id, review=review)
    else:
        _require(actor, "management", "change", output)
    _set(output, data, ("category", "decision", "owner", "due_on", "done_on"))
    tenancy.require_related_of(output, "owner")
    if output.owner_id is None or output.due_on is None:
        raise ValidationError({"owner": _("A decision becomes a tracked action: give it an owner and a due date.")})
    output.full_clean()
    output.save()
    return output
