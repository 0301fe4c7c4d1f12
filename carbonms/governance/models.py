"""Records of park governance (issue 14): project admission and exit (T/CSES 6.3.5 a)–d)), the annual
assessment of enterprises (年终考核, T/CSES 6.3.6 b); Annex A 《碳管理绩效考核管理办法》《目标和指标完成情况检查表》)
and coordination (T/CSES 6.3.6 a) c) d) e); 8.2).

Park-level records (committees, applications, schemes, rounds, procurement criteria, training sessions) have no
enterprise; schemes, rounds and training sessions are readable by the park's enterprises
(``scope_visible_to_members``). An enterprise's assessment, its scores and attendance belong to the enterprise, so
its users read their own and nobody else's. Service requests are the enterprise's own management records
(domain ``management``: the enterprise administrator files them, the park carbon officer answers).
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
from carbonms.organizations.models import Enterprise, Park
from carbonms.organizations.validators import validate_credit_code, validate_industry_code

USER = settings.AUTH_USER_MODEL
_PCT = [MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))]
_NONNEG = [MinValueValidator(Decimal("0"))]


class ParkRecord(ScopedModel):
    """A record of the park itself (no enterprise), domain ``governance``."""

    park = models.ForeignKey(Park, on_delete=models.PROTECT, related_name="+", verbose_name=_("park"))

    scope_enterprise = None
    scope_domain = "governance"

    class Meta:
        abstract = True


# -- committees --------------------------------------------------------------------------------------------------------
class Committee(ParkRecord):
    """A decision body of the park: the admission committee decides applications and exits, the leading group
    (领导小组) approves the assessment results. Only its members may record its decisions."""

    class Kind(models.TextChoices):
        ADMISSION = "admission", _("Admission committee")
        LEADING_GROUP = "leading_group", _("Leading group")

    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=120)
    members = models.ManyToManyField(USER, blank=True, related_name="+", verbose_name=_("members"))

    class Meta:
        verbose_name = _("committee")
        verbose_name_plural = _("committees")
        ordering = ["park", "kind"]
        constraints = [models.UniqueConstraint(fields=["park", "kind"], name="unique_committee_kind")]

    def __str__(self):
        return self.name


# -- admission and exit --------------------------------------------------------------------------------------------
class ProjectApplication(ParkRecord):
    """A project applying to enter the park (T/CSES 6.3.5; spec §1.6.3): planned activity data, the energy and
    emissions the accounting core computes from it, the screening report and the committee's decision."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SCREENED = "screened", _("Screened")
        ADMITTED = "admitted", pgettext_lazy("admission", "Admitted")
        CONDITIONAL = "conditional", pgettext_lazy("admission", "Admitted with conditions")
        REFUSED = "refused", pgettext_lazy("admission", "Refused")

    class Decision(models.TextChoices):
        ADMIT = "admit", pgettext_lazy("admission", "Admit")
        CONDITIONAL = "conditional", pgettext_lazy("admission", "Admit with conditions")
        REFUSE = "refuse", pgettext_lazy("admission", "Refuse")

    number = models.CharField(_("application number"), max_length=30)
    project = models.CharField(_("project"), max_length=200)
    applicant = models.CharField(_("applicant"), max_length=120)
    credit_code = models.CharField(_("unified social credit code"), max_length=18, validators=[validate_credit_code])
    industry_code = models.CharField(_("industry code (GB/T 4754)"), max_length=4, validators=[validate_industry_code])
    products = models.CharField(_("products"), max_length=200)
    capacity = models.DecimalField(_("capacity"), max_digits=14, decimal_places=3, validators=_NONNEG)
    capacity_unit = models.CharField(_("capacity unit"), max_length=30)
    planned_output = models.DecimalField(_("planned annual output"), max_digits=14, decimal_places=3, null=True,
                                         blank=True, validators=_NONNEG)
    benchmark = models.CharField(_("sector benchmark"), max_length=30, blank=True,
                                 help_text=_("The product whose energy-efficiency benchmark applies (sector_benchmarks.csv)."))
    operation_year = models.PositiveSmallIntegerField(_("first full year of operation"))
    planned_activity = models.JSONField(_("planned activity data"), default=list, blank=True,
                                        help_text=_("Rows of the accounting core's input: source, category, method, "
                                                    "material, amount, unit."))
    planned_energy_tce = models.DecimalField(_("planned energy (tce)"), max_digits=16, decimal_places=3, null=True,
                                             blank=True)
    planned_emissions_t = models.DecimalField(_("planned emissions (tCO2e)"), max_digits=16, decimal_places=3,
                                              null=True, blank=True)
    calculation = models.JSONField(_("calculation provenance"), default=dict, blank=True)
    renewable_share_pct = models.DecimalField(_("renewable electricity commitment (%)"), max_digits=5,
                                              decimal_places=2, default=Decimal("0"), validators=_PCT)
    energy_report = models.FileField(_("energy-saving report (节能报告)"), upload_to="governance/applications/",
                                     blank=True)
    carbon_report = models.FileField(_("carbon evaluation (EIA carbon section)"), upload_to="governance/applications/",
                                     blank=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.DRAFT)
    screening = models.JSONField(_("screening report"), default=dict, blank=True)
    screened_at = models.DateTimeField(_("screened at"), null=True, blank=True)
    decision = models.CharField(_("decision"), max_length=12, choices=Decision.choices, blank=True)
    conditions = models.TextField(_("conditions"), blank=True)
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    votes_for = models.PositiveSmallIntegerField(_("votes for"), default=0)
    votes_against = models.PositiveSmallIntegerField(_("votes against"), default=0)
    votes_abstain = models.PositiveSmallIntegerField(_("abstentions"), default=0)
    decided_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                                   verbose_name=_("decision recorded by"))
    entry_date = models.DateField(_("entry date"), null=True, blank=True)
    enterprise = models.ForeignKey(Enterprise, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("enterprise created"))
    provisional_allocation_t = models.DecimalField(_("provisional allocation (tCO2e)"), max_digits=16,
                                                   decimal_places=3, null=True, blank=True)
    actual_emissions_t = models.DecimalField(_("actual emissions in the first full year (tCO2e)"), max_digits=16,
                                             decimal_places=3, null=True, blank=True)
    post_check = models.JSONField(_("post-operation check"), default=dict, blank=True)

    class Meta:
        verbose_name = _("project application")
        verbose_name_plural = _("project applications")
        ordering = ["park", "-created_at"]
        constraints = [models.UniqueConstraint(fields=["park", "number"], name="unique_application_number")]

    def __str__(self):
        return f"{self.number} {self.project}"

    def get_absolute_url(self):
        return reverse("governance:application", args=[self.pk])


