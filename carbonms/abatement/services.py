"""Writes of the abatement app. Each is atomic, keyword-only with ``actor`` first, checks the actor's permission
in the ``planning`` domain through the tenancy, checks related records against the record's scope, validates the
whole record and refuses with a ``ValidationError`` keyed by field; nothing is half-written."""
from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from carbonms.common import tenancy
from carbonms.planning import macc

from . import estimate
from .models import ActionLine, Opportunity, Scenario

DOMAIN = "planning"


def _require(actor, action: str, park_id: int, enterprise_id: int | None) -> None:
    tenancy.require(actor, DOMAIN, action, park_id=park_id, enterprise_id=enterprise_id)


def _new_or_change(actor, model, park, enterprise, instance):
    if instance is None:
        if enterprise is not None and enterprise.park_id != park.pk:
            raise ValidationError({"enterprise": _("The enterprise is not in this park.")})
        _require(actor, "add", park.pk, enterprise.pk if enterprise else None)
        return model(park=park, enterprise=enterprise)
    _require(actor, "change", instance.park_id, instance.enterprise_id)
    return instance


def _assign(instance, data: dict[str, Any], m2m_names: tuple[str, ...] = ()) -> dict[str, Any]:
    m2m = {k: list(data[k]) for k in m2m_names if k in data}
    for k, v in data.items():
        if k not in m2m and k not in ("park", "enterprise"):
            setattr(instance, k, v)
    return m2m


def _estimate(instance) -> None:
    """Expected annual reduction from the activity before and after (accounting core); must be positive."""
    reduction, record = estimate.annual_reduction(instance.activity_before, instance.activity_after,
                                                  factor_year=instance.factor_year, gwp_set=instance.gwp_set)
    if reduction <= 0:
        raise ValidationError({"activity_after": _("With the activity after the measure the emissions are not lower than "
                                                   "before (%(before)s → %(after)s tCO₂e): this is not a reduction.")
                               % {"before": f"{record['before_t']:,.1f}", "after": f"{record['after_t']:,.1f}"}})
    instance.annual_reduction_t = reduction
    instance.estimate = record


def _cost(o: Opportunity) -> None:
    """CRF, levelised abatement cost and payback (carbonms.planning.macc)."""
    if o.lifetime_years is None or o.discount_rate_pct is None or o.capex is None or o.delta_opex is None:
        return  # full_clean names the missing field
    if not 1 <= o.lifetime_years <= 60 or not Decimal(0) <= o.discount_rate_pct <= Decimal(50):
        return  # full_clean names the field out of range
    rate = Decimal(o.discount_rate_pct) / 100
    o.crf = macc.crf(rate, o.lifetime_years).quantize(Decimal("0.00000001"))
    o.cost_per_t = macc.levelised_cost(capex=o.capex, delta_opex=o.delta_opex, abatement_t=o.annual_reduction_t,
                                       discount_rate=rate, lifetime_years=o.lifetime_years).quantize(Decimal("0.01"))
    pb = macc.payback_years(capex=o.capex, delta_opex=o.delta_opex)
    o.payback_years = None if pb is None else pb.quantize(Decimal("0.01"))


@transaction.atomic
def opportunity_save(*, actor, data: dict[str, Any], park=None, enterprise=None, instance: Opportunity | None = None) -> Opportunity:
    """Create (``park``, ``enterprise``) or update (``instance``) an opportunity; the abatement is computed by the
    accounting core and the cost by the MACC core (T/CSES 6.3.1 a); T/CIECCPA 8.1)."""
    o = _new_or_change(actor, Opportunity, park, enterprise, instance)
    m2m = _assign(o, dict(data), ("sources", "units"))
    tenancy.require_related_of(o, "owner", m2m=m2m)
    errors = {}
    try:
        _estimate(o)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    else:
        _cost(o)
    try:
        o.full_clean(exclude=list(errors))
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    o.save()
    for k, v in m2m.items():
        getattr(o, k).set(v)
    return o


@transaction.atomic
def scenario_save(*, actor, data: dict[str, Any], park=None, enterprise=None, instance: Scenario | None = None) -> Scenario:
    """Create or update a pathway scenario (T/CSES 6.3.1 b))."""
    s = _new_or_change(actor, Scenario, park, enterprise, instance)
    _assign(s, dict(data))
    errors = {}
    for field in ("extra_reductions", "sinks"):
        try:
            setattr(s, field, year_steps(getattr(s, field), field))
        except ValidationError as exc:
            errors.update(exc.message_dict)
    try:
        s.full_clean(exclude=list(errors))
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    s.save()
    return s


