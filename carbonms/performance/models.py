"""Baselines and their adjustment, targets, the park → enterprise → unit cascade and the progress of record.

* :class:`Baseline` — a versioned base (基准, T/CSES 6.5; T/CPQS 7.5; T/CIECCPA 8.2.2.7) of the park, an
  enterprise or an emission unit: base period of at least twelve months, value, categories, GWP set,
  counting basis, the static factors as a snapshot and, optionally, a regression model
  (``carbonms.planning.baseline``). A new version never overwrites the old one.
* :class:`BaselineTrigger` — a change the platform detected that may call for a base-year recalculation
  (T/CSES 6.5 b) c); GHG Protocol ch. 5), with its signed base-year effect.
* :class:`BaselineAdjustment` — the decision on open triggers: recalculate (a new baseline version) or
  not, with before/after, evidence and approval (``carbonms.planning.rebase``).
* :class:`Target` — an objective's quantified target (目标/指标, T/CSES 6.2.1; T/CPQS 7.1; T/CIECCPA 6.2.2)
  of the park, an enterprise, an emission unit or a piece of key equipment, with its milestones.
* :class:`TargetAllocation` — a park target's share allocated to an enterprise, and the enterprise's
  acceptance (目标责任书).
* :class:`TargetProgress` — the progress of a published target in one year, from the statement in force.
"""
from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from carbonms.common.models import ScopedModel
from carbonms.organizations.models import EmissionUnit, Enterprise, Equipment, Park

USER = settings.AUTH_USER_MODEL
DEFAULT_CATEGORIES = ["stationary_combustion", "mobile_combustion", "process", "fugitive", "purchased_electricity",
                      "purchased_heat", "co2_recovered"]


class Metric(models.TextChoices):
    ABSOLUTE = "absolute", _("Absolute emissions (tCO₂e)")
    PER_OUTPUT = "intensity_output", _("Intensity per unit of product (tCO₂e per unit)")
    PER_VALUE_ADDED = "intensity_value_added", _("Intensity per 10⁴ yuan of value added (tCO₂e/10⁴ yuan)")
    PER_ENERGY = "intensity_energy", _("Carbon intensity of energy (tCO₂/tce)")
    SHARE_RENEWABLE = "share_renewable", _("Share of renewable energy (%)")
    SHARE_WASTE_HEAT = "share_waste_heat", _("Share of waste heat and pressure use (%)")
    EFFICIENCY = "efficiency", _("Equipment efficiency (%)")


#: metrics where a higher value is better (shares, efficiencies); all others: lower is better
HIGHER_IS_BETTER = (Metric.SHARE_RENEWABLE, Metric.SHARE_WASTE_HEAT, Metric.EFFICIENCY)
#: metrics counted from the inventory statements (emissions, or emissions over a denominator)
EMISSION_METRICS = (Metric.ABSOLUTE, Metric.PER_OUTPUT, Metric.PER_VALUE_ADDED, Metric.PER_ENERGY)


class CountingBasis(models.TextChoices):
    ENTERPRISE = "enterprise_inventory", _("Enterprise inventory (the entity's own statement)")
    PARK_COUNTED = "park_counted", _("Park-counted contribution (in-park energy counted once, at the supplier)")
    PARK_TOTAL = "park_total", _("Park total (the park statement)")


class Level(models.TextChoices):
    PARK = "park", _("Park")
    ENTERPRISE = "enterprise", _("Enterprise")
    UNIT = "unit", _("Emission unit")
    EQUIPMENT = "equipment", _("Key equipment")


class _Entity(ScopedModel):
    """The park (enterprise empty), an enterprise, or an emission unit / piece of equipment of it."""

    park = models.ForeignKey(Park, on_delete=models.PROTECT, related_name="+", verbose_name=_("park"))
    enterprise = models.ForeignKey(Enterprise, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("enterprise"), help_text=_("Empty: the park as a whole."))
    unit = models.ForeignKey(EmissionUnit, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                             verbose_name=_("emission unit"))

    scope_domain = "planning"

    class Meta:
        abstract = True

    @property
    def level(self) -> str:
        if getattr(self, "equipment_id", None):
            return Level.EQUIPMENT
        if self.unit_id:
            return Level.UNIT
        return Level.ENTERPRISE if self.enterprise_id else Level.PARK

    @property
    def category_names(self) -> str:
        """The categories covered, in the reader's language."""
        from django.utils.translation import get_language

        from carbonms.accounting.categories import CATEGORIES

        en = (get_language() or "").startswith("en")
        names = {c.code: (c.code.replace("_", " ") if en else c.name_zh) for c in CATEGORIES}
        return ", ".join(names.get(c, c) for c in self.categories)

    def get_level_display(self) -> str:
        return str(Level(self.level).label)

    @property
    def entity(self):
        return getattr(self, "equipment", None) or self.unit or self.enterprise or self.park


