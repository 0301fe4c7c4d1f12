"""Document and record control (T/CSES 7.3; T/CPQS 8.4; T/CIECCPA 061 7.5).

A ``Document`` is the controlled item (identifier, kind, retention, access, distribution); each
``DocumentVersion`` carries its file (stored with its SHA-256), author, reviewer and approver. Only
an approved version can be put in force, and putting one in force marks the previous one obsolete.
"""
from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from carbonms.common.files import safe_filename

from .base import SystemRecord

USER = settings.AUTH_USER_MODEL


class Document(SystemRecord):
    class Kind(models.TextChoices):
        MANUAL = "manual", _("Manual")
        PROCEDURE = "procedure", _("Procedure")
        RULE = "rule", _("Rule")
        INSTRUCTION = "instruction", _("Work instruction")
        FORM = "form", _("Form or template")
        RECORD = "record", _("Record")
        LEDGER = "ledger", _("Ledger (台账)")

    identifier = models.CharField(_("identifier"), max_length=40)
    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    owner = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("owner"))
    distribution = models.CharField(_("distribution"), max_length=300, blank=True)
    access = models.CharField(_("access conditions"), max_length=300, blank=True)
    retention_years = models.PositiveSmallIntegerField(_("retention (years)"), default=5)
    next_review_on = models.DateField(_("next review"), null=True, blank=True)

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["identifier"]
        constraints = [
            models.UniqueConstraint(fields=["park", "enterprise", "identifier"], name="unique_document_identifier"),
        ]

    def __str__(self):
        return f"{self.identifier} {self.title}"

    def get_absolute_url(self):
        return reverse("management:document", args=[self.pk])

    @property
    def in_force(self):
        return next((v for v in self.versions.all() if v.status == DocumentVersion.Status.IN_FORCE), None)


def version_upload_to(instance, filename):
    # The version label is typed by users: cleaned to one path segment ("../.." must not climb out).
    return (f"documents/{instance.document.park_id}/{instance.document_id}/"
            f"{safe_filename(instance.version, 'v')}/{safe_filename(filename)}")


class DocumentVersion(SystemRecord):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        APPROVED = "approved", _("Approved")
        IN_FORCE = "in_force", _("In force")
        OBSOLETE = "obsolete", _("Obsolete")

    document = models.ForeignKey(Document, on_delete=models.PROTECT, related_name="versions", verbose_name=_("document"))
    version = models.CharField(_("version"), max_length=12)
    file = models.FileField(_("file"), upload_to=version_upload_to, blank=True)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True, editable=False)
    change_note = models.CharField(_("what changed"), max_length=300, blank=True)
    author = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("author"))
    reviewer = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                                 verbose_name=_("reviewer"))
    approver = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                                 verbose_name=_("approver"))
    approved_on = models.DateField(_("approved on"), null=True, blank=True)
    effective_on = models.DateField(_("effective date"), null=True, blank=True)
    obsolete_on = models.DateField(_("obsolete since"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)

    class Meta:
        verbose_name = _("document version")
        verbose_name_plural = _("document versions")
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["document", "version"], name="unique_document_version")]

    def __str__(self):
        return f"{self.document.identifier} v{self.version}"

    def get_absolute_url(self):
        return reverse("management:document", args=[self.document_id])
