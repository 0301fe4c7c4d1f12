"""Writes of the carbonreview app: indicators, deviation investigations and carbon reviews.

Keyword-only, ``actor`` first, atomic; permission through the tenancy (domain ``planning``); a refusal is a
``ValidationError`` keyed by field, in the user's language; nothing is half-written.
"""
from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from carbonms.common import tenancy
from carbonms.management.system import System

from . import indicators, sections
from .models import CarbonReview, DeviationInvestigation, Indicator, ReviewSection
from .workflows import CARBON_REVIEW, INVESTIGATION

DOMAIN = "planning"
INDICATOR_FIELDS = ("code", "name", "kind", "numerator", "denominator", "product_code", "relevant_variables", "expected_value",
                    "deviation_threshold_pct", "data_source", "owner", "frequency", "active")


def _require(actor, action: str, obj_or_system) -> None:
    if isinstance(obj_or_system, System):
        park_id, ent_id = obj_or_system.ids
    else:
        park_id, ent_id = obj_or_system.park_id, obj_or_system.enterprise_id
    tenancy.require(actor, DOMAIN, action, park_id=park_id, enterprise_id=ent_id)


# -- indicators ---------------------------------------------------------------------------------------------------

@transaction.atomic
def indicator_save(*, actor, system: System | None = None, data: dict[str, Any], indicator: Indicator | None = None) -> Indicator:
    """Register an indicator or change it (T/CSES 6.4; T/CPQS 7.4): what it measures, against what, who owns it."""
    if indicator is None:
        _require(actor, "add", system)
        indicator = Indicator(park=system.park, enterprise=system.enterprise)
    else:
        _require(actor, "change", indicator)
    for k in INDICATOR_FIELDS:
        if k in data:
            setattr(indicator, k, data[k] if data[k] is not None or k not in ("denominator", "product_code", "relevant_variables",
                                                                                "data_source") else "")
    if "baseline" in data:
        indicator.baseline = data["baseline"]
    tenancy.require_related_of(indicator, "owner", "baseline")
    K, D = Indicator.Kind, Indicator.Denominator
    errors: dict[str, str] = {}
    if indicator.kind == K.RATIO and not indicator.denominator:
        errors["denominator"] = _("A ratio needs a denominator.")
    if indicator.kind != K.RATIO:
        indicator.denominator, indicator.product_code = "", ""
    if indicator.denominator == D.PRODUCT and not indicator.product_code.strip():
        errors["product_code"] = _("Name the product (its code in the output data) whose output is the denominator.")
    if indicator.denominator != D.PRODUCT:
        indicator.product_code = ""
    if indicator.denominator == D.GDP and indicator.enterprise_id is not None:
        errors["denominator"] = _("GDP is a denominator of the park, not of an enterprise.")
    if indicator.kind == K.REGRESSION and not indicator.variables:
        errors["relevant_variables"] = _("A regression model needs at least one relevant variable.")
    if indicator.numerator == Indicator.Numerator.ENERGY and indicator.denominator == D.ENERGY:
        errors["denominator"] = _("Energy over energy is not an indicator: choose another denominator.")
    b = indicator.baseline
    if b is not None and (b.park_id, b.enterprise_id) != (indicator.park_id, indicator.enterprise_id):
        errors["baseline"] = _("The baseline belongs to another management system.")
    if errors:
        raise ValidationError(errors)
    if Indicator.objects.filter(park_id=indicator.park_id, enterprise_id=indicator.enterprise_id, code=indicator.code).exclude(
            pk=indicator.pk).exists():
        raise ValidationError({"code": _("Another indicator of this system already has the code %(code)s.") % {"code": indicator.code}})
    indicator.full_clean()
    indicator.save()
    return indicator


# -- deviation investigations -------------------------------------------------------------------------------------

