"""Performance indicators, deviation investigations and the carbon review (issues 12 and 13).

* :class:`Indicator` — the register of performance indicators (绩效参数, T/CSES 6.4, T/CPQS 7.4, T/CIECCPA 9.1.1 a) 4)):
  a measured value, a ratio or a regression model, with its numerator scope, denominator, relevant variables,
  owner and frequency. Its values are computed from the inventory statements in force and the approved output
  and value-added data (never typed in), see :mod:`carbonms.carbonreview.indicators`.
* :class:`DeviationInvestigation` — when an indicator (or a target) deviates from its expected value beyond a
  share (default 10 %), the cause checklist of T/CSES 9.1 b) 1)–5) and T/CIECCPA 9.1.2 a)–c), the conclusion and
  optionally a nonconformity (T/CPQS 10.1.1).
* :class:`CarbonReview` and its :class:`ReviewSection` rows — the carbon review (碳评审) of one management system
  and year: the six park modules of T/CSES 6.3, the annual review items of T/CPQS 7.3.2 a)–j) and the trading,
  asset and neutrality reviews of T/CPQS 7.3.3–7.3.5, each pre-filled from the data with findings and a
  conclusion added by staff. Draft → reviewed (management representative) → approved (top management, not the
  author); a new version when a trigger of T/CPQS 7.3.1 fires.
"""
from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from carbonms.management.base import SystemRecord

USER = settings.AUTH_USER_MODEL


class Indicator(SystemRecord):
    """One performance indicator of a management system (the park's own, or an enterprise's)."""

    scope_domain = "planning"

    class Kind(models.TextChoices):
        MEASURED = "measured", _("Measured value")
        RATIO = "ratio", _("Ratio (intensity)")
        REGRESSION = "regression", _("Regression model")

    class Numerator(models.TextChoices):
        GROSS = "gross", _("Gross emissions (all categories)")
        DIRECT = "direct", _("Direct emissions")
        INDIRECT_ENERGY = "indirect_energy", _("Indirect emissions from purchased energy")
        ENERGY_CO2 = "energy_co2", _("CO₂ of energy activities")
        ENERGY = "energy_tce", _("Energy consumption (tce)")

    class Denominator(models.TextChoices):
        NONE = "", _("None (an absolute value)")
        VALUE_ADDED = "value_added", _("Value added (10⁴ yuan)")
        OUTPUT_VALUE = "output_value", _("Gross output value (10⁴ yuan)")
        GDP = "gdp", _("GDP of the park (10⁴ yuan)")
        PRODUCT = "product", _("Output of a product")
        ENERGY = "energy_tce", _("Energy consumption (tce)")

    class Frequency(models.TextChoices):
        MONTHLY = "monthly", _("Monthly")
        QUARTERLY = "quarterly", _("Quarterly")
        ANNUAL = "annual", _("Annual")

    code = models.CharField(_("code"), max_length=30)
    name = models.CharField(_("name"), max_length=160)
    kind = models.CharField(_("type"), max_length=12, choices=Kind.choices, default=Kind.MEASURED)
    numerator = models.CharField(_("numerator scope"), max_length=20, choices=Numerator.choices, default=Numerator.GROSS)
    denominator = models.CharField(_("denominator"), max_length=14, choices=Denominator.choices, blank=True, default="")
    product_code = models.CharField(_("product code"), max_length=40, blank=True,
                                    help_text=_("For a denominator \"output of a product\": the product's code in the output data."))
    relevant_variables = models.CharField(
        _("relevant variables"), max_length=300, blank=True,
        help_text=_("Comma-separated: the variables that significantly affect the indicator (output, degree days, product mix). "
                    "Required for a regression model."))
    baseline = models.ForeignKey("performance.Baseline", null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="indicators", verbose_name=_("baseline"),
                                 help_text=_("The baseline the indicator is compared with (T/CSES 6.4; T/CPQS 10.1.1)."))
    expected_value = models.DecimalField(
        _("expected value"), max_digits=20, decimal_places=6, null=True, blank=True,
        help_text=_("The value the indicator is expected to have each year (empty: the baseline value, where there is one)."))
    deviation_threshold_pct = models.DecimalField(
        _("deviation threshold (%)"), max_digits=5, decimal_places=2, default=Decimal("10"),
        validators=[MinValueValidator(Decimal("0.1")), MaxValueValidator(Decimal("100"))],
        help_text=_("A value further than this share from the expected value calls for a deviation investigation."))
    data_source = models.CharField(_("data source"), max_length=200, blank=True)
    owner = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("owner"))
    frequency = models.CharField(_("frequency"), max_length=10, choices=Frequency.choices, default=Frequency.ANNUAL)
    active = models.BooleanField(_("in use"), default=True)

    class Meta:
        verbose_name = _("performance indicator")
        verbose_name_plural = _("performance indicators")
        ordering = ["park", "enterprise", "code"]
        constraints = [models.UniqueConstraint(fields=["park", "enterprise", "code"], name="unique_indicator_code",
                                               nulls_distinct=False)]

    def __str__(self):
        return f"{self.code} {self.name}"

    def get_absolute_url(self):
        return reverse("carbonreview:indicator", args=[self.pk])

    @property
    def variables(self) -> list[str]:
        return [v.strip() for v in self.relevant_variables.split(",") if v.strip()]


