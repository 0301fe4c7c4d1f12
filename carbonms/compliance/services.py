"""Writes of the compliance app: surrender for ETS compliance and the 履约记录, the offset project pipeline, and the
carbon-neutrality claim with its determination and declaration. Every function is atomic, keyword-only with
``actor`` first, checks the role permission (or the declared workflow step) before it writes, and raises a
ValidationError keyed by field with a translated reason; nothing is half-written.
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from carbonms.assets import neutrality as core_neutrality
from carbonms.common import tenancy
from carbonms.inventory.models import InventoryStatement

from . import holdings, position
from .models import ComplianceRecord, NeutralityClaim, OffsetProject, ProjectStage
from .workflows import CLAIM

P = OffsetProject.Stage
STAGES = list(P.values)


def _require(actor, obj_or_enterprise, action: str) -> None:
    ent = getattr(obj_or_enterprise, "enterprise", obj_or_enterprise)
    tenancy.require(actor, "assets", action, park_id=ent.park_id, enterprise_id=ent.pk)


def _dec(value, field: str) -> Decimal:
    try:
        d = Decimal(str(value).strip().replace(",", ""))
    except (InvalidOperation, ValueError):
        raise ValidationError({field: _("Not a number: %(v)s") % {"v": value}}) from None
    if not d.is_finite() or d < 0:
        raise ValidationError({field: _("Must be a number of at least 0.")})
    return d


# -- ETS compliance -------------------------------------------------------------------------------------------------
@transaction.atomic
def surrender(*, actor, enterprise, year: int, quantities: dict[str, Decimal], on: dt.date | None = None) -> ComplianceRecord:
    """Surrender the given quantity of each lot (lot id → tonnes) for compliance year ``year`` (T/CPQS 9.2.3 c)).

    Refused, with nothing written, when a lot is not held, not eligible for the year (the rule table's reason),
    when the CCER of this and earlier surrenders would pass the cap (5 % of the obligation, whole tonnes), or when
    the surrender would pass what remains of the obligation. Each lot is surrendered through the ledger's
    service, which checks the holding and the serials; the 履约记录 records the position and the movements."""
    _require(actor, enterprise, "change")
    pos = position.compute(enterprise, year)
    lots = {lot["id"]: lot for lot in pos["lots"]}
    wanted = {k: _dec(v, f"qty_{k}") for k, v in quantities.items() if str(v).strip() not in ("", "0")}
    wanted = {k: v for k, v in wanted.items() if v > 0}
    if not wanted:
        raise ValidationError({"__all__": _("Enter the quantity to surrender of at least one lot.")})
    errors = {}
    for lot_id, q in wanted.items():
        lot = lots.get(lot_id)
        if lot is None or lot.get("_surrendered"):
            errors[f"qty_{lot_id}"] = _("Lot %(lot)s is not held by %(e)s.") % {"lot": lot_id, "e": enterprise}
        elif not lot["eligible"]:
            errors[f"qty_{lot_id}"] = _("Lot %(lot)s cannot be surrendered for %(year)d: %(reason)s") % {
                "lot": lot_id, "year": year, "reason": lot["reason"]}
        elif q > Decimal(str(lot["quantity_t"])):
            errors[f"qty_{lot_id}"] = _("Lot %(lot)s holds %(held)s t; %(q)s t cannot be surrendered.") % {
                "lot": lot_id, "held": lot["quantity_t"], "q": q}
    if errors:
        raise ValidationError(errors)
    ccer = sum((q for k, q in wanted.items() if lots[k]["instrument"] == "CCER"), Decimal(0))
    headroom = Decimal(str(pos["ccer_headroom_t"]))
    if ccer > headroom:
        raise ValidationError({"__all__": _(
            "CCER beyond the cap: %(q)s t of CCER asked, but only %(room)s t remain under the cap of %(cap)s t "
            "(5 %% of the obligation of %(ob)s t, whole tonnes; %(done)s t already surrendered).") % {
            "q": ccer, "room": headroom, "cap": pos["ccer_cap_t"], "ob": pos["obligation_t"], "done": pos["ccer_surrendered_t"]}})
    total = sum(wanted.values(), Decimal(0))
    remaining = Decimal(str(pos["remaining_t"]))
    if total > remaining:
        raise ValidationError({"__all__": _("%(q)s t is more than the %(left)s t that remain of the obligation.") % {
            "q": total, "left": remaining}})
    on = on or timezone.localdate()
    made = [holdings.surrender_lot(actor=actor, enterprise=enterprise, year=year, lot=lots[k], quantity=q, on=on)
            for k, q in wanted.items()]
    return _record(actor=actor, enterprise=enterprise, year=year, pos=pos, made=made, on=on)


def _record(*, actor, enterprise, year: int, pos: dict, made: list[dict], on: dt.date) -> ComplianceRecord:
    ob = pos["_obligation"]
    rec = (ComplianceRecord.objects.select_for_update().filter(enterprise=enterprise, year=year).first()
           or ComplianceRecord(park_id=enterprise.park_id, enterprise=enterprise, year=year))
    rec.statement = ob.statement
    rec.obligation_t = ob.tonnes
    done = holdings.surrendered(enterprise, year)
    rec.surrendered_t = sum((d["quantity_t"] for d in done), Decimal(0))
    rec.ccer_surrendered_t = sum((d["quantity_t"] for d in done if d["instrument"] == "CCER"), Decimal(0))
    rec.surrenders = position.jsonable(done)
    rec.deadline = dt.date.fromisoformat(pos["deadline"]) if pos.get("deadline") else None
    rec.status = (ComplianceRecord.Status.SETTLED if rec.surrendered_t >= rec.obligation_t
                  else ComplianceRecord.Status.PARTIAL if rec.surrendered_t > 0 else ComplianceRecord.Status.OPEN)
    rec.settled_on = on if rec.status == ComplianceRecord.Status.SETTLED else None
    rec.position = position.jsonable({k: v for k, v in pos.items() if k != "lots"} | {"made": made})
    rec.full_clean(validate_constraints=False)
    rec.save()
    return rec


# -- offset projects (T/CIECCPA 8.3.3.1–8.3.3.6) -------------------------------------------------------------------
PROJECT_FIELDS = ("kind", "name", "methodology", "location", "local", "forestry", "area_mu", "started_on", "baseline",
                  "additionality", "estimated_annual_t")


@transaction.atomic
def project_save(*, actor, enterprise, data: dict, project: OffsetProject | None = None) -> OffsetProject:
    """Create or edit a project in development. The estimate is recorded as an estimate, never as a holding."""
    _require(actor, enterprise, "change" if project else "add")
    p = project or OffsetProject(park_id=enterprise.park_id, enterprise=enterprise, created_by=actor)
    for f in PROJECT_FIELDS:
        if f in data:
            setattr(p, f, data[f])
    p.full_clean()
    p.save()
    return p


#: what each stage must record besides its date (8.3.3.1–8.3.3.6)
STAGE_NEEDS = {
    P.DEVELOPMENT: ("document",),   # the project design document with baseline, additionality and the estimate
    P.VALIDATION: ("body", "document"),
    P.REGISTRATION: ("reference",),
    P.MONITORING: ("quantity_t", "document"),
    P.VERIFICATION: ("body", "quantity_t", "document"),
    P.ISSUANCE: ("quantity_t", "reference"),
}


@transaction.atomic
def project_advance(*, actor, project: OffsetProject, stage: str, completed_on: dt.date, body: str = "", reference: str = "",
                    quantity_t=None, document=None, note: str = "", serial_first: str = "", serial_last: str = "",
                    vintage: int | None = None) -> ProjectStage:
    """Record the next stage of the pipeline with its document. Stages are taken in order; development needs the
    baseline, the additionality and the estimate; issuance needs the verified quantity at most and creates the
    credits in the ledger (the ledger's service checks the serials): only then is anything an asset."""
    _require(actor, project, "change")
    project = OffsetProject.objects.select_for_update().get(pk=project.pk)
    done = set(project.stages.values_list("stage", flat=True))
    expected = next((s for s in STAGES if s not in done), None)
    if expected is None:
        raise ValidationError({"stage": _("The project has completed every stage.")})
    if stage != expected:
        raise ValidationError({"stage": _("The next stage is “%(s)s”; stages are taken in order.") % {"s": P(expected).label}})
    if stage == P.DEVELOPMENT and not (project.baseline.strip() and project.additionality.strip() and project.estimated_annual_t):
        raise ValidationError({"stage": _("Development needs the baseline scenario, the additionality demonstration and the "
                                          "estimated annual reduction on the project.")})
    q = _dec(quantity_t, "quantity_t") if quantity_t not in (None, "") else None
    values = {"body": (body or "").strip(), "reference": (reference or "").strip(), "quantity_t": q, "document": document}
    missing = {f: _("Required for the stage “%(s)s”.") % {"s": P(stage).label} for f in STAGE_NEEDS[stage] if not values[f]}
    if missing:
        raise ValidationError(missing)
    if stage == P.ISSUANCE:
        verified = project.stages.filter(stage=P.VERIFICATION).values_list("quantity_t", flat=True).first() or Decimal(0)
        if q > verified:
            raise ValidationError({"quantity_t": _("%(q)s t is more than the %(v)s t verified.") % {"q": q, "v": verified}})
        if project.kind == OffsetProject.Kind.CCER and not project.registered_on:
            raise ValidationError({"stage": _("A CCER project is issued only after registration.")})
    ps = ProjectStage(project=project, stage=stage, completed_on=completed_on, body=values["body"], reference=values["reference"],
                      quantity_t=q, note=note or "", recorded_by=actor)
    if document:
        ps.document = document
    ps.full_clean()
    if stage == P.REGISTRATION:
        project.registration_no = values["reference"]
        project.registered_on = completed_on
    if stage == P.ISSUANCE:
        ps.ledger_movement_id = holdings.issue_credits(actor=actor, project=project, quantity=q, on=completed_on,
                                                       serial_first=serial_first, serial_last=serial_last, vintage=vintage)
        project.issued_t = q
    ps.save()
    project.stage = stage
    project.full_clean()
    project.save()
    return ps


# -- carbon-neutrality claims (T/CIECCPA 8.4) ----------------------------------------------------------------------
def claim_statement(enterprise, year: int) -> InventoryStatement:
    """The statement in force of the enterprise's management inventory for ``year`` (approved or verified); a draft
    never carries a claim."""
    qs = InventoryStatement.objects.filter(enterprise=enterprise, year=year, basis=InventoryStatement.Basis.MANAGEMENT)
    st = qs.filter(status__in=InventoryStatement.OFFICIAL).first()
    if st is None:
        if qs.filter(status=InventoryStatement.Status.DRAFT).exists():
            raise ValidationError({"year": _("The %(year)d statement of %(e)s is still a draft: a neutrality claim needs an "
                                             "approved or verified statement.") % {"year": year, "e": enterprise}})
        raise ValidationError({"year": _("%(e)s has no approved or verified statement for %(year)d: a neutrality claim "
                                         "needs one.") % {"year": year, "e": enterprise}})
    return st


def _emissions(st: InventoryStatement, gas_basis: str) -> tuple[Decimal, list[str]]:
    totals = st.totals or {}
    cats = sorted(k for k, v in (totals.get("by_category") or {}).items() if v)
    if gas_basis == NeutralityClaim.GasBasis.CO2:
        co2 = (totals.get("by_gas") or {}).get("CO2")
        if co2 is None:
            raise ValidationError({"gas_basis": _("The statement has no CO₂ total: choose the CO₂e basis.")})
        return Decimal(str(co2)), cats
    return Decimal(str(totals.get("gross") or 0)), cats


@transaction.atomic
def claim_create(*, actor, enterprise, year: int, gas_basis: str = NeutralityClaim.GasBasis.CO2E,
                 window_months: int = 12) -> NeutralityClaim:
    """A draft claim for ``year`` whose emissions, categories and gas basis come from the statement in force."""
    _require(actor, enterprise, "add")
    if NeutralityClaim.objects.filter(enterprise=enterprise, year=year).exists():
        raise ValidationError({"year": _("%(e)s already has a neutrality claim for %(year)d.") % {"e": enterprise, "year": year}})
    st = claim_statement(enterprise, year)
    emissions, cats = _emissions(st, gas_basis)
    claim = NeutralityClaim(park_id=enterprise.park_id, enterprise=enterprise, year=year, statement=st, gas_basis=gas_basis,
                            categories=cats, emissions_t=emissions.quantize(Decimal("0.001")), window_months=window_months,
                            drafted_by=actor)
    claim.full_clean(validate_constraints=False)
    claim.save()
    return claim


def claim_lots(claim: NeutralityClaim) -> list[dict]:
    """The asset core's neutrality lots of the claim: its cancellations (counted or rejected with the reason) and the
    enterprise's held units (the plan)."""
    return holdings.claim_lots(claim)


def claim_compute(claim: NeutralityClaim, lang: str = "zh") -> dict:
    lots = claim_lots(claim)
    return core_neutrality({"entity": claim.enterprise.name, "year": claim.year, "emissions_t": str(claim.emissions_t),
                            "retirement_window_months": claim.window_months,
                            "lots": [{k: v for k, v in lot.items() if not k.startswith("_")} for lot in lots]}, lang=lang)


@transaction.atomic
def claim_assess(*, actor, claim: NeutralityClaim, justification: str = "") -> NeutralityClaim:
    """Self-assessment (8.4.1–8.4.3): allocate the cancelled offsets by priority; a lower tier used while a higher one
    was held needs a recorded justification."""
    CLAIM.check(actor, claim, "assess")
    claim = NeutralityClaim.objects.select_for_update().get(pk=claim.pk)
    from django.utils.translation import get_language

    result = claim_compute(claim, "en" if (get_language() or "").startswith("en") else "zh")
    justification = (justification or "").strip() or claim.priority_justification
    if result["priority_notes"] and not justification:
        raise ValidationError({"priority_justification": " ".join(result["priority_notes"])})
    claim.result = result
    claim.priority_justification = justification
    claim.status = NeutralityClaim.Status.SELF_ASSESSED
    claim.assessed_at = timezone.now()
    claim.full_clean(validate_constraints=False)
    claim.save()
    return claim


@transaction.atomic
def claim_determine(*, actor, claim: NeutralityClaim, conclusion: str, determined_on: dt.date | None, body: str = "",
                    notes: str = "", report=None) -> NeutralityClaim:
    """The third party's determination (8.4.4–8.4.6 j)): conclusion, date, body, notes of the document review and site
    visit, and the report. "Achieved" only when the self-assessment found the offsets enough."""
    CLAIM.check(actor, claim, "determine")
    errors = {}
    if conclusion not in NeutralityClaim.Conclusion.values:
        errors["conclusion"] = _("Choose the conclusion.")
    elif conclusion == NeutralityClaim.Conclusion.ACHIEVED and not (claim.result or {}).get("achieved"):
        errors["conclusion"] = _("The counted offsets do not cover the emissions: the claim cannot be determined as achieved.")
    if determined_on is None:
        errors["determined_on"] = _("Enter the date of the determination.")
    elif determined_on > timezone.localdate():
        errors["determined_on"] = _("The determination date cannot be in the future.")
    if not (notes or "").strip():
        errors["determination_notes"] = _("Describe the document review and the site visit (8.4.5).")
    if errors:
        raise ValidationError(errors)
    claim.conclusion, claim.determined_on, claim.verifier = conclusion, determined_on, actor
    claim.verifier_body, claim.determination_notes = (body or "").strip(), notes.strip()
    if report:
        claim.determination_report = report
    claim.status = NeutralityClaim.Status.DETERMINED
    claim.full_clean(validate_constraints=False)
    claim.save()
    return claim


@transaction.atomic
def claim_declare(*, actor, claim: NeutralityClaim, maintained_until: dt.date | None) -> NeutralityClaim:
    """The declaration approved by top management (T/CPQS 7.3.5 d)): subject, period, maintained period, offsets, basis."""
    CLAIM.check(actor, claim, "declare")
    if maintained_until is None:
        raise ValidationError({"maintained_until": _("Enter the date until which the neutral status is maintained.")})
    if maintained_until < dt.date(claim.year, 12, 31):
        raise ValidationError({"maintained_until": _("The maintained period ends before the end of the claimed year.")})
    claim.maintained_until, claim.declared_by, claim.declared_at = maintained_until, actor, timezone.now()
    claim.status = NeutralityClaim.Status.DECLARED
    claim.full_clean(validate_constraints=False)
    claim.save()
    return claim


@transaction.atomic
def claim_cancel(*, actor, claim: NeutralityClaim, instrument, quantity, on: dt.date, certificate_no: str,
                 serial_first: str = "", serial_last: str = ""):
    """Cancel (注销) units of ``instrument`` for the claim (T/CIECCPA 8.4.1; spec §1.9 "offset side"). Refused: a free
    allowance, an instrument that cannot offset, a claim already determined, no certificate, credits without their
    serials; the ledger refuses more than is held and a serial range already used (surrendered, cancelled for any
    claim, sold), naming both uses."""
    _require(actor, claim, "change")
    if claim.status not in (NeutralityClaim.Status.DRAFT, NeutralityClaim.Status.SELF_ASSESSED):
        raise ValidationError({"instrument": _("The claim is determined: no more offsets can be cancelled for it.")})
    if instrument.enterprise_id != claim.enterprise_id:
        raise ValidationError({"instrument": _("The lot is not held by %(e)s.") % {"e": claim.enterprise}})
    tenancy.require_related(tenancy.Scope.of(claim), {"instrument": instrument})
    acquisition = holdings.acquisition(instrument)
    if instrument.core_name in ("CEA", "local_allowance") and acquisition != "purchased":
        raise ValidationError({"instrument": _("%(lot)s holds free allowances: a free allowance cannot offset a neutrality claim "
                                               "(T/CIECCPA 8.4.2: allowances bought on the exchange only).") % {"lot": instrument}})
    if instrument.core_name not in ("CEA", "local_allowance", "CCER", "certified_energy_saving"):
        raise ValidationError({"instrument": _("%(lot)s cannot offset a neutrality claim.") % {"lot": instrument}})
    if not (certificate_no or "").strip():
        raise ValidationError({"certificate_no": _("A cancellation counts only with the registry's certificate.")})
    if instrument.kind in instrument.SERIALISED and not (serial_first and serial_last):
        raise ValidationError({"serial_first": _("Credits are cancelled with their serial numbers.")})
    return holdings.cancel_for_claim(actor=actor, claim=claim, instrument=instrument, quantity=_dec(quantity, "quantity_t"),
                                     on=on, certificate_no=certificate_no.strip(), serial_first=(serial_first or "").strip(),
                                     serial_last=(serial_last or "").strip())
