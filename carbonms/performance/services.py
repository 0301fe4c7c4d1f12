"""Writes of the performance app: baselines and their adjustment, targets, allocations and decomposition.

Every service is keyword-only with ``actor`` first, atomic, checks the role and the workflow first and
raises ``ValidationError`` keyed by field with translated text; nothing is half-written.

* :func:`baseline_save`, :func:`baseline_approve` — a versioned baseline (T/CSES 6.5; T/CPQS 7.5):
  base period ≥ 12 months, the static factors snapshot, an optional regression model
  (``carbonms.planning.baseline``).
* :func:`trigger_add`, :func:`trigger_estimate`, :func:`adjustment_propose`, :func:`adjustment_approve` —
  the recalculation-or-not decision (T/CSES 6.5 a)–c); ``carbonms.planning.rebase``).
* :func:`target_save`, :func:`target_step`, :func:`target_publish` — a target and its workflow
  (T/CIECCPA 6.2.2 a)–c)); milestones from ``carbonms.planning.targets``.
* :func:`allocation_save`, :func:`allocation_issue`, :func:`allocation_accept`, :func:`allocation_return`
  — the cascade park → enterprise (T/CSES 0.4; T/CPQS 7.1) with the over-allocation and weakening checks;
  a park-assigned target is not editable by the enterprise (B8).
"""
from __future__ import annotations

import datetime as dt
from decimal import ROUND_DOWN, Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from carbonms.accounting.categories import CATEGORY_CODES
from carbonms.common import tenancy
from carbonms.planning import targets as target_core
from carbonms.planning.errors import PlanningErrors
from carbonms.planning.rebase import rebase as rebase_core

from .models import (
    EMISSION_METRICS,
    Baseline,
    BaselineAdjustment,
    BaselineTrigger,
    CountingBasis,
    Metric,
    Target,
    TargetAllocation,
)
from .workflows import ADJUSTMENT, ALLOCATION, BASELINE, TARGET

GWP_SETS = ("SAR", "AR4", "AR5", "AR6")
Q4 = Decimal("0.000001")
ROUNDING = Decimal("0.01")  # the sum of allocations rounded to 10⁻⁴ t each may pass the room by less than this


def _d(x) -> Decimal:
    return Decimal(str(x)).quantize(Q4)


def _lang() -> str:
    from django.utils.translation import get_language

    return "en" if (get_language() or "zh").startswith("en") else "zh"


def _planning_errors(exc: PlanningErrors, field: str) -> ValidationError:
    return ValidationError({field: [e.text(_lang()) for e in exc.errors]})


def _require(actor, action: str, park_id: int, enterprise_id: int | None) -> None:
    tenancy.require(actor, "planning", action, park_id=park_id, enterprise_id=enterprise_id)


def _check_categories(categories, field="categories") -> list[str]:
    if not isinstance(categories, (list, tuple)) or not categories:
        raise ValidationError({field: _("Choose at least one emission category.")})
    unknown = [c for c in categories if c not in CATEGORY_CODES]
    if unknown:
        raise ValidationError({field: _("Unknown emission categories: %(c)s.") % {"c": ", ".join(map(str, unknown))}})
    return [c for c in CATEGORY_CODES if c in set(categories)]


def _entity_of(park, enterprise, unit, equipment=None):
    """Refuse a unit or equipment that is not the enterprise's, and an enterprise of another park."""
    if enterprise is not None and enterprise.park_id != park.pk:
        raise ValidationError({"enterprise": tenancy.out_of_scope_message()})
    if unit is not None and (enterprise is None or unit.enterprise_id != enterprise.pk):
        raise ValidationError({"unit": _("The emission unit must belong to the target's enterprise.")})
    if equipment is not None and (enterprise is None or equipment.enterprise_id != enterprise.pk):
        raise ValidationError({"equipment": _("The equipment must belong to the target's enterprise.")})


# -- baselines --------------------------------------------------------------------------------------------------------
def months_between(start: dt.date, end: dt.date) -> int:
    """Whole calendar months covered from ``start`` to ``end`` inclusive (2025-01-01 → 2025-12-31: 12)."""
    months = (end.year - start.year) * 12 + end.month - start.month + 1
    if end.day < start.day - 1 and not _last_day(end):
        months -= 1
    return months


def _last_day(d: dt.date) -> bool:
    return (d + dt.timedelta(days=1)).day == 1


