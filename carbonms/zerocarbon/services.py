"""Writes of the zero-carbon plan and the technology positive list. Keyword-only, ``actor`` first, atomic, the role
permission (domain ``governance``) checked first, every record ``full_clean``-ed; a refusal is a ``ValidationError``
keyed by field and nothing is half-written.

The one rule beyond field validation (T/CSES 6.3.3 a); planning-and-assets §1.6.1): a green certificate is claimed
once — by one entity, in its market-based electricity or its renewable share — never by both the park and an
enterprise; :func:`supply_save` refuses a second claim and names the first.
"""
from __future__ import annotations

import re
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from carbonms.common import tenancy
from carbonms.organizations.reference import industry_division

from .models import (
    CertificateClaim,
    DemonstrationProject,
    IndicatorValue,
    Infrastructure,
    PlanTarget,
    RenewableSupply,
    Technology,
    TechnologyEvaluation,
    ZeroCarbonPlan,
)
from .workflows import PLAN

DOMAIN = "governance"


def _require(actor, action: str, park_id: int) -> None:
    tenancy.require(actor, DOMAIN, action, park_id=park_id)


def _apply(obj, data: dict, fields) -> None:
    for f in fields:
        if f in data:
            setattr(obj, f, data[f])


def _in_park(park, **records) -> None:
    """Refuse an enterprise or installation of another park (the same answer as a missing choice)."""
    errors = {name: tenancy.out_of_scope_message() for name, r in records.items()
              if r is not None and getattr(r, "park_id", None) != park.pk}
    if errors:
        raise ValidationError(errors)


# -- the plan -------------------------------------------------------------------------------------------------------
PLAN_FIELDS = ("title", "first_year", "last_year", "summary")


@transaction.atomic
def plan_save(*, actor, park=None, plan: ZeroCarbonPlan | None = None, data: dict) -> ZeroCarbonPlan:
    """A new draft plan of ``park`` (version after the last one), or the edit of a draft."""
    if plan is None:
        _require(actor, "add", park.pk)
        last = ZeroCarbonPlan.objects.filter(park=park).order_by("-version").first()
        plan = ZeroCarbonPlan(park=park, drafted_by=actor, version=(last.version + 1) if last else 1)
    else:
        _require(actor, "change", plan.park_id)
        if plan.status != ZeroCarbonPlan.Status.DRAFT:
            raise ValidationError({"status": _("Only a draft plan can be edited; start a new version.")})
    _apply(plan, data, PLAN_FIELDS)
    if plan.first_year and plan.last_year and plan.last_year < plan.first_year:
        raise ValidationError({"last_year": _("The last year is before the first year.")})
    plan.full_clean()
    plan.save()
    return plan


@transaction.atomic
def plan_approve(*, actor, plan: ZeroCarbonPlan) -> ZeroCarbonPlan:
    """Approval by somebody other than the author (declared in workflows.PLAN); the version in force is superseded."""
    PLAN.check(actor, plan, "approve")
    if not plan.targets.exists():
        raise ValidationError({"status": _("A plan without yearly targets cannot be approved.")})
    for old in ZeroCarbonPlan.objects.filter(park_id=plan.park_id, status=ZeroCarbonPlan.Status.APPROVED).exclude(pk=plan.pk):
        old.status = ZeroCarbonPlan.Status.SUPERSEDED
        old.save()
    plan.status, plan.approved_by, plan.approved_at = ZeroCarbonPlan.Status.APPROVED, actor, timezone.now()
    plan.save()
    return plan


@transaction.atomic
def plan_revise(*, actor, plan: ZeroCarbonPlan) -> ZeroCarbonPlan:
    """A new draft version with the targets of ``plan``; ``plan`` stays in force until the new one is approved."""
    PLAN.check(actor, plan, "revise")
    if ZeroCarbonPlan.objects.filter(park_id=plan.park_id, status=ZeroCarbonPlan.Status.DRAFT).exists():
        raise ValidationError({"status": _("A draft version of this plan exists already.")})
    new = plan_save(actor=actor, park=plan.park, data={f: getattr(plan, f) for f in PLAN_FIELDS})
    new.supersedes = plan
    new.save()
    for t in plan.targets.all():
        PlanTarget.objects.create(plan=new, year=t.year, indicator=t.indicator, value=t.value)
    return new


@transaction.atomic
def target_save(*, actor, plan: ZeroCarbonPlan, data: dict) -> PlanTarget:
    """Set the target of an indicator and year of a draft plan (replaces the value already set)."""
    _require(actor, "change", plan.park_id)
    if plan.status != ZeroCarbonPlan.Status.DRAFT:
        raise ValidationError({"value": _("The targets of an approved plan are frozen; start a new version.")})
    year = data.get("year")
    if year is not None and not (plan.first_year <= year <= plan.last_year):
        raise ValidationError({"year": _("%(year)s is outside the plan's years %(a)s–%(b)s.")
                               % {"year": year, "a": plan.first_year, "b": plan.last_year}})
    target = PlanTarget.objects.filter(plan=plan, year=year, indicator=data.get("indicator")).first() or PlanTarget(plan=plan)
    _apply(target, data, ("year", "indicator", "value"))
    if target.indicator in ("renewable_share", "cascade_use") and target.value is not None and target.value > 100:
        raise ValidationError({"value": _("A share is at most 100 %.")})
    target.full_clean()
    target.save()
    return target


