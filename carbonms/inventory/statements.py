"""Inventory statements: the figure of record of an entity and year (issue 10; B1). Services and reads.

Writes (each atomic, each checked against ``workflows.STATEMENT`` or the role permissions first):

* :func:`statement_create` — a draft made from a run, freezing it; an incomplete run needs a recorded
  justification; an entity with a statement in force needs a restatement (:func:`statement_restate`);
* :func:`statement_approve` — four-eyes approval that closes the year: an enterprise's twelve months are
  locked at once (every value of the year must be approved); the park closes its year when its
  enterprises have closed theirs, or with the exceptions listed (recorded on the statement);
* :func:`statement_verify` — the appointed external verifier records opinion, material misstatements,
  report and date, within the validity of the appointment;
* :func:`statement_restate` — a new draft with a reason; the statement it restates stays in force until
  the new one is approved, then it is superseded and stays readable.

Reads: :func:`official_statement` and :func:`official_statements` — what everything downstream (the
management review, conformity, pages, the command line) reads, never "the latest run".
"""
from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from carbonms.carbondata.models import ActivityRecord, PeriodLock
from carbonms.carbondata.services.common import record_event
from carbonms.common.tenancy import require
from carbonms.organizations.models import Enterprise

from . import reperform
from .models import CalculationRun, InventoryStatement
from .workflows import STATEMENT

St = InventoryStatement.Status
Basis = InventoryStatement.Basis
A = ActivityRecord.Status


# -- reads ----------------------------------------------------------------------------------------------------------
def official_statements(qs=None, *, park=None, enterprise=None, basis: str = Basis.MANAGEMENT, park_level: bool | None = None):
    """Statements in force (approved or verified) of a scope, newest year first."""
    qs = (qs if qs is not None else InventoryStatement.objects.all()).filter(status__in=InventoryStatement.OFFICIAL)
    if basis:
        qs = qs.filter(basis=basis)
    if park is not None:
        qs = qs.filter(park=park)
    if enterprise is not None:
        qs = qs.filter(enterprise=enterprise)
    elif park_level:
        qs = qs.filter(enterprise__isnull=True)
    return qs.order_by("-year")


def official_statement(*, park, year: int, enterprise=None, basis: str = Basis.MANAGEMENT) -> InventoryStatement | None:
    """The statement in force of an entity (``enterprise`` None: the park) and year, or None."""
    return official_statements(park=park, enterprise=enterprise, basis=basis, park_level=enterprise is None).filter(year=year).first()


def year_closed(enterprise_id: int, year: int) -> InventoryStatement | None:
    """The statement in force that closed the enterprise's year (any basis), or None."""
    return (InventoryStatement.objects.filter(enterprise_id=enterprise_id, year=year, status__in=InventoryStatement.OFFICIAL)
            .order_by("approved_at").first())


def verifier_assignment(user, statement, on: dt.date | None = None):
    """The user's external-verifier appointment for the statement's enterprise, in force on ``on`` (default: now)."""
    from carbonms.accounts.models import RoleAssignment
    from carbonms.accounts.roles import Role

    if user is None or not user.is_authenticated or statement.enterprise_id is None:
        return None
    qs = RoleAssignment.objects.filter(user=user, role=Role.EXTERNAL_VERIFIER, park_id=statement.park_id,
                                       enterprise_id=statement.enterprise_id)
    if on is None:
        now = timezone.now()
        qs = qs.filter(Q(valid_from__isnull=True) | Q(valid_from__lte=now)).filter(Q(valid_until__isnull=True) | Q(valid_until__gt=now))
        return qs.first()
    for a in qs:
        start = timezone.localdate(a.valid_from) if a.valid_from else None
        end = timezone.localdate(a.valid_until) if a.valid_until else None
        if (start is None or start <= on) and (end is None or on <= end):
            return a
    return None


def stale_corrections(statement) -> int:
    """Corrections of the statement's year approved after it was approved (the statement needs a restatement)."""
    if not statement.is_official or statement.approved_at is None:
        return 0
    qs = ActivityRecord.objects.filter(year=statement.year, previous__isnull=False, is_current=True,
                                       reviewed_at__gt=statement.approved_at)
    qs = qs.filter(enterprise_id=statement.enterprise_id) if statement.enterprise_id else qs.filter(enterprise__park_id=statement.park_id)
    return qs.count()