def static_factors(*, park, enterprise=None, unit=None, on: dt.date, statement=None) -> dict:
    """The static factors of an entity on a date, as a snapshot (T/CPQS 7.5 注; spec §1.3): the boundary
    version in force, sites, capacity (rated capacity of equipment in service), industry, products, the
    factor policy of the statement the value comes from, and the enterprises counted (park)."""
    from carbonms.carbondata.models import Product
    from carbonms.organizations.models import Boundary, Enterprise, Equipment, Site

    b = (Boundary.objects.filter(park=park, enterprise=enterprise, kind=Boundary.Kind.ACCOUNTING, effective_from__lte=on)
         .order_by("-effective_from").first())
    out: dict = {"on": on.isoformat(), "boundary": {"id": b.pk, "effective_from": b.effective_from.isoformat(),
                                                   "sites": sorted(b.sites.values_list("pk", flat=True))} if b else None}
    if enterprise is not None:
        eq = Equipment.objects.filter(enterprise=enterprise).exclude(status=Equipment.Status.RETIRED)
        if unit is not None:
            eq = eq.filter(unit=unit)
        cap: dict[str, float] = {}
        for row in eq.exclude(rated_capacity__isnull=True).values("capacity_unit").annotate(s=Sum("rated_capacity")):
            cap[row["capacity_unit"] or "-"] = float(row["s"])
        out.update(
            sites=sorted(Site.objects.filter(enterprise=enterprise).values_list("code", flat=True)),
            capacity=cap, industry=enterprise.industry_code,
            products=sorted(Product.objects.filter(enterprise=enterprise, active=True).values_list("code", flat=True)),
        )
    else:
        members = Enterprise.objects.filter(park=park).exclude(status=Enterprise.Status.CLOSED)
        out.update(enterprises=sorted(members.values_list("pk", flat=True)),
                   industries=sorted(set(members.values_list("industry_code", flat=True))))
    if statement is not None:
        out["factor_policy"] = statement.policy
        out["statement"] = {"id": statement.pk, "year": statement.year, "basis": statement.basis, "run": statement.run_id}
    return out


def _regression(data: dict, period_start: dt.date, period_end: dt.date) -> dict:
    """Fit the optional regression model (``carbonms.planning.baseline.fit``) over the base period."""
    from carbonms.planning import baseline as baseline_core

    spec = {**data, "model_start": data.get("model_start") or f"{period_start:%Y-%m}",
            "model_end": data.get("model_end") or f"{period_end:%Y-%m}"}
    try:
        return baseline_core.fit(spec, lang=_lang())
    except PlanningErrors as exc:
        raise _planning_errors(exc, "regression_input") from None


BASELINE_FIELDS = ("name", "metric", "period_start", "period_end", "base_year", "value", "unit_label", "categories", "gwp_set",
                   "counting_basis", "statement", "threshold_pct", "rationale", "regression_input")


@transaction.atomic
def baseline_save(*, actor, park, data: dict, enterprise=None, unit=None, baseline: Baseline | None = None) -> Baseline:
    """Create a draft baseline or change a draft (an approved version changes only by an adjustment)."""
    if baseline is None:
        _require(actor, "add", park.pk, enterprise.pk if enterprise else None)
        _entity_of(park, enterprise, unit)
        baseline = Baseline(park=park, enterprise=enterprise, unit=unit, author=actor)
    else:
        tenancy.get_for_user(Baseline.objects.all(), actor, baseline.pk, "change")
        if baseline.status != Baseline.Status.DRAFT:
            raise ValidationError({"status": _("An approved baseline changes only by an adjustment decision (a new version).")})
    for f in BASELINE_FIELDS:
        if f in data:
            setattr(baseline, f, data[f])
    start, end = baseline.period_start, baseline.period_end
    if start and end:
        if end < start:
            raise ValidationError({"period_end": _("The base period ends before it starts.")})
        if months_between(start, end) < 12:
            raise ValidationError({"period_end": _("The base period must cover at least 12 consecutive months (it covers %(n)d).")
                                   % {"n": months_between(start, end)}})
        if not baseline.base_year:
            baseline.base_year = start.year
    baseline.categories = _check_categories(baseline.categories)
    if baseline.gwp_set not in GWP_SETS:
        raise ValidationError({"gwp_set": _("Choose a GWP set: %(s)s.") % {"s": ", ".join(GWP_SETS)}})
    st = baseline.statement
    if st is not None:
        own = (st.park_id, st.enterprise_id) == (baseline.park_id, baseline.enterprise_id)
        park_counted = (baseline.counting_basis == CountingBasis.PARK_COUNTED and st.park_id == baseline.park_id
                        and st.enterprise_id is None)
        if not (own or park_counted):
            raise ValidationError({"statement": tenancy.out_of_scope_message()})
        if st.gwp_set != baseline.gwp_set:
            raise ValidationError({"gwp_set": _("The statement was computed with %(s)s; the baseline must use the same GWP set.")
                                   % {"s": st.gwp_set}})
    if baseline.value in (None, "") and st is not None:  # the figure of record, over the categories covered
        value, _detail = statement_value(st, baseline.categories, metric=baseline.metric,
                                         enterprise_id=baseline.enterprise_id, counting_basis=baseline.counting_basis)
        baseline.value = None if value is None else _d(value)
    if baseline.value is None or Decimal(str(baseline.value)) <= 0:
        raise ValidationError({"value": _("The base value must be greater than zero.")})
    if baseline.regression_input:
        baseline.regression = _regression(baseline.regression_input, start, end)
    else:
        baseline.regression = {}
    if start and end:
        baseline.static_factors = static_factors(park=baseline.park, enterprise=baseline.enterprise, unit=baseline.unit,
                                                 on=end, statement=st)
    baseline.full_clean()
    baseline.save()
    return baseline