class DeviationInvestigation(SystemRecord):
    """The investigation of a serious deviation of an indicator or a target from its expected value (T/CPQS 10.1.1;
    T/CSES 9.1 a) 4), b); T/CIECCPA 9.1.2)."""

    scope_domain = "planning"

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        CONCLUDED = "concluded", _("Concluded")

    #: the cause checklist: (field, label, clause)
    CAUSES = (
        ("cause_scope", _("Deviation in the accounting scope"), "T/CSES 9.1 b) 1); T/CIECCPA 9.1.2 a)"),
        ("cause_methodology", _("Methodology missing or used improperly"), "T/CSES 9.1 b) 2); T/CIECCPA 9.1.2 b)"),
        ("cause_data_missing", _("Data missing"), "T/CSES 9.1 b) 3)"),
        ("cause_data_unreliable", _("Measured or statistical data unreliable"), "T/CSES 9.1 b) 4)"),
        ("cause_offsets", _("Offsetting used improperly"), "T/CIECCPA 9.1.2 c)"),
        ("cause_other", _("Other cause"), "T/CSES 9.1 b) 5)"),
    )

    indicator = models.ForeignKey(Indicator, null=True, blank=True, on_delete=models.PROTECT, related_name="investigations",
                                  verbose_name=_("indicator"))
    target = models.ForeignKey("performance.Target", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="investigations", verbose_name=_("target"))
    year = models.PositiveSmallIntegerField(_("year"))
    expected = models.DecimalField(_("expected value"), max_digits=20, decimal_places=6)
    actual = models.DecimalField(_("actual value"), max_digits=20, decimal_places=6)
    deviation_pct = models.DecimalField(_("deviation (%)"), max_digits=9, decimal_places=2)
    threshold_pct = models.DecimalField(_("threshold (%)"), max_digits=5, decimal_places=2)
    cause_scope = models.BooleanField(_("Deviation in the accounting scope"), default=False)
    cause_methodology = models.BooleanField(_("Methodology missing or used improperly"), default=False)
    cause_data_missing = models.BooleanField(_("Data missing"), default=False)
    cause_data_unreliable = models.BooleanField(_("Measured or statistical data unreliable"), default=False)
    cause_offsets = models.BooleanField(_("Offsetting used improperly"), default=False)
    cause_other = models.BooleanField(_("Other cause"), default=False)
    analysis = models.TextField(_("cause analysis"), blank=True)
    conclusion = models.TextField(_("conclusion"), blank=True)
    real_change = models.BooleanField(
        _("a real change in performance"), null=True, blank=True,
        help_text=_("Yes: the deviation reflects a real change in performance, not a data or method problem."))
    nonconformity = models.ForeignKey("audits.Nonconformity", null=True, blank=True, on_delete=models.PROTECT,
                                      related_name="deviation_investigations", verbose_name=_("nonconformity"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    opened_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("opened by"))
    concluded_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                                     verbose_name=_("concluded by"))
    concluded_on = models.DateField(_("concluded on"), null=True, blank=True)

    class Meta:
        verbose_name = _("deviation investigation")
        verbose_name_plural = _("deviation investigations")
        ordering = ["-year", "-pk"]
        constraints = [models.CheckConstraint(condition=Q(indicator__isnull=False) | Q(target__isnull=False),
                                              name="investigation_has_subject")]

    def __str__(self):
        return _("Deviation of %(subject)s in %(year)s") % {"subject": self.subject, "year": self.year}

    def get_absolute_url(self):
        return reverse("carbonreview:investigation", args=[self.pk])

    @property
    def subject(self):
        return self.indicator if self.indicator_id else self.target

    def causes(self) -> list[tuple[str, str, str, bool]]:
        return [(f, str(label), clause, getattr(self, f)) for f, label, clause in self.CAUSES]


