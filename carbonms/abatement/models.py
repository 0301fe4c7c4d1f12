"""Opportunities ranked by abatement cost, action plans and pathway scenarios (T/CSES 6.2.2, 6.3, 6.3.1 a) b);
T/CPQS 7.2 a)–f), 7.3.2 g) h); T/CIECCPA 6.2.3, 8.1.1–8.1.3).

* :class:`Opportunity` — an improvement opportunity of the park (``enterprise`` empty) or of an enterprise, with
  its annual abatement computed by the accounting core from the activity before and after, and its levelised
  cost and payback (``carbonms.planning.macc``). Ranked by cost, it draws the marginal abatement cost curve.
* :class:`ActionLine` — one line of an action plan (措施计划 / 实施方案), linked to a target (app ``performance``)
  and to sources or units, with the responsible person, resources, schedule, verification method, the
  expected annual reduction (accounting core) and the verified reduction once measured.
* :class:`Scenario` — a projection of the park's or an enterprise's emissions (business as usual, policy,
  enhanced) from growth and intensity rates, the action plans and planned sinks and offsets
  (``carbonms.planning.pathway``).

Every record belongs to the park or one enterprise (scope domain ``planning``); writes go through services.py.
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
from carbonms.organizations.models import EmissionUnit, Enterprise, Park

USER = settings.AUTH_USER_MODEL


class _Owned(ScopedModel):
    """A record of the park (enterprise empty) or of one enterprise."""

    park = models.ForeignKey(Park, on_delete=models.PROTECT, related_name="+", verbose_name=_("park"))
    enterprise = models.ForeignKey(Enterprise, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("enterprise"), help_text=_("Empty: the park as a whole."))

    scope_domain = "planning"

    class Meta:
        abstract = True

    @property
    def owner_slug(self) -> str:
        return f"ent-{self.enterprise_id}" if self.enterprise_id else f"park-{self.park_id}"

    @property
    def owner_name(self) -> str:
        return self.enterprise.name if self.enterprise_id else self.park.name


class Estimated(models.Model):
    """The activity before and after a measure and the annual reduction the accounting core computes from them."""

    activity_before = models.JSONField(
        _("activity before"), default=list, blank=True,
        help_text=_("Rows of the accounting core (category, method, material, amount, unit, optional factors) "
                    "for one year before the measure."))
    activity_after = models.JSONField(_("activity after"), default=list, blank=True,
                                      help_text=_("The same rows for one year with the measure in place."))
    gwp_set = models.CharField(_("GWP set"), max_length=8, default="AR5")
    factor_year = models.PositiveSmallIntegerField(
        _("factor year"), help_text=_("The year whose emission factors (e.g. the grid factor) the estimate uses."))
    annual_reduction_t = models.DecimalField(_("expected annual reduction (tCO₂e)"), max_digits=16, decimal_places=3,
                                             null=True, blank=True)
    estimate = models.JSONField(_("how the reduction was computed"), default=dict, blank=True)

    class Meta:
        abstract = True


class Opportunity(Estimated, _Owned):
    """An improvement opportunity (T/CSES 6.3.1 a) 1)–5); T/CIECCPA 8.1.1–8.1.3; T/CPQS 7.3.2 g) h))."""

    class Category(models.TextChoices):
        ENERGY_STRUCTURE = "energy_structure", _("1) Energy production and consumption structure")
        EFFICIENCY = "efficiency", _("2) Energy efficiency and renewable absorption")
        INFRASTRUCTURE = "infrastructure", _("3) Infrastructure")
        PROCESS = "process", _("4) Processes")
        OTHER = "other", _("5) Other")

    class Stage(models.TextChoices):
        SOURCE = "source", _("Source reduction (8.1.1)")
        PROCESS = "process", _("Process reduction (8.1.2)")
        END_OF_PIPE = "end_of_pipe", _("End-of-pipe reduction (8.1.3)")

    class Maturity(models.TextChoices):
        PROVEN = "proven", _("Proven, widely used")
        DEMONSTRATION = "demonstration", _("Demonstrated")
        PILOT = "pilot", _("Pilot / research")

    class Status(models.TextChoices):
        OPEN = "open", _("Identified")
        PROMOTED = "promoted", _("Promoted to an action plan")
        REJECTED = "rejected", _("Not pursued")

    code = models.CharField(_("code"), max_length=40)
    title = models.CharField(_("opportunity"), max_length=200)
    description = models.TextField(_("technical content"), blank=True)
    category = models.CharField(_("category (T/CSES 6.3.1 a))"), max_length=20, choices=Category.choices)
    stage = models.CharField(_("reduction stage (T/CIECCPA 8.1)"), max_length=12, choices=Stage.choices)
    sources = models.ManyToManyField("carbondata.Source", blank=True, related_name="+", verbose_name=_("affected sources"))
    units = models.ManyToManyField(EmissionUnit, blank=True, related_name="+", verbose_name=_("affected units"))
    capex = models.DecimalField(_("capital cost (yuan)"), max_digits=16, decimal_places=2,
                                validators=[MinValueValidator(Decimal("0"))])
    delta_opex = models.DecimalField(_("change in annual operating cost (yuan/yr)"), max_digits=16, decimal_places=2,
                                     help_text=_("Negative for a saving (energy cost saved included)."))
    lifetime_years = models.PositiveSmallIntegerField(_("lifetime (years)"), validators=[MinValueValidator(1),
                                                                                          MaxValueValidator(60)])
    discount_rate_pct = models.DecimalField(_("discount rate (%)"), max_digits=5, decimal_places=2, default=Decimal("8"),
                                            validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("50"))])
    crf = models.DecimalField(_("capital recovery factor"), max_digits=12, decimal_places=8, null=True, blank=True)
    cost_per_t = models.DecimalField(_("levelised abatement cost (yuan/tCO₂e)"), max_digits=16, decimal_places=2,
                                     null=True, blank=True)
    payback_years = models.DecimalField(_("simple payback (years)"), max_digits=10, decimal_places=2, null=True, blank=True)
    maturity = models.CharField(_("technology maturity"), max_length=14, choices=Maturity.choices, default=Maturity.PROVEN)
    co_benefits = models.TextField(_("co-benefits"), blank=True)
    owner = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                              verbose_name=_("owner"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)

    class Meta:
        ordering = ["park", "enterprise", "cost_per_t", "code"]
        verbose_name = _("abatement opportunity")
        verbose_name_plural = _("abatement opportunities")
        constraints = [
            models.UniqueConstraint(fields=["park", "enterprise", "code"], name="unique_opportunity_code_per_entity"),
            models.UniqueConstraint(fields=["park", "code"], condition=models.Q(enterprise__isnull=True),
                                    name="unique_park_opportunity_code"),
        ]

    def __str__(self):
        return f"{self.code} {self.title}"

    def get_absolute_url(self):
        return reverse("abatement:opportunity", args=[self.pk])


class ActionLine(Estimated, _Owned):
    """One line of an action plan (措施计划 / 碳管理实施方案): T/CSES 6.2.2 a)–e) and 6.3 a)–e); T/CPQS 7.2 a)–f).

    What (measure, technical content, type, path and method), for which target and sources or units, who
    (department and person), with what (resources, budget in yuan), when (start, end, stage results), how the
    result is verified, the expected annual reduction (accounting core, before/after) and the verified reduction
    once measured. Status: planned → in progress → completed → verified (or cancelled).
    """

    class Type(models.TextChoices):
        SUBSTITUTION = "source_substitution", _("Source substitution (fuel or raw material)")
        EFFICIENCY = "process_efficiency", _("Process and energy efficiency")
        CAPTURE = "end_of_pipe", _("End-of-pipe capture")
        ENERGY_STRUCTURE = "energy_structure", _("Energy structure (renewables, green power)")
        OPERATION = "operation", _("Production and operation adjustment")

    class Status(models.TextChoices):
        PLANNED = "planned", pgettext_lazy("action plan line", "Planned")
        IN_PROGRESS = "in_progress", pgettext_lazy("action plan line", "In progress")
        COMPLETED = "completed", pgettext_lazy("action plan line", "Completed")
        VERIFIED = "verified", pgettext_lazy("action plan line", "Reduction verified")
        CANCELLED = "cancelled", pgettext_lazy("action plan line", "Cancelled")

    code = models.CharField(_("code"), max_length=40)
    measure = models.CharField(_("measure"), max_length=200)
    technical_content = models.TextField(_("technical content"), blank=True)
    kind = models.CharField(_("type of measure"), max_length=20, choices=Type.choices)
    path_method = models.TextField(_("implementation path and method"), blank=True)
    target = models.ForeignKey("performance.Target", null=True, blank=True, on_delete=models.PROTECT, related_name="action_lines",
                               verbose_name=_("target"))
    opportunity = models.ForeignKey(Opportunity, null=True, blank=True, on_delete=models.PROTECT, related_name="action_lines",
                                    verbose_name=_("from opportunity"))
    sources = models.ManyToManyField("carbondata.Source", blank=True, related_name="+", verbose_name=_("sources"))
    units = models.ManyToManyField(EmissionUnit, blank=True, related_name="+", verbose_name=_("emission units"))
    department = models.CharField(_("responsible department"), max_length=120)
    responsible = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                                    verbose_name=_("responsible person"))
    resources = models.TextField(_("resources (people, equipment, funds)"), blank=True)
    budget = models.DecimalField(_("budget (yuan)"), max_digits=16, decimal_places=2, default=Decimal("0"),
                                 validators=[MinValueValidator(Decimal("0"))])
    start_date = models.DateField(_("start"))
    end_date = models.DateField(_("completion"))
    stage_results = models.TextField(_("stage results"), blank=True, help_text=_("The milestones and what each delivers."))
    verification_method = models.TextField(
        _("verification method"), help_text=_("How the result is verified, e.g. metered before/after comparison "
                                              "(IPMVP option B), the next inventory statement."))
    verified_reduction_t = models.DecimalField(_("verified annual reduction (tCO₂e)"), max_digits=16, decimal_places=3,
                                               null=True, blank=True)
    verified_on = models.DateField(_("verified on"), null=True, blank=True)
    verification_note = models.TextField(_("verification record"), blank=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.PLANNED)

    class Meta:
        ordering = ["park", "enterprise", "start_date", "code"]
        verbose_name = _("action plan line")
        verbose_name_plural = _("action plan lines")
        constraints = [
            models.UniqueConstraint(fields=["park", "enterprise", "code"], name="unique_action_code_per_entity"),
            models.UniqueConstraint(fields=["park", "code"], condition=models.Q(enterprise__isnull=True),
                                    name="unique_park_action_code"),
        ]

    def __str__(self):
        return f"{self.code} {self.measure}"

    def get_absolute_url(self):
        return reverse("abatement:action", args=[self.pk])


class Scenario(_Owned):
    """A pathway scenario (T/CSES 6.3.1 b); T/CIECCPA 6.2.1 b) c)): rates, measures, sinks and offsets."""

    class Kind(models.TextChoices):
        BAU = "bau", pgettext_lazy("pathway scenario", "Business as usual")
        POLICY = "policy", pgettext_lazy("pathway scenario", "Policy")
        ENHANCED = "enhanced", pgettext_lazy("pathway scenario", "Enhanced")

    name = models.CharField(_("name"), max_length=120)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    horizon = models.PositiveSmallIntegerField(_("horizon (year)"), validators=[MinValueValidator(2000),
                                                                                 MaxValueValidator(2100)])
    growth_pct = models.DecimalField(_("activity growth (%/yr)"), max_digits=6, decimal_places=2, default=Decimal("0"),
                                     validators=[MinValueValidator(Decimal("-50")), MaxValueValidator(Decimal("50"))])
    intensity_change_pct = models.DecimalField(
        _("change of emissions per unit of activity (%/yr)"), max_digits=6, decimal_places=2, default=Decimal("0"),
        validators=[MinValueValidator(Decimal("-50")), MaxValueValidator(Decimal("50"))],
        help_text=_("Negative for an improvement."))
    uncertainty_pp = models.DecimalField(
        _("uncertainty band (± percentage points of growth)"), max_digits=5, decimal_places=2, default=Decimal("1"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("20"))])
    include_action_plans = models.BooleanField(
        _("count the action plans"), default=True,
        help_text=_("Deduct the expected reduction of the action-plan lines from the year they end."))
    extra_reductions = models.JSONField(
        _("further reductions"), default=dict, blank=True,
        help_text=_("{year: tCO₂e per year} taking effect from that year (e.g. a renewable plan)."))
    sinks = models.JSONField(_("planned sinks and offsets"), default=dict, blank=True,
                             help_text=_("{year: tCO₂e per year} of own sinks and offsets from that year."))
    note = models.TextField(_("assumptions"), blank=True)

    class Meta:
        ordering = ["park", "enterprise", "kind", "name"]
        verbose_name = _("pathway scenario")
        verbose_name_plural = _("pathway scenarios")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("abatement:pathway", args=[self.owner_slug]) + f"#scenario-{self.pk}"