def statement_value(statement, categories, *, metric: str = Metric.ABSOLUTE, enterprise_id: int | None = None,
                    counting_basis: str = CountingBasis.ENTERPRISE, unit=None, product=None,
                    equipment=None) -> tuple[Decimal | None, dict]:
    """The value of ``metric`` from a statement in force (the figure of record), with how it was computed.

    Absolute: Σ of the statement's ``by_category`` over ``categories``; the park-counted contribution of
    an enterprise (``counting_basis`` park_counted) is its line in the park statement's ``by_enterprise``
    (in-park energy counted at the supplier); a unit's value is Σ of the run's results of its sources.
    Intensities are Σ emissions / Σ denominator of the statement (T/CSES 3.3.10).
    """
    from carbonms.inventory.models import RunResult

    totals = statement.totals or {}
    detail: dict = {"statement": statement.pk, "year": statement.year, "basis": counting_basis}
    if equipment is not None or unit is not None:  # a unit's or a piece of equipment's sources in the statement's run
        rows = RunResult.objects.filter(run_id=statement.run_id, category__in=categories)
        rows = rows.filter(source__equipment=equipment) if equipment is not None else rows.filter(source__unit=unit)
        emissions = Decimal(str(rows.aggregate(s=Sum("co2e_t"))["s"] or 0))
        detail["equipment" if equipment is not None else "unit"] = (equipment or unit).pk
    elif counting_basis == CountingBasis.PARK_COUNTED and enterprise_id is not None:
        emissions = Decimal(str((totals.get("by_enterprise") or {}).get(str(enterprise_id), 0)))
        detail["park_statement"] = statement.pk
    else:
        by_cat = totals.get("by_category") or {}
        emissions = sum((Decimal(str(by_cat.get(c, 0) or 0)) for c in categories), Decimal(0))
    detail["emissions"] = float(emissions)
    if metric == Metric.ABSOLUTE:
        return emissions, detail
    den = statement.denominators or {}
    denominator = None
    if metric == Metric.PER_VALUE_ADDED:
        denominator = den.get("value_added_10k_yuan")
    elif metric == Metric.PER_ENERGY:
        denominator = totals.get("energy_tce")
    elif metric == Metric.PER_OUTPUT:
        for p in den.get("products") or []:
            if product is not None and p.get("code") == product.code:
                denominator = p.get("quantity")
    if denominator in (None, "", 0) or Decimal(str(denominator)) == 0:
        return None, {**detail, "missing": "denominator"}
    denominator = Decimal(str(denominator))
    detail["denominator"] = float(denominator)
    return emissions / denominator, detail


@transaction.atomic
def baseline_approve(*, actor, baseline: Baseline) -> Baseline:
    BASELINE.check(actor, baseline, "approve")
    if baseline.previous_id:
        Baseline.objects.filter(pk=baseline.previous_id, status=Baseline.Status.APPROVED).update(status=Baseline.Status.SUPERSEDED)
    baseline.status = Baseline.Status.APPROVED
    baseline.approved_by = actor
    baseline.approved_at = timezone.now()
    baseline.save()
    return baseline


# -- triggers and the adjustment decision -------------------------------------------------------------------------------
#: the kind of change the rebase core counts for each trigger (structural, method, factor, error)
CHANGE_KIND = {
    "boundary": "acquisition", "enterprise_entry": "acquisition", "enterprise_exit": "divestment",
    "source_added": "insourcing", "source_retired": "outsourcing", "capacity": "acquisition", "factor": "factor",
    "method": "method", "error": "error", "review": "method",
}


@transaction.atomic
def trigger_add(*, actor, baseline: Baseline, kind: str, description: str, base_year_effect=None, change_kind: str = "",
                evidence: dict | None = None, fingerprint: str = "") -> BaselineTrigger:
    """Record a change that may call for a recalculation. ``actor`` None: raised by the platform (detection)."""
    if actor is not None:
        tenancy.get_for_user(Baseline.objects.all(), actor, baseline.pk, "change")
    if kind == "organic":
        raise ValidationError({"kind": _("Organic growth or decline is never a base-year change.")})
    if kind not in BaselineTrigger.Kind.values:
        raise ValidationError({"kind": _("Unknown trigger: %(k)s.") % {"k": kind}})
    if baseline.status == Baseline.Status.SUPERSEDED:
        raise ValidationError({"baseline": _("This baseline version is superseded; record the change on the version in force.")})
    if fingerprint and BaselineTrigger.objects.filter(baseline=baseline, fingerprint=fingerprint).exists():
        return BaselineTrigger.objects.get(baseline=baseline, fingerprint=fingerprint)
    t = BaselineTrigger(baseline=baseline, kind=kind, change_kind=change_kind or CHANGE_KIND[kind],
                        description=(description or "").strip()[:400], evidence=evidence or {}, fingerprint=fingerprint,
                        raised_by=actor, base_year_effect=None if base_year_effect in (None, "") else _d(base_year_effect))
    if not t.description:
        raise ValidationError({"description": _("Describe the change.")})
    t.full_clean()
    t.save()
    return t