class CarbonReview(SystemRecord):
    """The carbon review (碳评审) of a management system and year, one version in force at a time."""

    scope_domain = "planning"

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        REVIEWED = "reviewed", pgettext_lazy("carbon review", "Reviewed")
        APPROVED = "approved", pgettext_lazy("carbon review", "Approved")
        SUPERSEDED = "superseded", _("Superseded")

    year = models.PositiveSmallIntegerField(_("year"))
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    supersedes = models.OneToOneField("self", null=True, blank=True, on_delete=models.PROTECT, related_name="superseded_by",
                                      verbose_name=_("updates"))
    trigger = models.TextField(_("reason for the update"), blank=True,
                               help_text=_("The significant change (T/CPQS 7.3.1) that called for this version."))
    criteria = models.TextField(_("criteria and methods"), blank=True,
                                help_text=_("The review's criteria and methods (T/CSES 6.3; T/CPQS 7.3.1)."))
    summary = models.TextField(_("overall conclusion"), blank=True)
    assembled_at = models.DateTimeField(_("data assembled at"), null=True, blank=True)
    drafted_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("drafted by"))
    reviewed_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("reviewed by"))
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    approved_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("approved by"))
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)

    class Meta:
        verbose_name = _("carbon review")
        verbose_name_plural = _("carbon reviews")
        ordering = ["-year", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["park", "enterprise", "year", "version"], name="unique_carbon_review_version",
                                    nulls_distinct=False),
            # one approved version and at most one version in preparation per system and year
            models.UniqueConstraint(fields=["park", "enterprise", "year"], condition=Q(status="approved"),
                                    name="one_approved_carbon_review", nulls_distinct=False),
            models.UniqueConstraint(fields=["park", "enterprise", "year"], condition=Q(status__in=["draft", "reviewed"]),
                                    name="one_open_carbon_review", nulls_distinct=False),
        ]

    def __str__(self):
        return _("Carbon review %(year)s v%(version)s") % {"year": self.year, "version": self.version}

    def get_absolute_url(self):
        return reverse("carbonreview:review", args=[self.pk])


class ReviewSection(SystemRecord):
    """One item of a carbon review: the data it was pre-filled with (frozen JSON), and the staff's findings and conclusion."""

    scope_domain = "planning"

    class Conclusion(models.TextChoices):
        OPEN = "", _("Not concluded")
        ADEQUATE = "adequate", _("Adequate")
        IMPROVE = "improve", _("Needs improvement")
        NA = "na", _("Not applicable")

    review = models.ForeignKey(CarbonReview, on_delete=models.PROTECT, related_name="sections", verbose_name=_("carbon review"))
    key = models.CharField(_("item"), max_length=40)
    position = models.PositiveSmallIntegerField(default=0)
    data = models.JSONField(_("data"), default=dict, blank=True)
    available = models.BooleanField(_("data available"), default=False)
    findings = models.TextField(_("findings"), blank=True)
    conclusion = models.CharField(_("conclusion"), max_length=10, choices=Conclusion.choices, blank=True, default="")

    class Meta:
        verbose_name = _("carbon review item")
        verbose_name_plural = _("carbon review items")
        ordering = ["review", "position"]
        constraints = [models.UniqueConstraint(fields=["review", "key"], name="unique_review_section")]

    def __str__(self):
        from .sections import title_of

        return str(title_of(self.key))

    def get_absolute_url(self):
        return reverse("carbonreview:review", args=[self.review_id]) + f"#s-{self.key}"
