"""Users and their scoped role assignments."""
from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from carbonms.common.models import ScopedModel

from .roles import ENTERPRISE_ONLY, PARK_ONLY, TIME_LIMITED, Role


class User(AbstractUser):
    """A person who logs in. What they may see and do comes only from their role assignments."""

    full_name = models.CharField(_("full name"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self):
        return self.full_name or self.username


class RoleAssignment(ScopedModel):
    """A role granted to a user in a park (``enterprise`` empty: the whole park) or in one enterprise."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="role_assignments", verbose_name=_("user"))
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    park = models.ForeignKey("organizations.Park", on_delete=models.PROTECT, related_name="+", verbose_name=_("park"))
    enterprise = models.ForeignKey(
        "organizations.Enterprise", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("enterprise"), help_text=_("Empty: the role covers the whole park."),
    )
    valid_from = models.DateTimeField(_("valid from"), null=True, blank=True)
    valid_until = models.DateTimeField(_("valid until"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)

    scope_domain = "accounts"

    class Meta:
        verbose_name = _("role assignment")
        verbose_name_plural = _("role assignments")
        constraints = [
            models.UniqueConstraint(fields=["user", "role", "park", "enterprise"], name="unique_role_assignment"),
        ]

    def __str__(self):
        where = self.enterprise or self.park
        return f"{self.user} · {self.get_role_display()} · {where}"

    def clean(self):
        errors = {}
        if self.enterprise_id and self.park_id and self.enterprise.park_id != self.park_id:
            errors["enterprise"] = _("The enterprise is not in this park.")
        if self.role in PARK_ONLY and self.enterprise_id:
            errors["enterprise"] = _("This role covers a whole park; leave the enterprise empty.")
        if self.role in ENTERPRISE_ONLY and not self.enterprise_id:
            errors["enterprise"] = _("This role must be limited to one enterprise.")
        if self.role in TIME_LIMITED and not self.valid_until:
            errors["valid_until"] = _("An external verifier's access must have an end date.")
        if self.valid_from and self.valid_until and self.valid_until <= self.valid_from:
            errors["valid_until"] = _("The end must come after the start.")
        if errors:
            raise ValidationError(errors)