# -- infrastructure, indicators ------------------------------------------------------------------------------------
@transaction.atomic
def infrastructure_save(*, actor, park=None, item: Infrastructure | None = None, data: dict) -> Infrastructure:
    if item is None:
        _require(actor, "add", park.pk)
        item = Infrastructure(park=park)
    else:
        _require(actor, "change", item.park_id)
    _apply(item, data, ("enterprise", "kind", "name", "capacity", "commissioned_on", "retired_on", "notes"))
    _in_park(item.park, enterprise=item.enterprise if item.enterprise_id else None)
    if item.retired_on and item.commissioned_on and item.retired_on < item.commissioned_on:
        raise ValidationError({"retired_on": _("Retired before it was commissioned.")})
    item.full_clean()
    item.save()
    return item


@transaction.atomic
def indicator_value_save(*, actor, park, data: dict) -> IndicatorValue:
    _require(actor, "add", park.pk)
    obj = IndicatorValue.objects.filter(park=park, year=data.get("year"), indicator=data.get("indicator")).first() \
        or IndicatorValue(park=park)
    _apply(obj, data, ("year", "indicator", "value", "source"))
    if obj.value is not None and obj.value > 100:
        raise ValidationError({"value": _("A share is at most 100 %.")})
    obj.full_clean()
    obj.save()
    return obj


# -- renewable supply and the one-claim rule -----------------------------------------------------------------------
def parse_certificate_ids(value) -> list[str]:
    """IDs separated by spaces, commas, semicolons or lines; order kept, duplicates within the entry refused."""
    items = value if isinstance(value, list | tuple) else re.split(r"[\s,;，；]+", value or "")
    ids = [str(i).strip() for i in items if str(i).strip()]
    dupes = sorted({i for i in ids if ids.count(i) > 1})
    if dupes:
        raise ValidationError({"certificate_ids": _("Certificate IDs listed twice: %(ids)s.") % {"ids": ", ".join(dupes)}})
    bad = [i for i in ids if len(i) > 64]
    if bad:
        raise ValidationError({"certificate_ids": _("A certificate ID has at most 64 characters: %(id)s.") % {"id": bad[0][:70]}})
    return ids


def _claim_refusal(supply: RenewableSupply, taken: list[CertificateClaim]) -> ValidationError:
    first = taken[0]
    other = first.supply
    if other.park_id == supply.park_id:
        who = other.enterprise.name if other.enterprise_id else other.park.name
        msg = _("Certificate %(id)s is already claimed by %(who)s in its %(use)s for %(year)s (supply record #%(pk)s); "
                "a certificate is claimed once.") % {"id": first.certificate_id, "who": who,
                                                      "use": other.get_use_display(), "year": other.year, "pk": other.pk}
    else:  # another park's claim: say that it is taken, not by whom
        msg = _("Certificate %(id)s is already claimed by another organisation; a certificate is claimed once.") % {
            "id": first.certificate_id}
    if len(taken) > 1:
        msg += " " + _("%(n)d more of the IDs given are claimed already.") % {"n": len(taken) - 1}
    return ValidationError({"certificate_ids": msg})