class Baseline(_Entity):
    """One version of a baseline (基准, T/CSES 6.5; T/CPQS 7.5; T/CIECCPA 8.2.2.7).

    Draft → approved (by somebody else than the author) → superseded by the next version. A recalculation
    (:class:`BaselineAdjustment`) makes a new version with ``previous`` set; the old one stays readable.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", pgettext_lazy("baseline", "Draft")
        APPROVED = "approved", pgettext_lazy("baseline", "Approved (in force)")
        SUPERSEDED = "superseded", pgettext_lazy("baseline", "Superseded")

    name = models.CharField(_("name"), max_length=200)
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    previous = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="next_versions",
                                 verbose_name=_("previous version"))
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.DRAFT)
    metric = models.CharField(_("metric"), max_length=24, choices=Metric.choices, default=Metric.ABSOLUTE)
    period_start = models.DateField(_("base period from"))
    period_end = models.DateField(_("base period to"))
    base_year = models.PositiveSmallIntegerField(_("base year"))
    value = models.DecimalField(_("base value"), max_digits=20, decimal_places=6)
    unit_label = models.CharField(_("unit"), max_length=30, default="tCO2e")
    categories = models.JSONField(_("categories covered"), default=list)
    gwp_set = models.CharField(_("GWP set"), max_length=8)
    counting_basis = models.CharField(_("counting basis"), max_length=24, choices=CountingBasis.choices,
                                      default=CountingBasis.ENTERPRISE)
    statement = models.ForeignKey("inventory.InventoryStatement", null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+", verbose_name=_("statement the value comes from"))
    static_factors = models.JSONField(
        _("static factors"), default=dict, blank=True,
        help_text=_("Snapshot when the baseline was set: boundary version, sites, capacity, industry, products, factor policy."))
    regression_input = models.JSONField(_("regression input"), default=dict, blank=True)
    regression = models.JSONField(_("regression model"), default=dict, blank=True)
    threshold_pct = models.DecimalField(
        _("recalculation threshold (%)"), max_digits=5, decimal_places=2, default=Decimal("5"),
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(Decimal("100"))],
        help_text=_("Base-year recalculation when the cumulative effect of changes reaches this share of the base value."))
    rationale = models.TextField(_("why this base period"), blank=True)
    author = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("author"))
    approved_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                                    verbose_name=_("approved by"))
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)

    class Meta:
        ordering = ["park_id", "enterprise_id", "unit_id", "name", "-version"]
        verbose_name = _("baseline")
        verbose_name_plural = _("baselines")

    def __str__(self):
        return f"{self.name} v{self.version}"

    def get_absolute_url(self):
        return reverse("performance:baseline", args=[self.pk])


class BaselineTrigger(ScopedModel):
    """A change that may call for a base-year recalculation (T/CSES 6.5 a)–c); GHG Protocol ch. 5).

    Raised by the platform (``performance.triggers``) or entered by staff (an error found). ``kind`` says
    what happened; ``change_kind`` is the kind the rebase core counts (organic growth is never one).
    """

    class Kind(models.TextChoices):
        BOUNDARY = "boundary", _("New boundary version")
        ENTRY = "enterprise_entry", _("Enterprise entered the park")
        EXIT = "enterprise_exit", _("Enterprise left the park")
        SOURCE_ADDED = "source_added", _("Emission source added")
        SOURCE_RETIRED = "source_retired", _("Emission source retired")
        CAPACITY = "capacity", _("Capacity change")
        FACTOR = "factor", _("Emission factor change (base-year re-run)")
        METHOD = "method", _("Method change (base-year re-run)")
        ERROR = "error", _("Error found in base-year data")
        REVIEW = "review", _("Management review decision")

    class ChangeKind(models.TextChoices):
        ACQUISITION = "acquisition", _("Acquisition / entry (structural)")
        DIVESTMENT = "divestment", _("Divestment / exit (structural)")
        INSOURCING = "insourcing", _("Insourcing (structural)")
        OUTSOURCING = "outsourcing", _("Outsourcing (structural)")
        METHOD = "method", _("Method")
        FACTOR = "factor", _("Emission factor")
        ERROR = "error", _("Error")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        DECIDED = "decided", _("Decided")
        DISMISSED = "dismissed", _("Dismissed (no base-year effect)")

    baseline = models.ForeignKey(Baseline, on_delete=models.PROTECT, related_name="triggers", verbose_name=_("baseline"))
    kind = models.CharField(_("trigger"), max_length=20, choices=Kind.choices)
    change_kind = models.CharField(_("kind of change"), max_length=12, choices=ChangeKind.choices)
    description = models.CharField(_("description"), max_length=400)
    base_year_effect = models.DecimalField(_("base-year effect (signed, in the baseline's unit)"), max_digits=20,
                                           decimal_places=6, null=True, blank=True,
                                           help_text=_("Empty until estimated; a decision needs every effect."))
    evidence = models.JSONField(_("evidence"), default=dict, blank=True)
    fingerprint = models.CharField(_("detection key"), max_length=120, blank=True,
                                   help_text=_("What the platform detected, so that it raises each change once."))
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.OPEN)
    raised_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                                  verbose_name=_("raised by"), help_text=_("Empty: raised by the platform."))
    adjustment = models.ForeignKey("BaselineAdjustment", null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="triggers", verbose_name=_("decision"))

    scope_park = "baseline__park_id"
    scope_enterprise = "baseline__enterprise_id"
    scope_domain = "planning"

    class Meta:
        ordering = ["baseline_id", "-created_at"]
        verbose_name = _("adjustment trigger")
        verbose_name_plural = _("adjustment triggers")
        constraints = [models.UniqueConstraint(fields=["baseline", "fingerprint"], condition=~models.Q(fingerprint=""),
                                               name="unique_trigger_per_detected_change")]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.description}"

    def get_absolute_url(self):
        return reverse("performance:baseline", args=[self.baseline_id]) + f"#trigger-{self.pk}"


class BaselineAdjustment(ScopedModel):
    """The decision on a baseline's open triggers (T/CSES 6.5; GHG Protocol ch. 5 and Appendix E).

    Proposed (the cumulative effect and the recalculation-or-not outcome computed with
    ``carbonms.planning.rebase``) → approved by appointed top management who did not propose it. A
    recalculation makes a new baseline version (``after``); otherwise a "no recalculation" decision.
    """

    class Status(models.TextChoices):
        PROPOSED = "proposed", pgettext_lazy("decision", "Proposed")
        APPROVED = "approved", pgettext_lazy("decision", "Approved")

    baseline = models.ForeignKey(Baseline, on_delete=models.PROTECT, related_name="adjustments", verbose_name=_("baseline"))
    after = models.ForeignKey(Baseline, null=True, blank=True, on_delete=models.PROTECT, related_name="adjusted_from",
                              verbose_name=_("new version"))
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.PROPOSED)
    cumulative_pct = models.DecimalField(_("cumulative effect (%)"), max_digits=9, decimal_places=3)
    threshold_pct = models.DecimalField(_("threshold (%)"), max_digits=5, decimal_places=2)
    recalculate = models.BooleanField(_("recalculate the base"))
    value_before = models.DecimalField(_("base value before"), max_digits=20, decimal_places=6)
    value_after = models.DecimalField(_("base value after"), max_digits=20, decimal_places=6)
    result = models.JSONField(_("computation"), default=dict, blank=True)
    evidence = models.TextField(_("evidence and explanation"))
    proposed_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("proposed by"))
    approved_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                                    verbose_name=_("approved by"))
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    effective_on = models.DateField(_("effective on"), null=True, blank=True)

    scope_park = "baseline__park_id"
    scope_enterprise = "baseline__enterprise_id"
    scope_domain = "planning"

    class Meta:
        ordering = ["baseline_id", "-created_at"]
        verbose_name = _("baseline adjustment decision")
        verbose_name_plural = _("baseline adjustment decisions")

    def __str__(self):
        return f"{self.baseline} · {self.cumulative_pct:.2f}%"

    def get_absolute_url(self):
        return reverse("performance:baseline", args=[self.baseline_id]) + f"#adjustment-{self.pk}"


class Target(_Entity):
    """A quantified target (指标) of an objective (目标) (T/CSES 5.1 a) 2), 6.2.1; T/CPQS 7.1; T/CIECCPA 6.2.2).

    Workflow: draft → reviewed → approved (appointed top management, not the author; T/CIECCPA 6.2.2 c))
    → published. A park target is allocated to enterprises (:class:`TargetAllocation`); the enterprise
    target an allocation creates is ``assigned_by_park`` and not editable by the enterprise (B8). An
    enterprise target may be decomposed to units (``parent``), never weakened.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", pgettext_lazy("target", "Draft")
        REVIEWED = "reviewed", pgettext_lazy("target", "Reviewed")
        APPROVED = "approved", pgettext_lazy("target", "Approved")
        PUBLISHED = "published", pgettext_lazy("target", "Published")
        WITHDRAWN = "withdrawn", pgettext_lazy("target", "Withdrawn")

    class Method(models.TextChoices):
        FIXED = "fixed_value", _("Fixed target value")
        PCT = "reduction_pct", _("Reduction from the base value (%)")
        SBTI_15 = "sbti_aca_1.5", _("SBTi absolute contraction, 1.5 °C (4.2 %/yr)")
        SBTI_WB2C = "sbti_aca_wb2c", _("SBTi absolute contraction, well-below 2 °C (2.5 %/yr)")

    equipment = models.ForeignKey(Equipment, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                  verbose_name=_("key equipment"))
    code = models.CharField(_("code"), max_length=40)
    title = models.CharField(_("target"), max_length=200)
    objective = models.TextField(_("objective it serves"), blank=True)
    metric = models.CharField(_("metric"), max_length=24, choices=Metric.choices, default=Metric.ABSOLUTE)
    product = models.ForeignKey("carbondata.Product", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                verbose_name=_("product (per-unit intensity)"))
    unit_label = models.CharField(_("unit"), max_length=30, default="tCO2e")
    categories = models.JSONField(_("categories covered"), default=list)
    counting_basis = models.CharField(_("counting basis"), max_length=24, choices=CountingBasis.choices,
                                      default=CountingBasis.ENTERPRISE)
    gwp_set = models.CharField(_("GWP set"), max_length=8)
    baseline = models.ForeignKey(Baseline, null=True, blank=True, on_delete=models.PROTECT, related_name="targets",
                                 verbose_name=_("baseline"))
    base_year = models.PositiveSmallIntegerField(_("base year"))
    base_value = models.DecimalField(_("base value"), max_digits=20, decimal_places=6)
    start_year = models.PositiveSmallIntegerField(_("start year"))
    target_year = models.PositiveSmallIntegerField(_("target year"))
    method = models.CharField(_("method"), max_length=16, choices=Method.choices, default=Method.PCT)
    reduction_pct = models.DecimalField(_("reduction (%)"), max_digits=6, decimal_places=2, null=True, blank=True)
    target_value = models.DecimalField(_("target value"), max_digits=20, decimal_places=6)
    milestones = models.JSONField(_("milestones"), default=dict, blank=True)
    reserve = models.DecimalField(
        _("reserve for new entrants"), max_digits=20, decimal_places=6, default=Decimal("0"),
        help_text=_("Park targets: the share of the target value kept for enterprises that enter later."))
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children",
                               verbose_name=_("decomposed from"))
    assigned_by_park = models.BooleanField(_("assigned by the park"), default=False,
                                           help_text=_("Set by an allocation: the enterprise accepts it but cannot edit it."))
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.DRAFT)
    author = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("author"))
    reviewed_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                                    verbose_name=_("reviewed by"))
    approved_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                                    verbose_name=_("approved by"))
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    published_to = models.CharField(_("published to"), max_length=200, blank=True)

    class Meta:
        ordering = ["park_id", "enterprise_id", "unit_id", "code"]
        verbose_name = _("target")
        verbose_name_plural = _("targets")
        constraints = [
            models.UniqueConstraint(fields=["park", "enterprise", "code"], name="unique_target_code_per_entity"),
            models.UniqueConstraint(fields=["park", "code"], condition=models.Q(enterprise__isnull=True),
                                    name="unique_park_target_code"),
        ]

    def __str__(self):
        return f"{self.code} {self.title}"

    def get_absolute_url(self):
        return reverse("performance:target", args=[self.pk])

    @property
    def higher_is_better(self) -> bool:
        return self.metric in HIGHER_IS_BETTER