def year_steps(value: Any, field: str) -> dict[str, float]:
    """``{year: tCO₂e}`` checked: years 2000–2100, amounts ≥ 0."""
    if value in (None, ""):
        return {}
    if not isinstance(value, dict):
        raise ValidationError({field: _("Give an object {year: tCO₂e}.")})
    out = {}
    for k, v in value.items():
        try:
            y = int(str(k))
            x = float(v)
        except (TypeError, ValueError):
            raise ValidationError({field: _("“%(k)s: %(v)s” is not a year and a number of tonnes.") % {"k": k, "v": v}}) from None
        if not 2000 <= y <= 2100 or x < 0 or x != x:
            raise ValidationError({field: _("“%(k)s: %(v)s”: the year must lie in 2000–2100 and the tonnes must not be "
                                            "negative.") % {"k": k, "v": v}})
        out[str(y)] = x
    return dict(sorted(out.items()))


def _check_action(line: ActionLine) -> dict[str, list[str]]:
    """The rules of a plan line beyond the fields' own (T/CSES 6.2.2 c) e); T/CPQS 7.2 c) f))."""
    errors: dict[str, list[str]] = {}
    if line.responsible_id is None:
        errors["responsible"] = [_("A plan line needs a responsible person (T/CSES 6.2.2 c): who is responsible).")]
    if not (line.verification_method or "").strip():
        errors["verification_method"] = [_("A plan line needs the method by which its result is verified "
                                           "(T/CSES 6.2.2 e); T/CPQS 7.2 f)).")]
    if not (line.department or "").strip():
        errors["department"] = [_("Name the responsible department.")]
    if line.start_date and line.end_date and line.end_date < line.start_date:
        errors["end_date"] = [_("The completion date is before the start.")]
    t = line.target if line.target_id else None
    if t is not None and (t.park_id, t.enterprise_id) != (line.park_id, line.enterprise_id):
        errors["target"] = [_("The target belongs to another entity: link a target of %(who)s.") % {"who": line.owner_name}]
    if t is not None and t.status == "withdrawn":
        errors["target"] = [_("The target has been withdrawn.")]
    if line.status == ActionLine.Status.VERIFIED and line.verified_reduction_t is None:
        errors["verified_reduction_t"] = [_("A verified line records the verified annual reduction.")]
    if line.verified_reduction_t is not None and line.status not in (ActionLine.Status.COMPLETED, ActionLine.Status.VERIFIED):
        errors["verified_reduction_t"] = [_("The reduction is verified once the measure is completed.")]
    if line.verified_reduction_t is not None and line.verified_on is None:
        errors["verified_on"] = [_("Give the date of the verification.")]
    return errors


@transaction.atomic
def action_save(*, actor, data: dict[str, Any], park=None, enterprise=None, instance: ActionLine | None = None) -> ActionLine:
    """Create or update a plan line; its expected annual reduction is computed by the accounting core."""
    line = _new_or_change(actor, ActionLine, park, enterprise, instance)
    m2m = _assign(line, dict(data), ("sources", "units"))
    tenancy.require_related_of(line, "responsible", "target", "opportunity", m2m=m2m)
    errors = _check_action(line)
    try:
        _estimate(line)
    except ValidationError as exc:
        for k, v in exc.message_dict.items():
            errors.setdefault(k, []).extend(v)
    try:
        line.full_clean(exclude=list(errors))
    except ValidationError as exc:
        for k, v in exc.message_dict.items():
            errors.setdefault(k, []).extend(v)
    if errors:
        raise ValidationError(errors)
    line.save()
    for k, v in m2m.items():
        getattr(line, k).set(v)
    return line


@transaction.atomic
def opportunity_promote(*, actor, opportunity: Opportunity, data: dict[str, Any]) -> ActionLine:
    """"Promote to action plan": a plan line of the same entity carrying the opportunity's measure, activity,
    sources and units; ``data`` gives what a plan line adds (target, responsible, dates, verification…)."""
    if opportunity.status == Opportunity.Status.PROMOTED:
        raise ValidationError({"opportunity": _("This opportunity has already been promoted to an action plan.")})
    stage_kind = {Opportunity.Stage.END_OF_PIPE: ActionLine.Type.CAPTURE,
                  Opportunity.Stage.SOURCE: ActionLine.Type.SUBSTITUTION}.get(opportunity.stage, ActionLine.Type.EFFICIENCY)
    if opportunity.category == Opportunity.Category.ENERGY_STRUCTURE:
        stage_kind = ActionLine.Type.ENERGY_STRUCTURE
    values = {"code": opportunity.code, "measure": opportunity.title, "technical_content": opportunity.description,
              "kind": stage_kind, "opportunity": opportunity, "activity_before": opportunity.activity_before,
              "activity_after": opportunity.activity_after, "gwp_set": opportunity.gwp_set,
              "factor_year": opportunity.factor_year, "budget": opportunity.capex,
              "sources": list(opportunity.sources.all()), "units": list(opportunity.units.all()), **data}
    line = action_save(actor=actor, data=values, park=opportunity.park, enterprise=opportunity.enterprise)
    _require(actor, "change", opportunity.park_id, opportunity.enterprise_id)
    opportunity.status = Opportunity.Status.PROMOTED
    opportunity.save()
    return line