@transaction.atomic
def trigger_estimate(*, actor, trigger: BaselineTrigger, base_year_effect, evidence_note: str = "",
                     dismiss: bool = False) -> BaselineTrigger:
    """Enter the signed base-year effect of an open trigger (or dismiss it: no base-year effect)."""
    tenancy.get_for_user(BaselineTrigger.objects.all(), actor, trigger.pk, "change")
    if trigger.status != BaselineTrigger.Status.OPEN:
        raise ValidationError({"status": _("Only an open trigger can be estimated.")})
    if dismiss:
        trigger.status = BaselineTrigger.Status.DISMISSED
        trigger.base_year_effect = Decimal(0)
    else:
        if base_year_effect in (None, ""):
            raise ValidationError({"base_year_effect": _("Enter the base-year effect (signed, in the baseline's unit).")})
        trigger.base_year_effect = _d(base_year_effect)
    if evidence_note:
        trigger.evidence = {**trigger.evidence, "note": evidence_note}
    trigger.save()
    return trigger


@transaction.atomic
def adjustment_propose(*, actor, baseline: Baseline, evidence: str) -> BaselineAdjustment:
    """Decide on the baseline's open triggers with the rebase core: cumulative Σ|effect| against the
    baseline's threshold; recalculation to base + Σ signed effects, or a "no recalculation" decision."""
    tenancy.get_for_user(Baseline.objects.all(), actor, baseline.pk, "change")
    if baseline.status != Baseline.Status.APPROVED:
        raise ValidationError({"baseline": _("Only the approved baseline in force can be adjusted.")})
    if BaselineAdjustment.objects.filter(baseline=baseline, status=BaselineAdjustment.Status.PROPOSED).exists():
        raise ValidationError({"baseline": _("A decision on this baseline is already waiting for approval.")})
    triggers = list(BaselineTrigger.objects.select_for_update().filter(baseline=baseline, status=BaselineTrigger.Status.OPEN))
    if not triggers:
        raise ValidationError({"baseline": _("There is no open trigger to decide on.")})
    missing = [t for t in triggers if t.base_year_effect is None]
    if missing:
        raise ValidationError({"baseline": _("Estimate the base-year effect of every open trigger first: %(t)s.")
                               % {"t": "; ".join(t.description for t in missing)}})
    if not (evidence or "").strip():
        raise ValidationError({"evidence": _("Give the evidence and the explanation of the decision.")})
    spec = {"base_year": baseline.base_year, "base_value": float(baseline.value), "threshold_pct": float(baseline.threshold_pct),
            "changes": [{"kind": t.change_kind, "base_year_effect_t": float(t.base_year_effect)} for t in triggers]}
    try:
        result = rebase_core(spec)
    except PlanningErrors as exc:
        raise _planning_errors(exc, "baseline") from None
    adj = BaselineAdjustment.objects.create(
        baseline=baseline, cumulative_pct=Decimal(str(result["cumulative_pct"])).quantize(Decimal("0.001")),
        threshold_pct=baseline.threshold_pct, recalculate=result["recalculated"], value_before=baseline.value,
        value_after=_d(result["base_value"]), result={**result, "input": spec, "triggers": [t.pk for t in triggers]},
        evidence=evidence.strip(), proposed_by=actor)
    BaselineTrigger.objects.filter(pk__in=[t.pk for t in triggers]).update(adjustment=adj)
    return adj


@transaction.atomic
def adjustment_approve(*, actor, adjustment: BaselineAdjustment) -> BaselineAdjustment:
    """Top management approves the decision; a recalculation makes the next baseline version."""
    ADJUSTMENT.check(actor, adjustment, "approve")
    old = adjustment.baseline
    if adjustment.recalculate:
        new = Baseline.objects.get(pk=old.pk)
        new.pk = None
        new.id = None
        new._state.adding = True
        new.version = (Baseline.objects.filter(park=old.park, enterprise=old.enterprise, unit=old.unit, name=old.name)
                       .order_by("-version").values_list("version", flat=True).first() or old.version) + 1
        new.previous = old
        new.value = adjustment.value_after
        new.status = Baseline.Status.APPROVED
        new.author = adjustment.proposed_by
        new.approved_by = actor
        new.approved_at = timezone.now()
        new.static_factors = static_factors(park=old.park, enterprise=old.enterprise, unit=old.unit,
                                            on=timezone.localdate(), statement=old.statement)
        new.save()
        old.status = Baseline.Status.SUPERSEDED
        old.save()
        adjustment.after = new
    adjustment.status = BaselineAdjustment.Status.APPROVED
    adjustment.approved_by = actor
    adjustment.approved_at = timezone.now()
    adjustment.effective_on = timezone.localdate()
    adjustment.save()
    adjustment.triggers.update(status=BaselineTrigger.Status.DECIDED)
    return adjustment


# -- targets ------------------------------------------------------------------------------------------------------------
TARGET_FIELDS = ("code", "title", "objective", "metric", "product", "unit_label", "categories", "counting_basis", "gwp_set",
                 "baseline", "base_year", "base_value", "start_year", "target_year", "method", "reduction_pct",
                 "target_value", "reserve")


