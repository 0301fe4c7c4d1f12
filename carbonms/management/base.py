"""The base of every management-system record: it belongs to one system (the park's own, enterprise
empty, or one enterprise's), has an owner, a status and review dates, and is change-logged."""
from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from carbonms.common.models import ScopedModel


class SystemRecord(ScopedModel):
    park = models.ForeignKey("organizations.Park", on_delete=models.PROTECT, related_name="+", verbose_name=_("park"))
    enterprise = models.ForeignKey(
        "organizations.Enterprise", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("enterprise"), help_text=_("Empty: a record of the park's own management system."),
    )

    scope_domain = "management"

    class Meta:
        abstract = True

    @property
    def owner_slug(self) -> str:
        return f"ent-{self.enterprise_id}" if self.enterprise_id else f"park-{self.park_id}"


class RegisterStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    UNDER_REVIEW = "under_review", _("Under review")
    CLOSED = "closed", _("Closed")


class RegisterEntry(SystemRecord):
    """A register line: an owner, a status and review dates (last and next)."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                              verbose_name=_("owner"))
    status = models.CharField(_("status"), max_length=20, choices=RegisterStatus.choices, default=RegisterStatus.ACTIVE)
    last_reviewed_on = models.DateField(_("last reviewed"), null=True, blank=True)
    next_review_on = models.DateField(_("next review"), null=True, blank=True)

    class Meta:
        abstract = True

    @property
    def review_overdue(self) -> bool:
        return bool(self.next_review_on and self.status != RegisterStatus.CLOSED
                    and self.next_review_on < timezone.localdate())


def months_ago(months: int, today: dt.date | None = None) -> dt.date:
    today = today or timezone.localdate()
    return today - dt.timedelta(days=round(months * 30.44))
