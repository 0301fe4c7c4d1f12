"""Internal and external audits, nonconformity and corrective action, management review
(T/CSES 9.3–9.5, 10.1; T/CPQS 10.2–10.3, 11.2; T/CIECCPA 061 9.2–9.3, 10.1).

Audit records are of the ``audit`` domain (internal auditors plan and run them); nonconformities,
corrective actions and management reviews are of the ``management`` domain.
"""
from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from carbonms.management.base import SystemRecord

USER = settings.AUTH_USER_MODEL


class AuditProgramme(SystemRecord):
    """The audit programme of a year: frequency set from risk and from earlier results."""

    scope_domain = "audit"

    year = models.PositiveSmallIntegerField(_("year"))
    objectives = models.TextField(_("objectives"), blank=True)
    frequency_basis = models.TextField(_("frequency basis (risk and earlier results)"), blank=True)
    manager = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                                verbose_name=_("programme manager"))

    class Meta:
        verbose_name = _("audit programme")
        verbose_name_plural = _("audit programmes")
        ordering = ["-year"]
        constraints = [models.UniqueConstraint(fields=["park", "enterprise", "year"], name="unique_audit_programme_year")]

    def __str__(self):
        return _("Audit programme %(year)s") % {"year": self.year}

    def get_absolute_url(self):
        return reverse("audits:programme", args=[self.pk])