def _may_edit_assigned(actor, target: Target) -> None:
    """B8: a target the park assigned is written by the park only; the enterprise accepts it."""
    if target.assigned_by_park and not tenancy.is_park_member(actor, target.park_id):
        raise ValidationError({"assigned_by_park": _("This target was assigned by the park: the enterprise accepts it but "
                                                     "cannot change it.")})


def compute(target: Target) -> None:
    """Target value and milestones with the planning core (linear from the base year; T/CSES 9.1 a) 4))."""
    spec = {"id": target.code, "kind": "absolute" if target.metric == Metric.ABSOLUTE else "intensity",
            "base_year": target.base_year, "base_value": float(target.base_value), "target_year": target.target_year,
            "start_year": target.start_year}
    if target.higher_is_better:
        # shares and efficiencies rise: the core's milestones are linear either way; the value is given directly
        if target.method != Target.Method.FIXED or target.target_value is None:
            raise ValidationError({"method": _("A share or efficiency target is set as a fixed target value.")})
        if Decimal(str(target.target_value)) <= Decimal(str(target.base_value)):
            raise ValidationError({"target_value": _("A share or efficiency target must be above its base value.")})
        tv = float(target.target_value)
        target.milestones = {str(y): target_core.milestone(float(target.base_value), target.base_year, tv, target.target_year, y)
                             for y in range(target.base_year, target.target_year + 1)}
        return
    if target.method == Target.Method.FIXED:
        spec["target_value"] = None if target.target_value is None else float(target.target_value)
    elif target.method == Target.Method.PCT:
        spec["reduction_pct"] = None if target.reduction_pct is None else float(target.reduction_pct)
    else:
        spec["method"] = target.method
    try:
        out = target_core.evaluate(spec, where=target.code or "target")
    except PlanningErrors as exc:
        field = {"target_before_base": "target_year", "start_outside": "start_year", "pct_range": "reduction_pct",
                 "sbti_absolute_only": "method", "target_not_below": "target_value"}.get(exc.errors[0].code, "target_value")
        raise _planning_errors(exc, field) from None
    target.target_value = _d(out["target_value"])
    target.milestones = out["milestones"]


def _check_against_baseline(target: Target) -> None:
    b = target.baseline
    if b is None:
        if target.metric in EMISSION_METRICS and target.parent_id is None:
            raise ValidationError({"baseline": _("An emissions or intensity target needs a baseline.")})
        return
    if (b.park_id, b.enterprise_id, b.unit_id) != (target.park_id, target.enterprise_id, target.unit_id):
        raise ValidationError({"baseline": _("The baseline must be the target's own entity's.")})
    if b.status != Baseline.Status.APPROVED:
        raise ValidationError({"baseline": _("Use an approved baseline in force.")})
    errors = {}
    if b.gwp_set != target.gwp_set:
        errors["gwp_set"] = _("The target's GWP set (%(t)s) differs from its baseline's (%(b)s).") % {"t": target.gwp_set, "b": b.gwp_set}
    if sorted(b.categories) != sorted(target.categories):
        errors["categories"] = _("The target's categories differ from its baseline's (%(b)s).") % {"b": ", ".join(b.categories)}
    if b.metric != target.metric:
        errors["metric"] = _("The target's metric differs from its baseline's (%(b)s).") % {"b": b.get_metric_display()}
    if b.counting_basis != target.counting_basis:
        errors["counting_basis"] = _("The target's counting basis differs from its baseline's.")
    if errors:
        raise ValidationError(errors)
    target.base_year = b.base_year
    target.base_value = b.value