class ExitDecision(ScopedModel):
    """The committee's decision that an enterprise leaves the park (T/CSES 6.3.5): sets its exit date."""

    park = models.ForeignKey(Park, on_delete=models.PROTECT, related_name="+", verbose_name=_("park"))
    enterprise = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="+", verbose_name=_("enterprise"))
    reason = models.TextField(_("reason"))
    decided_on = models.DateField(_("decided on"))
    exit_on = models.DateField(_("exit date"))
    votes_for = models.PositiveSmallIntegerField(_("votes for"), default=0)
    votes_against = models.PositiveSmallIntegerField(_("votes against"), default=0)
    votes_abstain = models.PositiveSmallIntegerField(_("abstentions"), default=0)
    decided_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                                   verbose_name=_("decision recorded by"))

    scope_domain = "governance"

    class Meta:
        verbose_name = _("exit decision")
        verbose_name_plural = _("exit decisions")
        ordering = ["-decided_on"]

    def __str__(self):
        return f"{self.enterprise} · {self.exit_on}"

    def get_absolute_url(self):
        return reverse("governance:applications", args=[self.park_id])


# -- the annual assessment ----------------------------------------------------------------------------------------------
class Grade(models.TextChoices):
    EXCELLENT = "excellent", _("Excellent")
    GOOD = "good", _("Good")
    PASS = "pass", _("Pass")
    FAIL = "fail", _("Fail")