@transaction.atomic
def investigation_open(*, actor, indicator: Indicator, year: int) -> DeviationInvestigation:
    """Open the investigation of an indicator's deviation in ``year``: only when its value is further from the
    expected value than the indicator's threshold (T/CPQS 10.1.1 "严重偏离"), and once per indicator and year."""
    _require(actor, "add", indicator)
    v = indicators.value_for(indicator, year)
    if v.value is None:
        raise ValidationError({"year": _("The indicator has no value for %(year)s: %(why)s") % {"year": year, "why": v.note}})
    if v.expected is None:
        raise ValidationError({"year": _("The indicator has no expected value to compare with: set one, or link a baseline.")})
    if not v.exceeds:
        raise ValidationError({"year": _("The deviation in %(year)s is %(dev)s %%, within the threshold of %(t)s %%: no "
                                         "investigation is needed.") % {"year": year, "dev": v.deviation_pct,
                                                                        "t": indicator.deviation_threshold_pct}})
    if DeviationInvestigation.objects.filter(indicator=indicator, year=year).exists():
        raise ValidationError({"year": _("The deviation of %(year)s is already being investigated.") % {"year": year}})
    inv = DeviationInvestigation(park_id=indicator.park_id, enterprise_id=indicator.enterprise_id, indicator=indicator,
                                 year=year, expected=v.expected, actual=v.value.quantize(Decimal("0.000001")),
                                 deviation_pct=v.deviation_pct, threshold_pct=indicator.deviation_threshold_pct, opened_by=actor)
    inv.full_clean()
    inv.save()
    return inv


@transaction.atomic
def investigation_conclude(*, actor, investigation: DeviationInvestigation, causes: dict[str, bool], analysis: str,
                           conclusion: str, real_change: bool | None, raise_nonconformity: bool = False) -> DeviationInvestigation:
    """Record the causes (T/CSES 9.1 b) 1)–5); T/CIECCPA 9.1.2 a)–c)), the analysis and the conclusion; optionally
    raise a nonconformity through the audits app (source "monitoring deviation")."""
    INVESTIGATION.check(actor, investigation, "conclude")
    errors = {}
    if not any(causes.values()) and not real_change:
        errors["cause_scope"] = _("Tick at least one cause, or record that the deviation is a real change in performance.")
    if not conclusion.strip():
        errors["conclusion"] = _("Record the conclusion of the investigation.")
    if causes.get("cause_other") and not analysis.strip():
        errors["analysis"] = _("Describe the other cause in the analysis.")
    if errors:
        raise ValidationError(errors)
    for f, v in causes.items():
        setattr(investigation, f, bool(v))
    investigation.analysis, investigation.conclusion, investigation.real_change = analysis, conclusion, real_change
    if raise_nonconformity:
        from carbonms.audits.models import Nonconformity
        from carbonms.audits.services import nc_save
        from carbonms.management.system import of

        nc = nc_save(actor=actor, system=of(investigation), data={
            "title": str(investigation)[:200], "source": Nonconformity.Source.MONITORING,
            "description": _("%(subject)s: %(actual)s against %(expected)s expected in %(year)s (%(dev)s %%, threshold %(t)s %%).\n%(c)s")
            % {"subject": investigation.subject, "actual": investigation.actual.normalize(), "expected": investigation.expected.normalize(),
               "year": investigation.year, "dev": investigation.deviation_pct, "t": investigation.threshold_pct, "c": conclusion},
            "owner": getattr(investigation.subject, "owner", None)})
        investigation.nonconformity = nc
    investigation.status = DeviationInvestigation.Status.CONCLUDED
    investigation.concluded_by, investigation.concluded_on = actor, timezone.localdate()
    investigation.full_clean()
    investigation.save()
    return investigation


# -- carbon review ------------------------------------------------------------------------------------------------

def _fill(review: CarbonReview, system: System, keep: dict[str, ReviewSection] | None = None) -> None:
    data = sections.assemble(system, review.year)
    keep = keep or {}
    for pos, (key, payload) in enumerate(data.items()):
        s = keep.get(key) or ReviewSection(park_id=review.park_id, enterprise_id=review.enterprise_id, review=review, key=key)
        s.position, s.data, s.available = pos, payload, bool(payload.get("available"))
        s.save()
    review.assembled_at = timezone.now()


