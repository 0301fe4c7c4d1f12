"""Activity data with its review workflow, period locks, lab analyses, imports, evidence and the
domain events of the data process (T/CIECCPA 061 §8.2.3–8.2.5, §9.1; T/CSES §8.4; T/CPQS §9.2.2)."""
from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from carbonms.accounting.units import LAB_UNITS
from carbonms.common.models import ScopedModel
from carbonms.organizations.models import Enterprise, Park

from .register import Source

_USER = settings.AUTH_USER_MODEL


class PeriodLock(ScopedModel):
    """A closed month of an enterprise: its approved data is locked, and changes need a correction."""

    enterprise = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="period_locks", verbose_name=_("enterprise"))
    year = models.PositiveSmallIntegerField(_("year"))
    month = models.PositiveSmallIntegerField(_("month"))
    locked_by = models.ForeignKey(_USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("locked by"))
    reason = models.CharField(_("note"), max_length=300, blank=True)

    scope_park = "enterprise__park_id"
    scope_domain = "data"

    class Meta:
        ordering = ["enterprise", "year", "month"]
        verbose_name = _("closed period")
        verbose_name_plural = _("closed periods")
        constraints = [models.UniqueConstraint(fields=["enterprise", "year", "month"], name="unique_period_lock")]

    def __str__(self):
        return f"{self.enterprise} · {self.year}-{self.month:02d}"

    def get_absolute_url(self):
        return reverse("carbondata:grid", args=[self.enterprise_id]) + f"?year={self.year}"