class AssessmentScheme(ParkRecord):
    """The park's 《碳管理绩效考核管理办法》 as a controlled record: criteria, weights, scoring rules, grades,
    rewards and penalties. A change is a new version; the version in force is used by new rounds."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        IN_FORCE = "in_force", _("In force")
        SUPERSEDED = "superseded", _("Superseded")

    title = models.CharField(_("title"), max_length=200)
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.DRAFT)
    excellent_min = models.DecimalField(_("excellent from (points)"), max_digits=5, decimal_places=1, default=Decimal("95"))
    good_min = models.DecimalField(_("good from (points)"), max_digits=5, decimal_places=1, default=Decimal("80"))
    pass_min = models.DecimalField(_("pass from (points)"), max_digits=5, decimal_places=1, default=Decimal("60"))
    missed_target_cap = models.CharField(_("best grade when the target is missed"), max_length=10,
                                         choices=Grade.choices, default=Grade.PASS)
    rewards = models.TextField(_("rewards"), blank=True)
    penalties = models.TextField(_("penalties"), blank=True)
    in_force_from = models.DateField(_("in force from"), null=True, blank=True)

    scope_visible_to_members = True

    class Meta:
        verbose_name = _("assessment scheme")
        verbose_name_plural = _("assessment schemes")
        ordering = ["park", "-version"]
        constraints = [models.UniqueConstraint(fields=["park", "version"], name="unique_scheme_version")]

    def __str__(self):
        return _("%(title)s (version %(v)s)") % {"title": self.title, "v": self.version}

    def get_absolute_url(self):
        return reverse("governance:scheme", args=[self.pk])


class Criterion(ParkRecord):
    """One criterion of a scheme: points, the rule, and where its score comes from (data or manual)."""

    class Source(models.TextChoices):
        TARGET = "target_achievement", _("Target achievement (inventory statements)")
        TIMELINESS = "data_timeliness", _("Data timeliness (closed months)")
        QUALITY = "data_quality", _("Data quality (approved values without quality flags)")
        CONFORMITY = "ms_conformity", _("Management-system conformity")
        ETS = "ets_compliance", _("ETS compliance on time")
        TRAINING = "training", _("Training attendance")
        MANUAL = "manual", pgettext_lazy("assessment criterion source", "Manual")

    class Group(models.TextChoices):
        TARGET = "target", _("Target achievement")
        MEASURES = "measures", _("Measures")

    scheme = models.ForeignKey(AssessmentScheme, on_delete=models.PROTECT, related_name="criteria",
                               verbose_name=_("scheme"))
    code = models.CharField(_("code"), max_length=20)
    name = models.CharField(_("criterion"), max_length=200)
    group = models.CharField(_("group"), max_length=10, choices=Group.choices)
    max_points = models.DecimalField(_("points"), max_digits=5, decimal_places=1, validators=_NONNEG)
    source = models.CharField(_("score from"), max_length=20, choices=Source.choices, default=Source.MANUAL)
    rule = models.TextField(_("scoring rule"), blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    scope_visible_to_members = True

    class Meta:
        verbose_name = _("assessment criterion")
        verbose_name_plural = _("assessment criteria")
        ordering = ["scheme", "position"]
        constraints = [models.UniqueConstraint(fields=["scheme", "code"], name="unique_criterion_code")]

    def __str__(self):
        return f"{self.code} {self.name}"


class AssessmentRound(ParkRecord):
    """The assessment of one year (年终考核): computed criteria, self-assessment, park scoring, approval by the
    leading group and publication."""

    class Status(models.TextChoices):
        OPEN = "open", _("Self-assessment")
        SCORING = "scoring", _("Park scoring")
        SUBMITTED = "submitted", _("Submitted to the leading group")
        PUBLISHED = "published", pgettext_lazy("assessment", "Published")

    year = models.PositiveSmallIntegerField(_("year"))
    scheme = models.ForeignKey(AssessmentScheme, on_delete=models.PROTECT, related_name="rounds",
                               verbose_name=_("scheme"))
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.OPEN)
    self_assessment_due = models.DateField(_("self-assessment due"), null=True, blank=True)
    submitted_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                                     verbose_name=_("submitted by"))
    approved_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                                    verbose_name=_("approved by"))
    approved_on = models.DateField(_("approved on"), null=True, blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)

    scope_visible_to_members = True

    class Meta:
        verbose_name = _("assessment round")
        verbose_name_plural = _("assessment rounds")
        ordering = ["park", "-year"]
        constraints = [models.UniqueConstraint(fields=["park", "year"], name="unique_assessment_round_year")]

    def __str__(self):
        return _("Assessment %(year)s") % {"year": self.year}

    def get_absolute_url(self):
        return reverse("governance:round", args=[self.pk])


class EnterpriseAssessment(ScopedModel):
    """One enterprise's result in a round: totals, grade, rank and its appeal (the 检查表 is drawn from it)."""

    class Appeal(models.TextChoices):
        NONE = "", _("No appeal")
        OPEN = "open", _("Appeal open")
        UPHELD = "upheld", _("Appeal upheld")
        REJECTED = "rejected", _("Appeal rejected")

    round = models.ForeignKey(AssessmentRound, on_delete=models.PROTECT, related_name="assessments",
                              verbose_name=_("round"))
    park = models.ForeignKey(Park, on_delete=models.PROTECT, related_name="+", verbose_name=_("park"))
    enterprise = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="+", verbose_name=_("enterprise"))
    self_total = models.DecimalField(_("self-assessment total"), max_digits=6, decimal_places=1, null=True, blank=True)
    self_submitted_at = models.DateTimeField(_("self-assessment submitted"), null=True, blank=True)
    total = models.DecimalField(_("total"), max_digits=6, decimal_places=1, null=True, blank=True)
    grade = models.CharField(_("grade"), max_length=10, choices=Grade.choices, blank=True)
    target_missed = models.BooleanField(_("target missed"), default=False)
    rank = models.PositiveIntegerField(_("rank"), null=True, blank=True)
    appeal = models.CharField(_("appeal"), max_length=10, choices=Appeal.choices, blank=True, default="")
    appeal_reason = models.TextField(_("appeal reason"), blank=True)
    appeal_outcome = models.TextField(_("appeal outcome"), blank=True)

    scope_domain = "governance"

    class Meta:
        verbose_name = _("enterprise assessment")
        verbose_name_plural = _("enterprise assessments")
        ordering = ["round", "rank", "enterprise__name"]
        constraints = [models.UniqueConstraint(fields=["round", "enterprise"], name="unique_assessment_enterprise")]

    def __str__(self):
        return f"{self.enterprise} · {self.round.year}"

    def get_absolute_url(self):
        return reverse("governance:assessment", args=[self.pk])