class TargetAllocation(ScopedModel):
    """A park target's share allocated to one enterprise (T/CSES 0.4; T/CPQS 7.1 "分解到各层级").

    Draft (park) → issued (the park's target for the enterprise is created, ``assigned_by_park``) →
    accepted by the enterprise's top management (目标责任书 signed) or returned with a reason.
    """

    class Method(models.TextChoices):
        UNIFORM = "uniform", _("Uniform rate")
        BENCHMARK = "benchmark", _("Sector benchmark")
        NEGOTIATED = "negotiated", _("Negotiated")

    class Status(models.TextChoices):
        DRAFT = "draft", pgettext_lazy("allocation", "Draft")
        ISSUED = "issued", _("Issued to the enterprise")
        ACCEPTED = "accepted", _("Accepted (目标责任书 signed)")
        RETURNED = "returned", _("Returned by the enterprise")

    park = models.ForeignKey(Park, on_delete=models.PROTECT, related_name="+", verbose_name=_("park"))
    enterprise = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="+", verbose_name=_("enterprise"))
    park_target = models.ForeignKey(Target, on_delete=models.PROTECT, related_name="allocations", verbose_name=_("park target"))
    method = models.CharField(_("allocation method"), max_length=12, choices=Method.choices, default=Method.UNIFORM)
    baseline = models.ForeignKey(Baseline, null=True, blank=True, on_delete=models.PROTECT, related_name="allocations",
                                 verbose_name=_("enterprise baseline"))
    base_value = models.DecimalField(_("enterprise base value"), max_digits=20, decimal_places=6)
    allocated_value = models.DecimalField(_("allocated target value"), max_digits=20, decimal_places=6)
    benchmark_value = models.DecimalField(_("benchmark intensity"), max_digits=18, decimal_places=6, null=True, blank=True)
    benchmark_output = models.DecimalField(_("output the benchmark applies to"), max_digits=20, decimal_places=6,
                                           null=True, blank=True, help_text=_("In the product's unit, for the benchmark method."))
    benchmark_source = models.CharField(_("benchmark source"), max_length=300, blank=True)
    from_reserve = models.BooleanField(_("drawn from the reserve for new entrants"), default=False)
    note = models.TextField(_("basis of the allocation"), blank=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.DRAFT)
    target = models.OneToOneField(Target, null=True, blank=True, on_delete=models.PROTECT, related_name="allocation",
                                  verbose_name=_("enterprise target"))
    issued_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                                  verbose_name=_("issued by"))
    issued_at = models.DateTimeField(_("issued at"), null=True, blank=True)
    letter_number = models.CharField(_("responsibility letter no. (目标责任书)"), max_length=60, blank=True)
    accepted_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                                    verbose_name=_("accepted by"))
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    return_reason = models.TextField(_("reason for returning"), blank=True)

    scope_domain = "planning"

    class Meta:
        ordering = ["park_target_id", "enterprise_id"]
        verbose_name = _("target allocation")
        verbose_name_plural = _("target allocations")
        constraints = [models.UniqueConstraint(fields=["park_target", "enterprise"], name="unique_allocation_per_enterprise")]

    def __str__(self):
        return f"{self.park_target.code} → {self.enterprise}"

    def get_absolute_url(self):
        return reverse("performance:allocation", args=[self.pk])

    @property
    def rate_pct(self):
        if not self.base_value:
            return None
        return (self.base_value - self.allocated_value) / self.base_value * 100