def _check_decomposition(target: Target) -> None:
    """A unit (or equipment) target decomposes its enterprise's target and may not weaken it."""
    p = target.parent
    if p is None:
        return
    if p.enterprise_id != target.enterprise_id or p.unit_id is not None or p.enterprise_id is None:
        raise ValidationError({"parent": _("A target is decomposed from its own enterprise's target.")})
    if p.status not in (Target.Status.APPROVED, Target.Status.PUBLISHED):
        raise ValidationError({"parent": _("Decompose an approved or published target.")})
    if target.unit_id is None and target.equipment_id is None:
        raise ValidationError({"unit": _("Choose the emission unit or equipment the target is decomposed to.")})
    errors = {}
    if target.target_year > p.target_year:
        errors["target_year"] = _("The unit target may not end later than the enterprise's (%(y)s).") % {"y": p.target_year}
    if target.gwp_set != p.gwp_set:
        errors["gwp_set"] = _("The unit target's GWP set differs from the enterprise target's.")
    if target.metric == p.metric and not target.higher_is_better and p.base_value and target.base_value:
        parent_rate = (p.base_value - p.target_value) / p.base_value
        rate = (Decimal(str(target.base_value)) - Decimal(str(target.target_value))) / Decimal(str(target.base_value))
        if rate < parent_rate:
            errors["target_value"] = _("The unit target (%(r).1f %% reduction) weakens the enterprise target (%(p).1f %%).") % {
                "r": rate * 100, "p": parent_rate * 100}
    if target.metric == Metric.ABSOLUTE and p.metric == Metric.ABSOLUTE and not errors:
        siblings = (Target.objects.filter(parent=p, metric=Metric.ABSOLUTE).exclude(pk=target.pk)
                    .exclude(status=Target.Status.WITHDRAWN).aggregate(s=Sum("target_value"))["s"] or Decimal(0))
        if siblings + Decimal(str(target.target_value)) > p.target_value:
            errors["target_value"] = _("The unit targets together (%(s)s) exceed the enterprise target (%(p)s).") % {
                "s": f"{siblings + Decimal(str(target.target_value)):,.1f}", "p": f"{p.target_value:,.1f}"}
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def target_save(*, actor, park, data: dict, enterprise=None, unit=None, equipment=None, parent: Target | None = None,
                target: Target | None = None) -> Target:
    """Draft a target, or change a draft. Base year and value come from the baseline (same GWP set, categories,
    metric, basis); the target value and milestones from the planning core."""
    if target is None:
        _require(actor, "add", park.pk, enterprise.pk if enterprise else None)
        _entity_of(park, enterprise, unit, equipment)
        target = Target(park=park, enterprise=enterprise, unit=unit, equipment=equipment, parent=parent, author=actor)
        if equipment is not None and unit is None:
            target.unit = equipment.unit
    else:
        tenancy.get_for_user(Target.objects.all(), actor, target.pk, "change")
        _may_edit_assigned(actor, target)
        if target.status != Target.Status.DRAFT:
            raise ValidationError({"status": _("Only a draft target can be changed; return it to draft first.")})
    for f in TARGET_FIELDS:
        if f in data:
            setattr(target, f, data[f])
    if target.parent_id is not None and "categories" not in data:
        target.categories = target.parent.categories
    target.categories = _check_categories(target.categories)
    if target.gwp_set not in GWP_SETS:
        raise ValidationError({"gwp_set": _("Choose a GWP set: %(s)s.") % {"s": ", ".join(GWP_SETS)}})
    tenancy.require_related_of(target, "baseline", "product", "parent")
    _check_against_baseline(target)
    if target.base_year is None or target.base_value is None:
        raise ValidationError({"base_value": _("Give the base year and base value (or choose a baseline).")})
    if target.target_year is None:
        raise ValidationError({"target_year": _("Give the target year.")})
    if target.target_year <= target.base_year:
        raise ValidationError({"target_year": _("The target year (%(t)s) must be after the base year (%(b)s).")
                               % {"t": target.target_year, "b": target.base_year}})
    target.start_year = target.start_year or target.base_year
    if target.metric == Metric.PER_OUTPUT and target.product_id is None:
        raise ValidationError({"product": _("A per-unit intensity target names its product.")})
    compute(target)
    if target.reserve and (target.enterprise_id is not None or target.reserve < 0 or target.reserve > target.target_value):
        raise ValidationError({"reserve": _("A reserve for new entrants is kept by a park target, between 0 and its target value.")})
    _check_decomposition(target)
    target.full_clean()
    target.save()
    return target


@transaction.atomic
def target_step(*, actor, target: Target, step: str) -> Target:
    """Review, approve (top management, not the author) or return to draft."""
    TARGET.check(actor, target, step)
    if step == "review":
        target.reviewed_by = actor
    elif step == "approve":
        target.approved_by = actor
        target.approved_at = timezone.now()
    elif step == "return":
        target.reviewed_by = target.approved_by = target.approved_at = None
    target.status = TARGET.get(step).target
    target.save()
    return target


@transaction.atomic
def target_publish(*, actor, target: Target, published_to: str = "") -> Target:
    TARGET.check(actor, target, "publish")
    target.status = Target.Status.PUBLISHED
    target.published_at = timezone.now()
    target.published_to = published_to.strip()[:200]
    target.save()
    from .tracking import refresh

    refresh(target)
    return target


# -- the cascade: allocations -------------------------------------------------------------------------------------------
ALLOCATION_FIELDS = ("method", "baseline", "base_value", "allocated_value", "benchmark_value", "benchmark_output",
                     "benchmark_source", "note", "from_reserve")


def _allocated_value(a: TargetAllocation, park_target: Target) -> Decimal:
    if a.method == TargetAllocation.Method.UNIFORM:
        # the park's rate once the reserve for new entrants is set aside: Σ allocations + reserve = park target
        rate = (park_target.base_value - (park_target.target_value - park_target.reserve)) / park_target.base_value
        return (a.base_value * (1 - rate)).quantize(Q4, rounding=ROUND_DOWN)
    if a.method == TargetAllocation.Method.BENCHMARK:
        if a.benchmark_value is None or a.benchmark_output is None:
            raise ValidationError({"benchmark_value": _("The benchmark method needs the benchmark intensity and the output it applies to.")})
        if not a.benchmark_source.strip():
            raise ValidationError({"benchmark_source": _("Name the source of the benchmark (e.g. 发改产业〔2023〕723号).")})
        return _d(a.benchmark_value * a.benchmark_output)
    if a.allocated_value is None:
        raise ValidationError({"allocated_value": _("Enter the negotiated target value.")})
    if not a.note.strip():
        raise ValidationError({"note": _("Record the basis of the negotiated allocation.")})
    return _d(a.allocated_value)