class Score(ScopedModel):
    """The score of one criterion for one enterprise: the value computed from data (with its evidence), the
    enterprise's self-assessment and the park's score (0 … the criterion's points)."""

    assessment = models.ForeignKey(EnterpriseAssessment, on_delete=models.PROTECT, related_name="scores",
                                   verbose_name=_("assessment"))
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="+", verbose_name=_("criterion"))
    computed = models.DecimalField(_("computed score"), max_digits=5, decimal_places=1, null=True, blank=True)
    evidence = models.CharField(_("evidence"), max_length=300, blank=True)
    self_score = models.DecimalField(_("self-assessment"), max_digits=5, decimal_places=1, null=True, blank=True)
    park_score = models.DecimalField(_("park score"), max_digits=5, decimal_places=1, null=True, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)

    scope_park = "assessment__park_id"
    scope_enterprise = "assessment__enterprise_id"
    scope_domain = "governance"

    class Meta:
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        ordering = ["assessment", "criterion__position"]
        constraints = [models.UniqueConstraint(fields=["assessment", "criterion"], name="unique_score_criterion")]

    def __str__(self):
        return f"{self.assessment} · {self.criterion.code}"


# -- coordination ---------------------------------------------------------------------------------------------------
class ProcurementCriterion(ParkRecord):
    """A criterion for purchases with a significant carbon impact and how the impact is evaluated
    (T/CSES 6.3.6 a), 8.2)."""

    class Category(models.TextChoices):
        MATERIAL = "material", _("Raw materials")
        ENERGY = "energy", _("Energy")
        EQUIPMENT = "equipment", _("Equipment")
        FACILITY = "facility", _("Facilities")
        PRODUCT = "product", _("Products")
        SERVICE = "service", _("Services")

    category = models.CharField(_("category"), max_length=12, choices=Category.choices)
    title = models.CharField(pgettext_lazy("procurement", "criterion"), max_length=200)
    significance = models.CharField(_("significant when"), max_length=200,
                                    help_text=_("The threshold above which a purchase is significant."))
    evaluation = models.TextField(_("how the impact is evaluated"))
    threshold_tco2e = models.DecimalField(
        _("significant from (tCO2e a year)"), max_digits=14, decimal_places=3, null=True, blank=True,
        validators=[MinValueValidator(Decimal("0"))],
        help_text=_("A purchase whose yearly emissions impact reaches this (either way) is significant; empty: the "
                    "evaluator judges."))
    in_force_from = models.DateField(_("in force from"))

    scope_visible_to_members = True

    class Meta:
        verbose_name = _("procurement criterion")
        verbose_name_plural = _("procurement criteria")
        ordering = ["park", "category", "title"]

    def __str__(self):
        return self.title