@transaction.atomic
def review_create(*, actor, system: System, year: int, criteria: str = "") -> CarbonReview:
    """Start the carbon review of a system and year, every item pre-filled from the data."""
    _require(actor, "add", system)
    if year < 2000 or year > timezone.localdate().year:
        raise ValidationError({"year": _("The review covers a past or the current year.")})
    if CarbonReview.objects.filter(park=system.park, enterprise=system.enterprise, year=year).exists():
        raise ValidationError({"year": _("The carbon review of %(year)s exists already; update it with a new version.") % {"year": year}})
    review = CarbonReview(park=system.park, enterprise=system.enterprise, year=year, drafted_by=actor,
                          criteria=criteria or _("T/CSES 6.3 and T/CPQS 7.3: the annual review items a)–j), the park modules and "
                                                 "the trading, asset and neutrality reviews, pre-filled from the figures of "
                                                 "record and the registers."))
    review.full_clean()
    review.save()
    _fill(review, system)
    review.save()
    return review


@transaction.atomic
def review_refresh(*, actor, review: CarbonReview) -> CarbonReview:
    CARBON_REVIEW.check(actor, review, "refresh")
    from carbonms.management.system import of

    _fill(review, of(review), {s.key: s for s in review.sections.all()})
    review.save()
    return review


@transaction.atomic
def section_save(*, actor, section: ReviewSection, findings: str, conclusion: str) -> ReviewSection:
    """Record the staff's findings and conclusion on one item (a draft review only)."""
    _require(actor, "change", section)
    if section.review.status != CarbonReview.Status.DRAFT:
        raise ValidationError({"findings": _("Only a draft review can be changed.")})
    if conclusion and conclusion not in ReviewSection.Conclusion.values:
        raise ValidationError({"conclusion": _("Choose a conclusion from the list.")})
    if conclusion in (ReviewSection.Conclusion.IMPROVE,) and not findings.strip():
        raise ValidationError({"findings": _("Say what needs improvement.")})
    section.findings, section.conclusion = findings, conclusion
    section.full_clean()
    section.save()
    return section


@transaction.atomic
def review_mark_reviewed(*, actor, review: CarbonReview) -> CarbonReview:
    CARBON_REVIEW.check(actor, review, "review")
    review.status, review.reviewed_by, review.reviewed_at = CarbonReview.Status.REVIEWED, actor, timezone.now()
    review.save()
    return review


@transaction.atomic
def review_reopen(*, actor, review: CarbonReview) -> CarbonReview:
    CARBON_REVIEW.check(actor, review, "reopen")
    review.status, review.reviewed_by, review.reviewed_at = CarbonReview.Status.DRAFT, None, None
    review.save()
    return review


@transaction.atomic
def review_approve(*, actor, review: CarbonReview, summary: str) -> CarbonReview:
    """Top management approves (not the author); the version it updates is superseded (T/CPQS 7.3.1: results kept)."""
    CARBON_REVIEW.check(actor, review, "approve")
    summary = summary.strip() or review.summary.strip()
    if not summary:
        raise ValidationError({"summary": _("Record the overall conclusion of the review.")})
    old = review.supersedes
    if old is not None and old.status == CarbonReview.Status.APPROVED:
        old.status = CarbonReview.Status.SUPERSEDED
        old.save()
    review.summary, review.status = summary, CarbonReview.Status.APPROVED
    review.approved_by, review.approved_at = actor, timezone.now()
    review.save()
    return review


@transaction.atomic
def review_new_version(*, actor, review: CarbonReview, trigger: str) -> CarbonReview:
    """A new version of an approved review when a significant change fires (T/CPQS 7.3.1); findings are carried over as a
    starting point and the data are assembled again."""
    CARBON_REVIEW.check(actor, review, "update")
    if not trigger.strip():
        raise ValidationError({"trigger": _("Say which significant change calls for the update.")})
    from carbonms.management.system import of

    new = CarbonReview(park_id=review.park_id, enterprise_id=review.enterprise_id, year=review.year, version=review.version + 1,
                       supersedes=review, trigger=trigger, criteria=review.criteria, drafted_by=actor)
    new.full_clean()
    new.save()
    for s in review.sections.all():
        ReviewSection.objects.create(park_id=s.park_id, enterprise_id=s.enterprise_id, review=new, key=s.key, position=s.position,
                                     findings=s.findings, conclusion="")
    _fill(new, of(review), {s.key: s for s in new.sections.all()})
    new.save()
    return new