# -- writes ---------------------------------------------------------------------------------------------------------
def _intensities(statement) -> tuple[dict, dict]:
    """(intensities, denominators) from the output and economic records (issue 10 item 3), when that module exists."""
    try:
        from carbonms.accounting.indicators import statement_intensities
        from carbonms.carbondata.selectors import denominators
    except ImportError:
        return {}, {}
    den = denominators(park=statement.park, enterprise=statement.enterprise, year=statement.year)
    return _jsonable(statement_intensities(statement.totals, den)), _jsonable(den)


def _jsonable(x):
    """Decimals as exact strings (JSON has no decimal type)."""
    from decimal import Decimal

    if isinstance(x, Decimal):
        return str(x)
    if isinstance(x, dict):
        return {k: _jsonable(v) for k, v in x.items()}
    if isinstance(x, list | tuple):
        return [_jsonable(v) for v in x]
    return x


def _freeze(statement, run: CalculationRun) -> None:
    statement.gwp_set = run.gwp_set
    statement.coverage = dict(run.coverage or {})
    statement.policy = dict(run.policy or {}) or {"gwp_set": run.gwp_set, "fuel_set": run.fuel_set}
    statement.boundaries = dict(run.boundaries or {})
    extra = {k: run.totals.get(k) for k in ("by_gas_co2e", "by_month", "by_enterprise", "energy_tce_by_enterprise",
                                            "excluded_double_counting", "excluded_energy_tce") if k in run.totals}
    if run.enterprise_id is not None:
        core = reperform.core_totals(reperform.input_rows(run), run.gwp_set)
        reperform.check_agreement(run.totals, core)
        statement.totals = {**extra, **core}
    else:  # the park: the run's totals with the park double-counting rule
        t = {k: run.totals.get(k) for k in reperform.TOTAL_KEYS}
        t["indirect_energy_market"] = run.totals.get("indirect_energy_market")
        statement.totals = {**extra, **t}
    statement.intensities, statement.denominators = _intensities(statement)


def _check_run(run: CalculationRun, basis: str, justification: str) -> None:
    if basis == Basis.ETS and getattr(run, "basis", "management") != "ets":
        raise ValidationError({"basis": _("An ETS-report statement is made from a run on the ETS basis.")})
    if basis == Basis.MANAGEMENT and getattr(run, "basis", "management") != "management":
        raise ValidationError({"basis": _("A management-inventory statement is made from a run on the management basis.")})
    cov = run.coverage or {}
    if not cov.get("complete") and not (justification or "").strip():
        if cov:
            msg = _("Run #%(run)d is incomplete (coverage %(pct)s %%, %(n)d source-months missing): a statement from it "
                    "needs a recorded justification.") % {"run": run.pk, "pct": round(100 * float(cov.get("fraction") or 0), 1),
                                                          "n": cov.get("n_missing", len(cov.get("missing") or []))}
        else:
            msg = _("Run #%(run)d does not record its coverage: a statement from it needs a recorded justification.") % {"run": run.pk}
        raise ValidationError({"justification": msg})