class ProcurementEvaluation(ParkRecord):
    """The evaluation of one purchase against a procurement criterion (T/CSES 6.3.6 a)): its yearly emissions
    impact, whether it is significant, and the decision. The park's own record (enterprises do not see it)."""

    class Decision(models.TextChoices):
        APPROVED = "approved", _("Approved")
        CONDITIONS = "conditions", _("Approved with conditions")
        REFUSED = "refused", pgettext_lazy("purchase decision", "Refused")

    criterion = models.ForeignKey(ProcurementCriterion, on_delete=models.PROTECT, related_name="evaluations",
                                  verbose_name=_("procurement criterion"))
    item = models.CharField(_("purchase"), max_length=200)
    supplier = models.CharField(_("supplier"), max_length=200, blank=True)
    evaluated_on = models.DateField(_("evaluated on"))
    impact_tco2e = models.DecimalField(
        _("emissions impact (tCO2e a year)"), max_digits=14, decimal_places=3,
        help_text=_("The change of the park's yearly emissions the purchase brings; negative for a reduction."))
    basis = models.TextField(_("how the impact was estimated"))
    significant = models.BooleanField(_("significant"), default=False)
    decision = models.CharField(_("decision"), max_length=12, choices=Decision.choices)
    conditions = models.TextField(_("conditions or reason"), blank=True)
    evaluated_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("evaluated by"))

    class Meta:
        verbose_name = _("procurement evaluation")
        verbose_name_plural = _("procurement evaluations")
        ordering = ["-evaluated_on", "-pk"]

    def __str__(self):
        return self.item


class TrainingSession(ParkRecord):
    """Training the park gives its enterprises on low-carbon policy and technology (T/CSES 6.3.6 c))."""

    title = models.CharField(_("title"), max_length=200)
    topic = models.CharField(_("topic"), max_length=200, blank=True)
    held_on = models.DateField(_("held on"))
    trainer = models.CharField(_("trainer"), max_length=120, blank=True)

    scope_visible_to_members = True

    class Meta:
        verbose_name = _("training session")
        verbose_name_plural = _("training sessions")
        ordering = ["park", "-held_on"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("governance:training", args=[self.pk])


class Attendance(ScopedModel):
    """How many people of an enterprise attended a training session."""

    session = models.ForeignKey(TrainingSession, on_delete=models.PROTECT, related_name="attendance",
                                verbose_name=_("training session"))
    enterprise = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="+", verbose_name=_("enterprise"))
    attendees = models.PositiveSmallIntegerField(_("attendees"))

    scope_park = "session__park_id"
    scope_domain = "governance"

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        ordering = ["session", "enterprise__name"]
        constraints = [models.UniqueConstraint(fields=["session", "enterprise"], name="unique_attendance")]

    def __str__(self):
        return f"{self.session} · {self.enterprise}"


class ServiceRequest(ScopedModel):
    """An enterprise's need the park helps with: renewable power, credits, allowances, low-carbon supply
    (T/CSES 6.3.6 d) e))."""

    class Kind(models.TextChoices):
        RENEWABLE = "renewable", _("Renewable power")
        CREDITS = "credits", _("Carbon credits")
        ALLOWANCES = "allowances", _("Allowances")
        SUPPLY = "supply", _("Low-carbon products and services")

    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("service request", "Open")
        IN_PROGRESS = "in_progress", _("In progress")
        CLOSED = "closed", pgettext_lazy("service request", "Closed")

    park = models.ForeignKey(Park, on_delete=models.PROTECT, related_name="+", verbose_name=_("park"))
    enterprise = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="+", verbose_name=_("enterprise"))
    kind = models.CharField(_("need"), max_length=12, choices=Kind.choices)
    description = models.TextField(_("description"))
    quantity = models.DecimalField(_("quantity"), max_digits=14, decimal_places=3, null=True, blank=True,
                                   validators=_NONNEG)
    unit = models.CharField(_("unit"), max_length=20, blank=True)
    needed_by = models.DateField(_("needed by"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.OPEN)
    response = models.TextField(_("park response"), blank=True)

    scope_domain = "management"

    class Meta:
        verbose_name = _("service request")
        verbose_name_plural = _("service requests")
        ordering = ["park", "status", "-created_at"]

    def __str__(self):
        return f"{self.enterprise} · {self.get_kind_display()}"

    def get_absolute_url(self):
        return reverse("governance:coordination", args=[self.park_id])
