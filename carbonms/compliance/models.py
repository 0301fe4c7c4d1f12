"""Records of ETS compliance, offset projects and carbon-neutrality claims (issue 13 items 4–6).

* :class:`ComplianceRecord` — the 履约记录 of a covered enterprise and compliance year (T/CIECCPA 7.5.2 d) 11)):
  the obligation taken from the statement of record, the position computed by the asset core with the rule
  that produced it, and the surrenders made through the ledger.
* :class:`OffsetProject` and :class:`ProjectStage` — the CCER / carbon-sink project pipeline of T/CIECCPA
  8.3.3.1–8.3.3.6 (development → validation → registration → monitoring → verification → issuance), with a
  document at each stage; an estimate is never an asset until issued.
* :class:`NeutralityClaim` and :class:`ClaimOffset` — the carbon-neutrality claim of an enterprise and year
  (T/CIECCPA 8.4; T/CPQS 7.3.5): emissions from a statement in force, offsets that are ledger cancellations
  for this claim, the priority of 8.4.2/8.4.3, the third party's determination and the declaration approved
  by top management.
"""
from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from carbonms.common.models import ScopedModel
from carbonms.organizations.models import Enterprise, Park

DEC = {"max_digits": 16, "decimal_places": 3}


class ComplianceRecord(ScopedModel):
    """履约记录: one per covered enterprise and compliance year (T/CPQS 7.3.3 e), 9.2.3 c); T/CIECCPA 7.5.2 d) 11))."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        PARTIAL = "partial", _("Partly surrendered")
        SETTLED = "settled", _("Settled")

    park = models.ForeignKey(Park, on_delete=models.PROTECT, related_name="+", verbose_name=_("park"))
    enterprise = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="compliance_records", verbose_name=_("enterprise"))
    year = models.PositiveSmallIntegerField(_("compliance year"))
    statement = models.ForeignKey("inventory.InventoryStatement", on_delete=models.PROTECT, related_name="+",
                                  verbose_name=_("statement of record"))
    obligation_t = models.DecimalField(_("obligation (t)"), **DEC)
    surrendered_t = models.DecimalField(_("surrendered (t)"), default=0, **DEC)
    ccer_surrendered_t = models.DecimalField(_("CCER surrendered (t)"), default=0, **DEC)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    deadline = models.DateField(_("surrender deadline"), null=True, blank=True)
    settled_on = models.DateField(_("settled on"), null=True, blank=True)
    position = models.JSONField(_("position at the last surrender"), default=dict, blank=True,
                                help_text=_("The asset core's output with the rule and statement that produced it."))
    surrenders = models.JSONField(_("surrenders"), default=list, blank=True,
                                  help_text=_("Ledger movements of this compliance year: id, lot, instrument, quantity, date."))
    note = models.TextField(_("note"), blank=True)

    scope_domain = "assets"

    class Meta:
        ordering = ["-year", "enterprise"]
        verbose_name = _("compliance record")
        verbose_name_plural = _("compliance records")
        constraints = [models.UniqueConstraint("enterprise", "year", name="one_compliance_record_per_year")]

    def __str__(self):
        return f"{self.enterprise} · {self.year} · {self.get_status_display()}"

    def get_absolute_url(self):
        return reverse("compliance:position", args=[self.enterprise_id, self.year])


class OffsetProject(ScopedModel):
    """A CCER or carbon-sink project of the enterprise (T/CIECCPA 8.3.2, 8.3.3; T/CPQS 7.3.4 d))."""

    class Kind(models.TextChoices):
        CCER = "ccer", _("CCER project")
        SINK = "sink", _("Carbon-sink (forestry) project")

    class Stage(models.TextChoices):
        DEVELOPMENT = "development", _("Development")
        VALIDATION = "validation", _("Validation")
        REGISTRATION = "registration", _("Registration")
        MONITORING = "monitoring", _("Monitoring")
        VERIFICATION = "verification", _("Verification")
        ISSUANCE = "issuance", _("Issuance")

    park = models.ForeignKey(Park, on_delete=models.PROTECT, related_name="+", verbose_name=_("park"))
    enterprise = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="offset_projects", verbose_name=_("enterprise"))
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices, default=Kind.CCER)
    name = models.CharField(_("name"), max_length=160)
    methodology = models.CharField(_("methodology"), max_length=60, help_text=_("e.g. CCER-14-001-V01 (afforestation)"))
    location = models.CharField(_("location"), max_length=120, blank=True)
    local = models.BooleanField(_("local project"), default=False, help_text=_("In the organisation's own city or province (8.4.2, 8.4.3)."))
    forestry = models.BooleanField(_("forestry sink"), default=False)
    area_mu = models.DecimalField(_("effective area (mu)"), null=True, blank=True, max_digits=12, decimal_places=2)
    started_on = models.DateField(_("start date"), null=True, blank=True)
    baseline = models.TextField(_("baseline scenario"), blank=True)
    additionality = models.TextField(_("additionality demonstration"), blank=True)
    estimated_annual_t = models.DecimalField(_("estimated annual reduction (t)"), null=True, blank=True, **DEC,
                                             help_text=_("An estimate, never an asset: only issued credits enter the ledger."))
    stage = models.CharField(_("stage"), max_length=14, choices=Stage.choices, default=Stage.DEVELOPMENT)
    registration_no = models.CharField(_("registration number"), max_length=60, blank=True)
    registered_on = models.DateField(_("registered on"), null=True, blank=True)
    issued_t = models.DecimalField(_("issued (t)"), default=0, **DEC)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                                   verbose_name=_("created by"))

    scope_domain = "assets"

    class Meta:
        ordering = ["enterprise", "name"]
        verbose_name = _("offset project")
        verbose_name_plural = _("offset projects")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("compliance:project", args=[self.pk])

    @property
    def stage_index(self) -> int:
        return list(self.Stage.values).index(self.stage)


class ProjectStage(ScopedModel):
    """One completed stage of a project with its document (T/CIECCPA 8.3.3.1–8.3.3.6)."""

    project = models.ForeignKey(OffsetProject, on_delete=models.PROTECT, related_name="stages", verbose_name=_("project"))
    stage = models.CharField(_("stage"), max_length=14, choices=OffsetProject.Stage.choices)
    completed_on = models.DateField(_("completed on"))
    body = models.CharField(_("body"), max_length=120, blank=True,
                            help_text=_("Validation or verification body, registry or authority."))
    reference = models.CharField(_("reference"), max_length=120, blank=True, help_text=_("Report, notice or serial numbers."))
    quantity_t = models.DecimalField(_("quantity (t)"), null=True, blank=True, **DEC,
                                     help_text=_("Monitored, verified or issued reductions."))
    document = models.FileField(_("document"), upload_to="compliance/projects/", blank=True)
    note = models.TextField(_("note"), blank=True)
    ledger_movement_id = models.PositiveIntegerField(_("ledger movement"), null=True, blank=True,
                                                     help_text=_("Issuance: the ledger movement that created the credits."))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                                    verbose_name=_("recorded by"))

    scope_park = "project__park_id"
    scope_enterprise = "project__enterprise_id"
    scope_domain = "assets"

    class Meta:
        ordering = ["project", "completed_on", "pk"]
        verbose_name = _("project stage")
        verbose_name_plural = _("project stages")

    def __str__(self):
        return f"{self.project} · {self.get_stage_display()}"

    def get_absolute_url(self):
        return self.project.get_absolute_url()


class NeutralityClaim(ScopedModel):
    """A carbon-neutrality claim of an enterprise and year (T/CIECCPA 8.4.1–8.4.6; T/CPQS 3.11, 7.3.5, 9.2.5)."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SELF_ASSESSED = "self_assessed", _("Self-assessed")
        DETERMINED = "determined", _("Determined by the third party")
        DECLARED = "declared", _("Declared")

    class GasBasis(models.TextChoices):
        CO2E = "co2e", _("CO₂e, all gases (T/CIECCPA)")
        CO2 = "co2", _("CO₂ only (T/CPQS 3.11)")

    class Conclusion(models.TextChoices):
        ACHIEVED = "achieved", _("Neutrality achieved")
        NOT_ACHIEVED = "not_achieved", _("Neutrality not achieved")

    park = models.ForeignKey(Park, on_delete=models.PROTECT, related_name="+", verbose_name=_("park"))
    enterprise = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="neutrality_claims", verbose_name=_("enterprise"))
    year = models.PositiveSmallIntegerField(_("year"))
    statement = models.ForeignKey("inventory.InventoryStatement", on_delete=models.PROTECT, related_name="+",
                                  verbose_name=_("statement of record"))
    gas_basis = models.CharField(_("gas basis"), max_length=4, choices=GasBasis.choices, default=GasBasis.CO2E)
    categories = models.JSONField(_("emission categories included"), default=list, blank=True)
    emissions_t = models.DecimalField(_("emissions (t)"), **DEC)
    window_months = models.PositiveSmallIntegerField(
        _("cancellation window (months)"), default=12, help_text=_("Offsets count when cancelled within this many months after the year."))
    status = models.CharField(_("status"), max_length=14, choices=Status.choices, default=Status.DRAFT)
    result = models.JSONField(_("assessment"), default=dict, blank=True,
                              help_text=_("The asset core's neutrality output at the last assessment."))
    priority_justification = models.TextField(
        _("justification of the offset priority"), blank=True,
        help_text=_("Required when a lower-priority offset is used while a higher-priority one was held (8.4.2, 8.4.3)."))
    maintained_until = models.DateField(_("neutral status maintained until"), null=True, blank=True)
    drafted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("drafted by"))
    assessed_at = models.DateTimeField(_("self-assessed at"), null=True, blank=True)
    verifier = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("third-party verifier"))
    verifier_body = models.CharField(_("verification body"), max_length=120, blank=True)
    determined_on = models.DateField(_("determination date"), null=True, blank=True)
    conclusion = models.CharField(_("determination conclusion"), max_length=14, choices=Conclusion.choices, blank=True)
    determination_notes = models.TextField(_("determination notes"), blank=True,
                                           help_text=_("Document review and site visit (8.4.5)."))
    determination_report = models.FileField(_("determination report"), upload_to="compliance/determinations/", blank=True)
    declared_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("declaration approved by"))
    declared_at = models.DateTimeField(_("declaration approved at"), null=True, blank=True)

    scope_domain = "assets"

    class Meta:
        ordering = ["-year", "enterprise"]
        verbose_name = _("neutrality claim")
        verbose_name_plural = _("neutrality claims")
        constraints = [models.UniqueConstraint("enterprise", "year", name="one_neutrality_claim_per_year")]

    def __str__(self):
        return f"{self.enterprise} · {self.year} · {self.get_status_display()}"

    def get_absolute_url(self):
        return reverse("compliance:claim", args=[self.pk])

    @property
    def category_labels(self) -> list[str]:
        from carbonms.carbondata.models.register import Category

        labels = dict(Category.choices)
        return [str(labels.get(c, c)) for c in self.categories or []]