@transaction.atomic
def statement_create(*, actor, run: CalculationRun, basis: str = Basis.MANAGEMENT, justification: str = "",
                     supersedes: InventoryStatement | None = None, reason: str = "") -> InventoryStatement:
    """A draft statement made from ``run`` (freezing it). An earlier draft of the same entity, year and basis is superseded."""
    require(actor, "data", "change", park_id=run.park_id, enterprise_id=run.enterprise_id)
    if basis not in Basis.values:
        raise ValidationError({"basis": _("Unknown basis “%(b)s”.") % {"b": basis}})
    _check_run(run, basis, justification)
    key = dict(park_id=run.park_id, enterprise_id=run.enterprise_id, year=run.year, basis=basis)
    locked = InventoryStatement.objects.order_by("pk").select_for_update()
    in_force = locked.filter(status__in=InventoryStatement.OFFICIAL, **key).first()
    if in_force is not None and supersedes is None:
        raise ValidationError({"run": _("%(year)d already has a statement in force (#%(n)d): a new figure is a restatement "
                                        "with a reason.") % {"year": run.year, "n": in_force.pk}})
    if supersedes is not None:
        if supersedes.pk != getattr(in_force, "pk", None):
            raise ValidationError({"supersedes": _("Only the statement in force of the same entity, year and basis can be restated.")})
        if not (reason or "").strip():
            raise ValidationError({"restatement_reason": _("A restatement needs a reason.")})
    for old in locked.filter(status=St.DRAFT, **key):
        old.status = St.SUPERSEDED
        old.save()
    st = InventoryStatement(park_id=run.park_id, enterprise_id=run.enterprise_id, year=run.year, basis=basis, run=run,
                            drafted_by=actor, justification=(justification or "").strip(), supersedes=supersedes,
                            restatement_reason=(reason or "").strip())
    _freeze(st, run)
    st.full_clean(validate_constraints=False)
    st.save()
    record_event(actor=actor, park=run.park, enterprise=run.enterprise, kind="statement_drafted", statement=st.pk,
                 run=run.pk, year=run.year, basis=basis)
    return st


def statement_restate(*, actor, statement: InventoryStatement, run: CalculationRun, reason: str,
                      justification: str = "") -> InventoryStatement:
    """A restatement: a new draft from ``run`` that will supersede ``statement`` when approved."""
    if (run.park_id, run.enterprise_id, run.year) != (statement.park_id, statement.enterprise_id, statement.year):
        raise ValidationError({"run": _("The run must be of the same entity and year as the statement it restates.")})
    return statement_create(actor=actor, run=run, basis=statement.basis, justification=justification,
                            supersedes=statement, reason=reason)


def members(park, year: int) -> list[Enterprise]:
    """The enterprises (and park facilities) whose year the park's close waits for."""
    ents = Enterprise.objects.filter(park=park).order_by("name")
    fields = {f.name for f in Enterprise._meta.get_fields()}
    if "entry_date" in fields:  # membership dates (issue 10 item 4), when present
        ents = ents.filter(Q(entry_date__isnull=True) | Q(entry_date__lte=dt.date(year, 12, 31)))
    if "exit_date" in fields:
        ents = ents.filter(Q(exit_date__isnull=True) | Q(exit_date__gte=dt.date(year, 1, 1)))
    return list(ents)


def _close_enterprise_year(actor, statement) -> int:
    """Lock the twelve months of the enterprise's year (all values must be approved). Returns the months locked now."""
    ent, year = statement.enterprise, statement.year
    open_ = (ActivityRecord.objects.filter(enterprise=ent, year=year, is_current=True)
             .exclude(status__in=(A.APPROVED, A.LOCKED)))
    n_open = open_.count()
    if n_open:
        months = sorted(set(open_.values_list("month", flat=True)))
        raise ValidationError({"approved_by": _("%(n)d value(s) of %(year)d are not approved yet (months %(months)s): the "
                                                "year cannot be closed.") % {"n": n_open, "year": year,
                                                                              "months": ", ".join(str(m) for m in months)}})
    have = set(PeriodLock.objects.filter(enterprise=ent, year=year).values_list("month", flat=True))
    reason = _("Year closed by inventory statement #%(n)d") % {"n": statement.pk}
    new = [PeriodLock(enterprise=ent, year=year, month=m, locked_by=actor, reason=reason) for m in range(1, 13) if m not in have]
    PeriodLock.objects.bulk_create(new)
    ActivityRecord.objects.filter(enterprise=ent, year=year, is_current=True, status=A.APPROVED).update(status=A.LOCKED)
    return len(new)