class TargetProgress(ScopedModel):
    """The progress of a published target in one year, from the statement in force (T/CSES 9.1 a) 4) 6)).

    Recomputed by ``performance.tracking.refresh``; the statement, denominator and figures used are kept.
    """

    class Status(models.TextChoices):
        ON_TRACK = "on_track", _("On track")
        AT_RISK = "at_risk", _("At risk")
        OFF_TRACK = "off_track", _("Off track")

    target = models.ForeignKey(Target, on_delete=models.PROTECT, related_name="progress", verbose_name=_("target"))
    year = models.PositiveSmallIntegerField(_("year"))
    actual = models.DecimalField(_("actual"), max_digits=20, decimal_places=6)
    expected = models.DecimalField(_("milestone"), max_digits=20, decimal_places=6)
    progress_pct = models.DecimalField(_("progress (%)"), max_digits=9, decimal_places=2, null=True, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices)
    statement = models.ForeignKey("inventory.InventoryStatement", null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+", verbose_name=_("statement of record"))
    emissions = models.DecimalField(_("emissions (tCO₂e)"), max_digits=20, decimal_places=6, null=True, blank=True)
    denominator = models.DecimalField(_("denominator"), max_digits=20, decimal_places=4, null=True, blank=True)
    detail = models.JSONField(_("how it was computed"), default=dict, blank=True)

    scope_park = "target__park_id"
    scope_enterprise = "target__enterprise_id"
    scope_domain = "planning"

    class Meta:
        ordering = ["target_id", "year"]
        verbose_name = _("target progress")
        verbose_name_plural = _("target progress")
        constraints = [models.UniqueConstraint(fields=["target", "year"], name="unique_progress_per_target_year")]

    def __str__(self):
        return f"{self.target.code} {self.year}: {self.get_status_display()}"

    def get_absolute_url(self):
        return reverse("performance:target", args=[self.target_id]) + f"#progress-{self.year}"