def allocation_totals(park_target: Target, *, exclude_pk=None) -> dict:
    """Σ allocated (not returned) and the room left under the park target after the reserve."""
    qs = park_target.allocations.exclude(status=TargetAllocation.Status.RETURNED)
    if exclude_pk:
        qs = qs.exclude(pk=exclude_pk)
    regular = qs.filter(from_reserve=False).aggregate(s=Sum("allocated_value"))["s"] or Decimal(0)
    reserve_used = qs.filter(from_reserve=True).aggregate(s=Sum("allocated_value"))["s"] or Decimal(0)
    return {"allocated": regular, "reserve_used": reserve_used, "reserve": park_target.reserve,
            "room": park_target.target_value - park_target.reserve - regular,
            "reserve_room": park_target.reserve - reserve_used}


@transaction.atomic
def allocation_save(*, actor, park_target: Target, enterprise, data: dict, allocation: TargetAllocation | None = None) -> TargetAllocation:
    """Allocate (part of) a park target to an enterprise, or revise a draft or returned allocation.

    Refused: an allocation by anybody but the park's staff; to an enterprise of another park; of a park
    target not yet approved; beyond the park target less the reserve (over-allocation), or beyond the reserve
    for an allocation drawn from it; an allocation that weakens the park target (an intensity rate below the
    park's, or an absolute allocation above the enterprise's own base without a negotiated basis); a baseline
    with another GWP set or categories.
    """
    if allocation is None:
        tenancy.get_for_user(Target.objects.all(), actor, park_target.pk, "change")
        if not tenancy.is_park_member(actor, park_target.park_id):
            raise PermissionDenied
        _require(actor, "change", park_target.park_id, None)
        if park_target.enterprise_id is not None:
            raise ValidationError({"park_target": _("Only a park target is allocated to enterprises.")})
        if enterprise is None or enterprise.park_id != park_target.park_id:
            raise ValidationError({"enterprise": tenancy.out_of_scope_message()})
        if park_target.allocations.filter(enterprise=enterprise).exists():
            raise ValidationError({"enterprise": _("This enterprise already has an allocation of this target.")})
        allocation = TargetAllocation(park=park_target.park, enterprise=enterprise, park_target=park_target)
    else:
        tenancy.get_for_user(TargetAllocation.objects.all(), actor, allocation.pk, "change")
        if not tenancy.is_park_member(actor, allocation.park_id):  # B8: the enterprise accepts, never writes
            raise ValidationError({"status": _("Only the park's staff may issue or revise an allocation.")})
        if allocation.status not in (TargetAllocation.Status.DRAFT, TargetAllocation.Status.RETURNED):
            raise ValidationError({"status": _("Only a draft or returned allocation can be revised.")})
    if park_target.status not in (Target.Status.APPROVED, Target.Status.PUBLISHED):
        raise ValidationError({"park_target": _("Allocate an approved or published park target.")})
    for f in ALLOCATION_FIELDS:
        if f in data:
            setattr(allocation, f, data[f])
    b = allocation.baseline
    if b is not None:
        tenancy.require_related_of(allocation, "baseline")
        if b.enterprise_id != allocation.enterprise_id or b.unit_id is not None:
            raise ValidationError({"baseline": _("Choose a baseline of this enterprise.")})
        if b.status != Baseline.Status.APPROVED:
            raise ValidationError({"baseline": _("Use an approved baseline in force.")})
        errors = {}
        if b.gwp_set != park_target.gwp_set:
            errors["baseline"] = _("The enterprise baseline's GWP set (%(b)s) differs from the park target's (%(t)s).") % {
                "b": b.gwp_set, "t": park_target.gwp_set}
        elif sorted(b.categories) != sorted(park_target.categories) and park_target.counting_basis != CountingBasis.PARK_TOTAL:
            errors["baseline"] = _("The enterprise baseline's categories differ from the park target's.")
        elif b.base_year != park_target.base_year:
            errors["baseline"] = _("The enterprise baseline's base year (%(b)s) differs from the park target's (%(t)s).") % {
                "b": b.base_year, "t": park_target.base_year}
        if errors:
            raise ValidationError(errors)
        allocation.base_value = b.value
    if allocation.base_value is None or allocation.base_value <= 0:
        raise ValidationError({"base_value": _("Choose the enterprise's baseline (or enter its base value).")})
    allocation.allocated_value = _allocated_value(allocation, park_target)
    if allocation.allocated_value < 0:
        raise ValidationError({"allocated_value": _("The allocated value may not be negative.")})
    # weakening the park's target
    park_rate = (park_target.base_value - park_target.target_value) / park_target.base_value
    rate = (allocation.base_value - allocation.allocated_value) / allocation.base_value
    if park_target.metric != Metric.ABSOLUTE and rate < park_rate:
        raise ValidationError({"allocated_value": _(
            "This allocation weakens the park target: %(r).1f %% reduction against the park's %(p).1f %%.") % {
            "r": rate * 100, "p": park_rate * 100}})
    if (park_target.metric == Metric.ABSOLUTE and allocation.method != TargetAllocation.Method.NEGOTIATED
            and not allocation.from_reserve and allocation.allocated_value > allocation.base_value):
        raise ValidationError({"allocated_value": _(
            "This allocation weakens the park target: it lets the enterprise emit more than its base value.")})
    # over-allocation beyond the reserve (absolute targets: Σ allocations + reserve ≤ park target)
    if park_target.metric == Metric.ABSOLUTE:
        t = allocation_totals(park_target, exclude_pk=allocation.pk)
        if allocation.from_reserve:
            if allocation.allocated_value > t["reserve_room"]:
                raise ValidationError({"allocated_value": _(
                    "Over-allocation: the reserve for new entrants has %(room)s left, the allocation asks %(v)s.") % {
                    "room": f"{t['reserve_room']:,.1f}", "v": f"{allocation.allocated_value:,.1f}"}})
        elif allocation.allocated_value > t["room"] + ROUNDING:
            raise ValidationError({"allocated_value": _(
                "Over-allocation: the park target (%(pt)s) less the reserve (%(r)s) leaves %(room)s, the allocation asks %(v)s.") % {
                "pt": f"{park_target.target_value:,.1f}", "r": f"{park_target.reserve:,.1f}",
                "room": f"{t['room']:,.1f}", "v": f"{allocation.allocated_value:,.1f}"}})
    allocation.full_clean()
    allocation.save()
    if allocation.target_id:  # a returned allocation revised: its (not yet accepted) target follows
        _sync_target(allocation)
    return allocation