class DataImport(ScopedModel):
    """An uploaded workbook: kept with its SHA-256 and uploader whether it was committed or refused."""

    class Status(models.TextChoices):
        REFUSED = "refused", _("Refused (errors)")
        VALIDATED = "validated", _("Validated (dry run)")
        COMMITTED = "committed", _("Committed")
        CHECKING = "checking", _("Checking (dry run running)")
        COMMITTING = "committing", _("Importing")

    #: the statuses of an import whose job is running (the page polls its progress)
    RUNNING = (Status.CHECKING, Status.COMMITTING)

    enterprise = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="data_imports", verbose_name=_("enterprise"))
    year = models.PositiveSmallIntegerField(_("year"))
    file = models.FileField(_("file"), upload_to="imports/%Y/%m/")
    original_name = models.CharField(_("file name"), max_length=200)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    size = models.PositiveIntegerField(_("size (bytes)"), default=0)
    uploaded_by = models.ForeignKey(_USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("uploaded by"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    template_version = models.CharField(_("template version"), max_length=40, blank=True)
    errors = models.JSONField(_("errors"), default=list, blank=True)
    n_rows = models.PositiveIntegerField(_("rows"), default=0)
    progress_done = models.PositiveIntegerField(_("rows checked"), default=0)
    progress_total = models.PositiveIntegerField(_("rows to check"), default=0)

    changelog_exclude = ("created_at", "updated_at", "progress_done", "progress_total")
    scope_park = "enterprise__park_id"
    scope_domain = "data"

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("data import")
        verbose_name_plural = _("data imports")

    def __str__(self):
        return f"{self.original_name} ({self.get_status_display()})"

    def get_absolute_url(self):
        return reverse("carbondata:import_detail", args=[self.pk])

    @property
    def running(self) -> bool:
        return self.status in self.RUNNING

    @property
    def percent(self) -> int:
        return min(100, self.progress_done * 100 // self.progress_total) if self.progress_total else 0


class ActivityRecord(ScopedModel):
    """One monthly value of one source, in one version.

    Workflow: draft → submitted → approved (by a reviewer who did not enter it) → locked when the
    period is closed. A change after locking is a *correction*: a new version with a reason; the old
    version stays (``is_current`` false once the correction is approved). Calculations use the current
    approved or locked version. ``origin`` says whether a person, an import or a meter rollup made it;
    ``meter_detail`` keeps the rollup's evidence (meters, readings, completeness) for meter data.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Returned")
        LOCKED = "locked", _("Locked")
        SUPERSEDED = "superseded", _("Superseded")

    class Origin(models.TextChoices):
        MANUAL = "manual", _("Entered")
        IMPORT = "import", _("Excel import")
        METER = "meter", _("Meter rollup")

    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="activity", verbose_name=_("source"))
    enterprise = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="activity", verbose_name=_("enterprise"))
    year = models.PositiveSmallIntegerField(_("year"))
    month = models.PositiveSmallIntegerField(_("month"))
    amount = models.DecimalField(_("amount"), max_digits=20, decimal_places=6)
    unit = models.CharField(_("unit"), max_length=20)
    opening_stock = models.DecimalField(_("opening stock"), max_digits=20, decimal_places=6, null=True, blank=True)
    purchased = models.DecimalField(_("purchased"), max_digits=20, decimal_places=6, null=True, blank=True)
    closing_stock = models.DecimalField(_("closing stock"), max_digits=20, decimal_places=6, null=True, blank=True)
    transferred_out = models.DecimalField(_("transferred out"), max_digits=20, decimal_places=6, null=True, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    version = models.PositiveIntegerField(_("version"), default=1)
    previous = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="corrections", verbose_name=_("corrects"))
    is_current = models.BooleanField(_("current version"), default=True)
    correction_reason = models.CharField(_("reason for correction"), max_length=300, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    origin = models.CharField(_("origin"), max_length=8, choices=Origin.choices, default=Origin.MANUAL)
    data_import = models.ForeignKey(DataImport, null=True, blank=True, on_delete=models.PROTECT, related_name="records", verbose_name=_("import"))
    meter_detail = models.JSONField(_("meter evidence"), default=dict, blank=True)
    quality_flags = models.JSONField(_("data-quality findings"), default=list, blank=True)
    entered_by = models.ForeignKey(_USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("entered by"))
    submitted_by = models.ForeignKey(_USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("submitted by"))
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    reviewed_by = models.ForeignKey(_USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("reviewed by"))
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    review_comment = models.CharField(_("review comment"), max_length=300, blank=True)

    scope_park = "enterprise__park_id"
    scope_domain = "data"

    class Meta:
        ordering = ["enterprise", "year", "month", "source__code", "-version"]
        verbose_name = _("activity data")
        verbose_name_plural = _("activity data")
        constraints = [
            models.UniqueConstraint(fields=["source", "year", "month"], condition=Q(is_current=True), name="unique_current_activity"),
            models.UniqueConstraint(fields=["source", "year", "month", "version"], name="unique_activity_version"),
            models.CheckConstraint(condition=Q(month__gte=1, month__lte=12), name="activity_month_range"),
        ]
        indexes = [models.Index(fields=["enterprise", "year", "status"], name="activity_ent_year_status")]

    def __str__(self):
        return f"{self.source.code} {self.year}-{self.month:02d} v{self.version}"

    def get_absolute_url(self):
        return reverse("carbondata:activity", args=[self.pk])

    @property
    def usable(self) -> bool:
        return self.is_current and self.status in (self.Status.APPROVED, self.Status.LOCKED)


class LabAnalysis(ScopedModel):
    """A lab result for one batch or month of a fuel or material, in the unit the lab reported it, with
    the amount it represents, so the calculation uses consumption-weighted averages (T/CIECCPA 061
    §8.2.5). The value is converted by the one units module (``carbonms.accounting.units.lab_value``)
    into the unit of the source's activity; a unit that cannot describe that activity is refused."""

    class Parameter(models.TextChoices):
        NCV = "ncv", _("Net calorific value")
        CARBON_CONTENT = "carbon_content", _("Carbon content (per unit heat, or per unit of fuel)")
        CARBON_FRACTION = "carbon_fraction", _("Carbon fraction of a material (mass balance)")
        OXIDATION_RATE = "oxidation_rate", _("Oxidation rate")
        PURITY = "purity", _("Purity (carbonates)")

    PARAMETER_UNITS = LAB_UNITS

    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="lab_analyses", verbose_name=_("source"))
    year = models.PositiveSmallIntegerField(_("year"))
    month = models.PositiveSmallIntegerField(_("month"))
    batch = models.CharField(_("batch / sample"), max_length=60, blank=True)
    parameter = models.CharField(_("parameter"), max_length=16, choices=Parameter.choices)
    value = models.DecimalField(_("value"), max_digits=16, decimal_places=6)
    unit = models.CharField(_("unit"), max_length=16)
    weight = models.DecimalField(_("amount represented"), max_digits=20, decimal_places=6, help_text=_("Consumption this batch represents, for weighting."))
    laboratory = models.CharField(_("laboratory"), max_length=120, blank=True)
    entered_by = models.ForeignKey(_USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("entered by"))

    scope_park = "source__enterprise__park_id"
    scope_enterprise = "source__enterprise_id"
    scope_domain = "data"

    class Meta:
        ordering = ["source", "year", "month", "batch"]
        verbose_name = _("lab analysis")
        verbose_name_plural = _("lab analyses")

    def __str__(self):
        return f"{self.source.code} {self.year}-{self.month:02d} {self.get_parameter_display()} {self.batch}"

    def get_absolute_url(self):
        return reverse("carbondata:source", args=[self.source_id]) + "#lab"


class Evidence(ScopedModel):
    """A file kept as evidence (invoice, ledger page, lab report, meter export, uploaded workbook),
    attached to an activity value, a lab analysis, an import, a production or an economic record, with
    its SHA-256 and uploader."""

    class Kind(models.TextChoices):
        INVOICE = "invoice", _("Invoice")
        LEDGER = "ledger", _("Ledger")
        LAB_REPORT = "lab_report", _("Lab report")
        METER = "meter", _("Meter data")
        WORKBOOK = "workbook", _("Uploaded workbook")
        OTHER = "other", _("Other")

    enterprise = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="evidence", verbose_name=_("enterprise"))
    activity = models.ForeignKey(ActivityRecord, null=True, blank=True, on_delete=models.PROTECT, related_name="evidence", verbose_name=_("activity data"))
    lab_analysis = models.ForeignKey(LabAnalysis, null=True, blank=True, on_delete=models.PROTECT, related_name="evidence", verbose_name=_("lab analysis"))
    data_import = models.ForeignKey(DataImport, null=True, blank=True, on_delete=models.PROTECT, related_name="evidence", verbose_name=_("import"))
    production = models.ForeignKey("carbondata.ProductionRecord", null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="evidence", verbose_name=_("production record"))
    economic = models.ForeignKey("carbondata.EconomicRecord", null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="evidence", verbose_name=_("economic record"))
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    file = models.FileField(_("file"), upload_to="evidence/%Y/%m/")
    original_name = models.CharField(_("file name"), max_length=200)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    description = models.CharField(_("description"), max_length=300, blank=True)
    uploaded_by = models.ForeignKey(_USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("uploaded by"))

    scope_park = "enterprise__park_id"
    scope_domain = "data"

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")

    def __str__(self):
        return f"{self.get_kind_display()} · {self.original_name}"

    def get_absolute_url(self):
        return reverse("carbondata:evidence", args=[self.pk])


class DataEvent(ScopedModel):
    """An explicit domain event of the data process (import committed, period locked, run computed…)."""

    park = models.ForeignKey(Park, on_delete=models.PROTECT, related_name="+", verbose_name=_("park"))
    enterprise = models.ForeignKey(Enterprise, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("enterprise"))
    kind = models.CharField(_("event"), max_length=40)
    actor = models.ForeignKey(_USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("by"))
    detail = models.JSONField(_("detail"), default=dict, blank=True)

    scope_domain = "data"

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("data event")
        verbose_name_plural = _("data events")

    def __str__(self):
        return self.kind
