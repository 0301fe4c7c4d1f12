"""User factors: a park's or an enterprise's own emission factors (measured, supplier-certified…)
beside the accounting core's shipped library. Versions are immutable: a correction is a new version
of the same key, and every calculation result names the exact version it used."""
from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from carbonms.common.models import ScopedModel
from carbonms.organizations.models import Enterprise, Park


class UserFactor(ScopedModel):
    """One version of a user factor. ``kind`` fuel: NCV × carbon content × oxidation; ef: a factor per
    activity unit (e.g. tCO2/MWh of a supplier's contract, tCO2/t of a measured carbonate)."""

    class Kind(models.TextChoices):
        FUEL = "fuel", _("Fuel (NCV, carbon content, oxidation)")
        EF = "ef", _("Emission factor per activity unit")

    class Status(models.TextChoices):
        UNVERIFIED = "unverified", _("Not verified")
        VERIFIED = "verified", _("Verified")

    park = models.ForeignKey(Park, on_delete=models.PROTECT, related_name="user_factors", verbose_name=_("park"))
    enterprise = models.ForeignKey(Enterprise, null=True, blank=True, on_delete=models.PROTECT, related_name="user_factors",
                                   verbose_name=_("enterprise"), help_text=_("Empty: for the whole park."))
    key = models.CharField(_("key"), max_length=80)
    version = models.PositiveIntegerField(_("version"), default=1)
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    material = models.CharField(_("material / fuel"), max_length=80)
    ncv = models.FloatField(_("net calorific value"), null=True, blank=True)
    ncv_unit = models.CharField(_("NCV unit"), max_length=20, blank=True)
    carbon_content = models.FloatField(_("carbon content (tC/GJ)"), null=True, blank=True)
    oxidation_rate = models.FloatField(_("oxidation rate"), null=True, blank=True)
    ef = models.FloatField(_("emission factor"), null=True, blank=True)
    ef_unit = models.CharField(_("factor unit"), max_length=30, blank=True, help_text=_("e.g. tCO2/MWh, tCO2/t."))
    source_document = models.CharField(_("source document"), max_length=300)
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True)
    status = models.CharField(_("verification status"), max_length=12, choices=Status.choices, default=Status.UNVERIFIED)
    note = models.CharField(_("note / reason for the new version"), max_length=300, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("created by"))

    scope_park = "park_id"
    scope_enterprise = "enterprise_id"
    scope_park_records_shared = True  # a park's own factors are readable by its enterprises
    scope_domain = "data"

    class Meta:
        ordering = ["park", "key", "-version"]
        verbose_name = _("user factor")
        verbose_name_plural = _("user factors")
        constraints = [models.UniqueConstraint(fields=["park", "key", "version"], name="unique_user_factor_version")]

    def __str__(self):
        return f"{self.key} v{self.version}"

    def get_absolute_url(self):
        return reverse("carbondata:factors", args=[self.park_id]) + f"#f-{self.pk}"

    @property
    def version_id(self) -> str:
        return f"user/{self.key}@{self.version}"

    def row_parameters(self) -> dict:
        """The input columns of the accounting core that apply this factor."""
        if self.kind == self.Kind.FUEL:
            return {"ncv": self.ncv, "ncv_unit": self.ncv_unit, "carbon_content": self.carbon_content,
                    "oxidation_rate": self.oxidation_rate}
        return {"ef": self.ef, "ef_unit": self.ef_unit}

    def describe(self) -> dict:
        return {"id": f"user/{self.key}", "version": self.version, "version_id": self.version_id, "kind": self.kind,
                "name": self.material, "source": self.source_document, "status": self.status, "year": self.year,
                "user_factor": True, **{k: v for k, v in self.row_parameters().items() if v not in (None, "")}}
