"""Navigation entries of the compliance pages (group "assets")."""
from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from carbonms.web.nav import NavItem, register


def _year() -> int:
    return timezone.localdate().year - 1


def register_items() -> None:
    register("assets", NavItem(
        "compliance_park", _("ETS compliance (park)"), icon="chart", visible=lambda c: c.get("is_park_staff", False),
        url=lambda c: reverse("compliance:park", args=[c["home_park"].pk, _year()]) if c.get("home_park") else None))
    register("assets", NavItem(
        "compliance", _("Compliance and neutrality"), icon="chart", visible=lambda c: not c.get("is_park_staff", False),
        url=lambda c: reverse("compliance:enterprise", args=[c["home_enterprise"].pk]) if c.get("home_enterprise") else None))