def _park_exceptions(park, year: int, basis: str, exceptions) -> list[dict]:
    """Check the park's enterprises have closed the year; the rest must be listed with a reason."""
    closed = set(InventoryStatement.objects.filter(park=park, year=year, basis=basis, enterprise__isnull=False,
                                                   status__in=InventoryStatement.OFFICIAL).values_list("enterprise_id", flat=True))
    given = {}
    for e in exceptions or []:
        try:
            given[int(e.get("enterprise"))] = str(e.get("reason") or "").strip()
        except (TypeError, ValueError, AttributeError):
            raise ValidationError({"exceptions": _("Each exception names an enterprise and a reason.")})
    out, missing = [], []
    for ent in members(park, year):
        if ent.pk in closed:
            continue
        if given.get(ent.pk):
            out.append({"enterprise": ent.pk, "name": ent.name, "credit_code": ent.credit_code, "reason": given[ent.pk]})
        else:
            missing.append(ent.name)
    if missing:
        shown = "、".join(missing[:10]) + ("…" if len(missing) > 10 else "")
        raise ValidationError({"exceptions": _("%(n)d enterprise(s) have not closed %(year)d: %(names)s. Close their year "
                                               "first, or list each as an exception with a reason.")
                               % {"n": len(missing), "year": year, "names": shown}})
    return out


@transaction.atomic
def statement_approve(*, actor, statement: InventoryStatement, exceptions=None) -> InventoryStatement:
    """Approve the draft (four-eyes) and close the entity's year; a restated statement becomes superseded."""
    statement = InventoryStatement.objects.order_by("pk").select_for_update().get(pk=statement.pk)
    STATEMENT.check(actor, statement, "approve")
    locked = 0
    if statement.enterprise_id is not None:
        locked = _close_enterprise_year(actor, statement)
    else:
        statement.close_exceptions = _park_exceptions(statement.park, statement.year, statement.basis, exceptions)
    in_force = InventoryStatement.objects.order_by("pk").select_for_update().filter(
        park_id=statement.park_id, enterprise_id=statement.enterprise_id, year=statement.year, basis=statement.basis,
        status__in=InventoryStatement.OFFICIAL).exclude(pk=statement.pk).first()
    if in_force is not None:
        if statement.supersedes_id != in_force.pk:
            raise ValidationError({"approved_by": _("Another statement of this year is in force (#%(n)d); this draft does "
                                                    "not restate it.") % {"n": in_force.pk}})
        in_force.status = St.SUPERSEDED
        in_force.save()
    statement.status, statement.approved_by, statement.approved_at = St.APPROVED, actor, timezone.now()
    statement.save()
    record_event(actor=actor, park=statement.park, enterprise=statement.enterprise, kind="year_closed",
                 statement=statement.pk, year=statement.year, basis=statement.basis, months_locked=locked,
                 exceptions=[e["enterprise"] for e in statement.close_exceptions])
    return statement


@transaction.atomic
def statement_verify(*, actor, statement: InventoryStatement, opinion: str, misstatements: str = "",
                     verified_on: dt.date | None = None, report=None) -> InventoryStatement:
    """Record the external verification of an approved statement."""
    statement = InventoryStatement.objects.order_by("pk").select_for_update().get(pk=statement.pk)
    STATEMENT.check(actor, statement, "verify")
    errors = {}
    if opinion not in InventoryStatement.Opinion.values:
        errors["opinion"] = _("Choose the verification opinion.")
    if verified_on is None:
        errors["verified_on"] = _("Enter the date of the verification.")
    elif verified_on > timezone.localdate():
        errors["verified_on"] = _("The verification date cannot be in the future.")
    elif verifier_assignment(actor, statement, verified_on) is None:
        errors["verified_on"] = _("%(d)s is outside the validity of your appointment as external verifier.") % {"d": verified_on}
    if not report:
        errors["verification_report"] = _("Attach the verification report.")
    if opinion in (InventoryStatement.Opinion.QUALIFIED, InventoryStatement.Opinion.ADVERSE) and not (misstatements or "").strip():
        errors["misstatements"] = _("A qualified or adverse opinion states the material misstatements found.")
    if errors:
        raise ValidationError(errors)
    statement.opinion, statement.misstatements = opinion, (misstatements or "").strip()
    statement.verified_on, statement.verified_by = verified_on, actor
    statement.verification_report = report
    statement.status = St.VERIFIED
    statement.save()
    record_event(actor=actor, park=statement.park, enterprise=statement.enterprise, kind="statement_verified",
                 statement=statement.pk, year=statement.year, opinion=opinion)
    return statement