class Audit(SystemRecord):
    """One audit: its plan (objective, criteria, scope, team, schedule), checklist, findings and report."""

    scope_domain = "audit"

    class Kind(models.TextChoices):
        INTERNAL = "internal", _("Internal audit")
        EXTERNAL = "external", _("External audit")
        THIRD_PARTY = "third_party", _("Third-party certification audit")

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        IN_PROGRESS = "in_progress", _("In progress")
        REPORTED = "reported", _("Reported")
        CLOSED = "closed", _("Closed")

    programme = models.ForeignKey(AuditProgramme, null=True, blank=True, on_delete=models.PROTECT, related_name="audits",
                                  verbose_name=_("programme"))
    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.INTERNAL)
    standard = models.CharField(_("standard (criteria)"), max_length=40)
    objective = models.TextField(_("objective"))
    criteria = models.TextField(_("other criteria"), blank=True)
    areas = models.ManyToManyField("management.OrgUnit", blank=True, related_name="audits", verbose_name=_("areas audited"))
    scope = models.TextField(_("scope"), blank=True)
    lead = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                             verbose_name=_("lead auditor"))
    team = models.ManyToManyField(USER, blank=True, related_name="+", verbose_name=_("audit team"))
    external_body = models.CharField(_("external audit body"), max_length=200, blank=True)
    planned_start = models.DateField(_("planned start"))
    planned_end = models.DateField(_("planned end"))
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.PLANNED)
    overview = models.TextField(_("overview"), blank=True)
    conclusion = models.TextField(_("conclusion"), blank=True)
    reported_on = models.DateField(_("reported on"), null=True, blank=True)
    report_file = models.FileField(_("report"), upload_to="audits/reports/", blank=True)
    report_sha256 = models.CharField(_("report SHA-256"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("audit")
        verbose_name_plural = _("audits")
        ordering = ["-planned_start"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("audits:audit", args=[self.pk])


class ChecklistItem(SystemRecord):
    """One clause of the audit criteria to check, generated from the clause catalogue."""

    scope_domain = "audit"

    class Result(models.TextChoices):
        OPEN = "open", _("Not checked")
        CONFORM = "conform", _("Conforms")
        OBSERVATION = "observation", _("Observation")
        NONCONFORM = "nonconform", _("Nonconformity")
        NA = "na", _("Not applicable")

    audit = models.ForeignKey(Audit, on_delete=models.PROTECT, related_name="checklist", verbose_name=_("audit"))
    clause_key = models.CharField(_("clause"), max_length=60)
    number = models.CharField(_("number"), max_length=20)
    title = models.CharField(_("title"), max_length=200)
    requirement = models.TextField(_("requirement"), blank=True)
    result = models.CharField(_("result"), max_length=12, choices=Result.choices, default=Result.OPEN)
    notes = models.TextField(_("audit notes"), blank=True)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("checklist item")
        verbose_name_plural = _("checklist items")
        ordering = ["audit", "position"]

    def __str__(self):
        return f"{self.number} {self.title}"

    def get_absolute_url(self):
        return reverse("audits:audit", args=[self.audit_id]) + f"#c-{self.pk}"


class Finding(SystemRecord):
    """A finding of an audit, linked to its evidence (a document version, a link, or a description)."""

    scope_domain = "audit"

    class Kind(models.TextChoices):
        NONCONFORMITY = "nonconformity", _("Nonconformity")
        OBSERVATION = "observation", _("Observation")
        OPPORTUNITY = "opportunity", _("Opportunity for improvement")
        GOOD_PRACTICE = "good_practice", _("Good practice")

    audit = models.ForeignKey(Audit, on_delete=models.PROTECT, related_name="findings", verbose_name=_("audit"))
    item = models.ForeignKey(ChecklistItem, null=True, blank=True, on_delete=models.PROTECT, related_name="findings",
                             verbose_name=_("checklist item"))
    kind = models.CharField(_("kind"), max_length=14, choices=Kind.choices)
    description = models.TextField(_("finding"))
    evidence = models.TextField(_("evidence"))
    evidence_version = models.ForeignKey("management.DocumentVersion", null=True, blank=True, on_delete=models.PROTECT,
                                         related_name="findings", verbose_name=_("evidence document"))
    evidence_url = models.CharField(_("evidence link"), max_length=300, blank=True,
                                    help_text=_("A page of CarbonMS or elsewhere that shows the evidence."))
    recorded_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("recorded by"))

    class Meta:
        verbose_name = _("audit finding")
        verbose_name_plural = _("audit findings")
        ordering = ["audit", "pk"]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.description[:40]}"

    def get_absolute_url(self):
        return reverse("audits:audit", args=[self.audit_id]) + f"#f-{self.pk}"


class Nonconformity(SystemRecord):
    """A nonconformity from any source, its correction, root-cause analysis, actions, effectiveness
    review and closure."""

    class Source(models.TextChoices):
        AUDIT = "audit", _("Internal audit")
        EXTERNAL_AUDIT = "external_audit", _("External audit")
        MONITORING = "monitoring", _("Monitoring deviation")
        DATA_QUALITY = "data_quality", _("Data-quality failure")
        COMPLAINT = "complaint", _("Complaint")
        REVIEW = "review", _("Management review")
        OTHER = "other", _("Other")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        ANALYSED = "analysed", _("Cause analysed")
        VERIFYING = "verifying", _("Effectiveness review")
        CLOSED = "closed", _("Closed")

    number = models.CharField(_("number"), max_length=20)
    title = models.CharField(_("nonconformity"), max_length=200)
    source = models.CharField(pgettext_lazy("nonconformity", "source"), max_length=16, choices=Source.choices)
    finding = models.ForeignKey(Finding, null=True, blank=True, on_delete=models.PROTECT, related_name="nonconformities",
                                verbose_name=_("audit finding"))
    description = models.TextField(_("description"))
    activity_record = models.ForeignKey("carbondata.ActivityRecord", null=True, blank=True, on_delete=models.PROTECT,
                                        related_name="nonconformities", verbose_name=_("related activity data"),
                                        help_text=_("For a data-quality failure: the activity data record concerned."))
    detected_on = models.DateField(_("detected on"), default=timezone.localdate)
    owner = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                              verbose_name=_("owner"))
    correction = models.TextField(_("correction"), blank=True)
    correction_on = models.DateField(_("corrected on"), null=True, blank=True)
    five_whys = models.TextField(_("5 Whys"), blank=True)
    fishbone = models.TextField(_("fishbone (man, machine, material, method, environment, measurement)"), blank=True)
    eight_d = models.TextField(_("8D report"), blank=True)
    root_cause = models.TextField(_("root cause"), blank=True)
    effectiveness_review = models.TextField(_("effectiveness review"), blank=True)
    effective = models.BooleanField(_("actions effective"), null=True, blank=True)
    reviewed_on = models.DateField(_("effectiveness reviewed on"), null=True, blank=True)
    reviewed_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                                    verbose_name=_("reviewed by"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)

    class Meta:
        verbose_name = _("nonconformity")
        verbose_name_plural = _("nonconformities")
        ordering = ["-detected_on", "-pk"]

    def __str__(self):
        return f"{self.number} {self.title}"

    def get_absolute_url(self):
        return reverse("audits:nc", args=[self.pk])