@transaction.atomic
def supply_save(*, actor, park, data: dict) -> RenewableSupply:
    """Record renewable electricity claimed by the park (``enterprise`` empty) or by one of its enterprises.

    On-site supply names its installation (owned by the claimant); certificates carry their IDs, one MWh each, and
    each ID is claimed once across the platform."""
    _require(actor, "add", park.pk)
    supply = RenewableSupply(park=park)
    _apply(supply, data, ("enterprise", "year", "kind", "use", "mwh", "infrastructure", "reference", "supplier"))
    _in_park(park, enterprise=supply.enterprise if supply.enterprise_id else None,
             infrastructure=supply.infrastructure if supply.infrastructure_id else None)
    ids = parse_certificate_ids(data.get("certificate_ids") or [])
    K = RenewableSupply.Kind
    if supply.kind == K.ONSITE:
        if supply.infrastructure_id is None:
            raise ValidationError({"infrastructure": _("On-site renewable supply names the installation that produced it.")})
        if supply.infrastructure.enterprise_id != supply.enterprise_id and supply.enterprise_id is not None:
            raise ValidationError({"infrastructure": _("The installation belongs to %(owner)s, not to the claimant.")
                                   % {"owner": supply.infrastructure.enterprise.name}})
        if supply.use == RenewableSupply.Use.MARKET_BASED:
            raise ValidationError({"use": _("On-site generation is not a market instrument: it counts in the renewable share.")})
    if supply.kind == K.CERTIFICATE:
        if not ids:
            raise ValidationError({"certificate_ids": _("Green certificates are recorded with their IDs.")})
        if supply.mwh is not None and Decimal(len(ids)) != Decimal(supply.mwh):
            raise ValidationError({"mwh": _("%(n)d certificate IDs cover %(n)d MWh, not %(mwh)s MWh (one certificate is 1 MWh).")
                                   % {"n": len(ids), "mwh": supply.mwh}})
    elif ids and supply.kind != K.GREEN_POWER:
        raise ValidationError({"certificate_ids": _("Only certificates and green-power contracts carry certificate IDs.")})
    supply.certificate_ids = ids
    supply.full_clean()
    taken = list(CertificateClaim.objects.filter(certificate_id__in=ids).select_related("supply__enterprise", "supply__park"))
    if taken:
        raise _claim_refusal(supply, taken)
    supply.save()
    try:
        with transaction.atomic():
            for cid in ids:
                CertificateClaim.objects.create(supply=supply, certificate_id=cid)
    except IntegrityError:  # claimed concurrently between the check and the insert
        raise _claim_refusal(supply, list(CertificateClaim.objects.filter(certificate_id__in=ids).exclude(supply=supply)
                                         .select_related("supply__enterprise", "supply__park"))) from None
    return supply


# -- the technology positive list ----------------------------------------------------------------------------------
def parse_industries(value) -> list[str]:
    """GB/T 4754-2017 codes (2–4 digits, in a division of the standard)."""
    items = value if isinstance(value, list | tuple) else re.split(r"[\s,;，；]+", value or "")
    codes = [str(c).strip() for c in items if str(c).strip()]
    for c in codes:
        if not re.fullmatch(r"\d{2,4}", c) or industry_division(c[:2]) is None:
            raise ValidationError({"industries": _("%(code)s is not a GB/T 4754-2017 industry code.") % {"code": c}})
    return list(dict.fromkeys(codes))


TECH_FIELDS = ("name", "category", "description", "abatement_potential", "cost_low", "cost_high", "maturity",
               "reference_catalogue", "listed_on", "retired_on", "evaluation_due_on", "owner")


@transaction.atomic
def technology_save(*, actor, park=None, technology: Technology | None = None, data: dict) -> Technology:
    if technology is None:
        _require(actor, "add", park.pk)
        technology = Technology(park=park)
    else:
        _require(actor, "change", technology.park_id)
    _apply(technology, data, TECH_FIELDS)
    if "industries" in data:
        technology.industries = parse_industries(data["industries"])
    if technology.cost_low is not None and technology.cost_high is not None and technology.cost_high < technology.cost_low:
        raise ValidationError({"cost_high": _("The upper end of the cost range is below its lower end.")})
    if technology.retired_on and technology.listed_on and technology.retired_on < technology.listed_on:
        raise ValidationError({"retired_on": _("Retired before it was listed.")})
    tenancy.require_related_of(technology, "owner")
    technology.full_clean()
    technology.save()
    return technology


@transaction.atomic
def technology_evaluate(*, actor, technology: Technology, data: dict) -> TechnologyEvaluation:
    """Record a periodic evaluation; it sets the next due date (the reminder follows it) and retires the entry when
    it concludes so."""
    _require(actor, "change", technology.park_id)
    ev = TechnologyEvaluation(technology=technology, evaluated_by=actor)
    _apply(ev, data, ("evaluated_on", "conclusion", "findings", "next_due_on"))
    if ev.next_due_on and ev.evaluated_on and ev.next_due_on <= ev.evaluated_on:
        raise ValidationError({"next_due_on": _("The next evaluation is due after this one.")})
    if ev.conclusion != TechnologyEvaluation.Conclusion.RETIRE and not ev.next_due_on:
        raise ValidationError({"next_due_on": _("An entry that stays on the list needs its next evaluation date.")})
    ev.full_clean()
    ev.save()
    technology.evaluation_due_on = ev.next_due_on
    if ev.conclusion == TechnologyEvaluation.Conclusion.RETIRE:
        technology.retired_on = ev.evaluated_on
        technology.evaluation_due_on = None
    technology.save()
    return ev


@transaction.atomic
def demonstration_save(*, actor, technology: Technology, project: DemonstrationProject | None = None,
                       data: dict) -> DemonstrationProject:
    _require(actor, "change", technology.park_id)
    if project is None:
        project = DemonstrationProject(technology=technology, park_id=technology.park_id)
    _apply(project, data, ("enterprise", "name", "status", "started_on", "investment_10k_yuan", "abatement_t", "results"))
    _in_park(technology.park, enterprise=project.enterprise if project.enterprise_id else None)
    project.full_clean()
    project.save()
    return project