def _sync_target(a: TargetAllocation) -> Target:
    pt = a.park_target
    t = a.target or Target(park=a.park, enterprise=a.enterprise, parent=pt, assigned_by_park=True, author=a.issued_by)
    t.code = f"{pt.code}-{a.enterprise_id}"
    t.title = f"{pt.title} · {a.enterprise.short_name or a.enterprise.name}"
    t.objective = pt.objective
    t.metric, t.unit_label, t.categories, t.gwp_set = pt.metric, pt.unit_label, pt.categories, pt.gwp_set
    t.counting_basis = CountingBasis.PARK_COUNTED if pt.counting_basis != CountingBasis.ENTERPRISE else CountingBasis.ENTERPRISE
    if a.baseline is not None:
        t.counting_basis = a.baseline.counting_basis
    t.baseline = a.baseline
    t.base_year, t.base_value = pt.base_year, a.base_value
    t.start_year, t.target_year = pt.start_year, pt.target_year
    t.method, t.reduction_pct, t.target_value = Target.Method.FIXED, None, a.allocated_value
    if t.target_value >= t.base_value:  # a negotiated allocation that allows growth: milestones only
        t.milestones = {str(y): target_core.milestone(float(t.base_value), t.base_year, float(t.target_value), t.target_year, y)
                        for y in range(t.base_year, t.target_year + 1)}
    else:
        compute(t)
    t.status = Target.Status.APPROVED
    t.approved_by, t.approved_at = pt.approved_by, pt.approved_at
    t.full_clean()
    t.save()
    return t


@transaction.atomic
def allocation_issue(*, actor, allocation: TargetAllocation) -> TargetAllocation:
    """The park issues the allocation: the enterprise's target is created (assigned by the park, approved with
    the park target) and waits for the enterprise's acceptance."""
    ALLOCATION.check(actor, allocation, "issue")
    allocation.issued_by = actor
    allocation.issued_at = timezone.now()
    allocation.status = TargetAllocation.Status.ISSUED
    allocation.target = _sync_target(allocation)
    allocation.save()
    return allocation


@transaction.atomic
def allocation_accept(*, actor, allocation: TargetAllocation, letter_number: str = "") -> TargetAllocation:
    """The enterprise's top management accepts (signs the 目标责任书): its target is published."""
    ALLOCATION.check(actor, allocation, "accept")
    allocation.status = TargetAllocation.Status.ACCEPTED
    allocation.accepted_by = actor
    allocation.accepted_at = timezone.now()
    allocation.letter_number = (letter_number or "").strip()[:60]
    allocation.save()
    t = allocation.target
    t.status = Target.Status.PUBLISHED
    t.published_at = timezone.now()
    t.published_to = _("目标责任书 %(n)s") % {"n": allocation.letter_number} if allocation.letter_number else ""
    t.save()
    from .tracking import refresh

    refresh(t)
    return allocation


@transaction.atomic
def allocation_return(*, actor, allocation: TargetAllocation, reason: str) -> TargetAllocation:
    ALLOCATION.check(actor, allocation, "return")
    if not (reason or "").strip():
        raise ValidationError({"return_reason": _("Give the reason for returning the allocation.")})
    allocation.status = TargetAllocation.Status.RETURNED
    allocation.return_reason = reason.strip()
    allocation.save()
    return allocation