class CorrectiveAction(SystemRecord):
    class Kind(models.TextChoices):
        CORRECTIVE = "corrective", _("Corrective action")
        PREVENTIVE = "preventive", _("Preventive action")

    nonconformity = models.ForeignKey(Nonconformity, on_delete=models.PROTECT, related_name="actions",
                                      verbose_name=_("nonconformity"))
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.CORRECTIVE)
    description = models.TextField(pgettext_lazy("corrective action", "action"))
    owner = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("owner"))
    due_on = models.DateField(_("due"))
    done_on = models.DateField(_("done on"), null=True, blank=True)
    result = models.TextField(_("result"), blank=True)

    class Meta:
        verbose_name = _("corrective or preventive action")
        verbose_name_plural = _("corrective and preventive actions")
        ordering = ["due_on"]

    def __str__(self):
        return self.description[:60]

    def get_absolute_url(self):
        return reverse("audits:nc", args=[self.nonconformity_id]) + f"#a-{self.pk}"

    @property
    def overdue(self) -> bool:
        return self.done_on is None and self.due_on < timezone.localdate()


class ManagementReview(SystemRecord):
    """A management review: inputs assembled from live data, decisions that become tracked actions."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        HELD = "held", _("Held")
        CLOSED = "closed", _("Closed")

    title = models.CharField(_("title"), max_length=200)
    held_on = models.DateField(_("date"))
    chair = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("chair"))
    attendees = models.TextField(_("attendees"), blank=True)
    inputs = models.JSONField(_("inputs"), default=dict, blank=True)
    inputs_assembled_at = models.DateTimeField(_("inputs assembled at"), null=True, blank=True)
    minutes = models.TextField(_("discussion and conclusions"), blank=True)
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.PLANNED)
    record_file = models.FileField(_("review record"), upload_to="reviews/", blank=True)
    record_sha256 = models.CharField(_("record SHA-256"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("management review")
        verbose_name_plural = _("management reviews")
        ordering = ["-held_on"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("audits:review", args=[self.pk])


class ReviewOutput(SystemRecord):
    """A decision of a management review, tracked as an action to its completion."""

    class Category(models.TextChoices):
        POLICY = "policy", _("Policy")
        INDICATORS = "indicators", _("Performance indicators")
        BASELINE = "baseline", _("Baselines")
        TARGETS = "targets", _("Objectives and targets")
        RESOURCES = "resources", _("Resources")
        IMPROVEMENT = "improvement", _("Improvement")

    review = models.ForeignKey(ManagementReview, on_delete=models.PROTECT, related_name="outputs", verbose_name=_("review"))
    category = models.CharField(_("category"), max_length=12, choices=Category.choices)
    decision = models.TextField(_("decision"))
    owner = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("owner"))
    due_on = models.DateField(_("due"), null=True, blank=True)
    done_on = models.DateField(_("done on"), null=True, blank=True)

    class Meta:
        verbose_name = _("review decision")
        verbose_name_plural = _("review decisions")
        ordering = ["review", "category", "pk"]

    def __str__(self):
        return self.decision[:60]

    def get_absolute_url(self):
        return reverse("audits:review", args=[self.review_id]) + f"#o-{self.pk}"

    @property
    def overdue(self) -> bool:
        return bool(self.done_on is None and self.due_on and self.due_on < timezone.localdate())
