"""Monitoring plans (监测计划, T/CIECCPA 061 §8.2.4) and the measuring equipment register (GB 17167)."""
from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from carbonms.common.models import ScopedModel
from carbonms.organizations.models import Enterprise

from .register import DataSource, Source


class Frequency(models.TextChoices):
    CONTINUOUS = "continuous", _("Continuous")
    DAILY = "daily", _("Daily")
    BATCH = "batch", _("Each batch")
    MONTHLY = "monthly", _("Monthly")
    QUARTERLY = "quarterly", _("Quarterly")
    YEARLY = "yearly", _("Yearly")


class MonitoringPlan(ScopedModel):
    """One version of an enterprise's monitoring plan. Approved versions are not edited: a revision is a
    new version (draft), and approving it supersedes the one in force."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        APPROVED = "approved", _("Approved, in force")
        SUPERSEDED = "superseded", _("Superseded")

    enterprise = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="monitoring_plans", verbose_name=_("enterprise"))
    version = models.PositiveIntegerField(_("version"))
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.DRAFT)
    basic_information = models.TextField(_("basic information"), blank=True)
    boundary_description = models.TextField(_("boundaries"), blank=True)
    effective_from = models.DateField(_("effective from"))
    prepared_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("prepared by"))
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("approved by"))
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)

    scope_park = "enterprise__park_id"
    scope_domain = "data"

    class Meta:
        ordering = ["enterprise", "-version"]
        verbose_name = _("monitoring plan")
        verbose_name_plural = _("monitoring plans")
        constraints = [models.UniqueConstraint(fields=["enterprise", "version"], name="unique_plan_version")]

    def __str__(self):
        return f"{self.enterprise} · v{self.version}"

    def get_absolute_url(self):
        return reverse("carbondata:plan", args=[self.pk])


class PlanItem(ScopedModel):
    """One data item of a plan: which source, what is measured, how often, how, and the evidence kept."""

    class DataItem(models.TextChoices):
        ACTIVITY = "activity", _("Activity data (consumption)")
        NCV = "ncv", _("Net calorific value")
        CARBON_CONTENT = "carbon_content", _("Carbon content")
        STOCK = "stock", _("Stock (opening / closing)")
        OUTPUT = "output", _("Production output")

    plan = models.ForeignKey(MonitoringPlan, on_delete=models.PROTECT, related_name="items", verbose_name=_("plan"))
    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="plan_items", verbose_name=_("source"))
    data_item = models.CharField(_("data item"), max_length=20, choices=DataItem.choices, default=DataItem.ACTIVITY)
    data_source = models.CharField(_("data source"), max_length=10, choices=DataSource.choices)
    min_frequency = models.CharField(_("minimum frequency"), max_length=12, choices=Frequency.choices, default=Frequency.MONTHLY)
    requirements = models.CharField(_("requirements"), max_length=300, blank=True, help_text=_("e.g. consumption-weighted monthly average."))
    evidence_kept = models.CharField(_("evidence kept"), max_length=300, blank=True)
    instrument = models.ForeignKey("MeasuringInstrument", null=True, blank=True, on_delete=models.PROTECT, related_name="plan_items", verbose_name=_("measuring equipment"))

    scope_park = "plan__enterprise__park_id"
    scope_enterprise = "plan__enterprise_id"
    scope_domain = "data"

    class Meta:
        ordering = ["plan", "source__code", "data_item"]
        verbose_name = _("monitoring plan item")
        verbose_name_plural = _("monitoring plan items")

    def __str__(self):
        return f"{self.source} · {self.get_data_item_display()}"

    def get_absolute_url(self):
        return self.plan.get_absolute_url()


class MeasuringInstrument(ScopedModel):
    """A measuring instrument (计量器具) of GB 17167: energy meters, weighbridges, flow meters…"""

    class InstrumentType(models.TextChoices):
        ELECTRICITY = "electricity", _("Electricity meter")
        GAS = "gas", _("Gas flow meter")
        STEAM = "steam", _("Steam / heat meter")
        OIL = "oil", _("Oil flow meter")
        WEIGHBRIDGE = "weighbridge", _("Weighbridge / belt scale")
        WATER = "water", _("Water meter")
        CEMS = "cems", _("CEMS analyser")
        OTHER = "other", _("Other")

    enterprise = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="instruments", verbose_name=_("enterprise"))
    code = models.CharField(_("code"), max_length=40)
    name = models.CharField(_("name"), max_length=120)
    instrument_type = models.CharField(_("type"), max_length=12, choices=InstrumentType.choices)
    model_number = models.CharField(_("model"), max_length=80, blank=True)
    accuracy_class = models.CharField(_("accuracy class"), max_length=20, blank=True)
    location = models.CharField(_("location"), max_length=160)
    sources = models.ManyToManyField(Source, blank=True, related_name="instruments", verbose_name=_("sources served"))
    in_service = models.BooleanField(_("in service"), default=True)

    scope_park = "enterprise__park_id"
    scope_domain = "data"

    class Meta:
        ordering = ["enterprise", "code"]
        verbose_name = _("measuring equipment")
        verbose_name_plural = _("measuring equipment")
        constraints = [models.UniqueConstraint(fields=["enterprise", "code"], name="unique_instrument_code")]

    def __str__(self):
        return f"{self.code} {self.name}"

    def get_absolute_url(self):
        return reverse("carbondata:instrument", args=[self.pk])

    def valid_on(self, day: dt.date, calibrations=None) -> bool:
        """True when a calibration covers ``day`` (calibrations may be given to avoid a query)."""
        cals = calibrations if calibrations is not None else self.calibrations.all()
        return any(c.performed_on <= day <= c.due_on for c in cals)


class Calibration(ScopedModel):
    """A calibration or verification (检定/校准) with its certificate and the next due date."""

    class Kind(models.TextChoices):
        VERIFICATION = "verification", _("Verification (检定)")
        CALIBRATION = "calibration", _("Calibration (校准)")

    instrument = models.ForeignKey(MeasuringInstrument, on_delete=models.PROTECT, related_name="calibrations", verbose_name=_("measuring equipment"))
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.VERIFICATION)
    performed_on = models.DateField(_("performed on"))
    due_on = models.DateField(_("due on"))
    certificate_no = models.CharField(_("certificate number"), max_length=60)
    certificate = models.FileField(_("certificate"), upload_to="calibrations/%Y/", blank=True)
    body = models.CharField(_("calibration body"), max_length=120, blank=True)
    passed = models.BooleanField(_("passed"), default=True)

    scope_park = "instrument__enterprise__park_id"
    scope_enterprise = "instrument__enterprise_id"
    scope_domain = "data"

    class Meta:
        ordering = ["instrument", "-performed_on"]
        verbose_name = _("calibration record")
        verbose_name_plural = _("calibration records")

    def __str__(self):
        return f"{self.instrument.code} · {self.certificate_no}"

    def get_absolute_url(self):
        return self.instrument.get_absolute_url()
