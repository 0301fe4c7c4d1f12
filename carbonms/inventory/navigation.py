"""Navigation entries of the inventory pages (group "accounting")."""
from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from carbonms.web.nav import NavItem, register


def register_items() -> None:
    register("accounting", NavItem(
        "park_inventory", _("Park inventory"), icon="chart", visible=lambda c: c.get("is_park_staff", False),
        url=lambda c: reverse("inventory:park", args=[c["home_park"].pk]) if c.get("home_park") else None))
    register("accounting", NavItem(
        "inventory", _("Inventory"), icon="chart", visible=lambda c: not c.get("is_park_staff", False),
        url=lambda c: reverse("inventory:enterprise", args=[c["home_enterprise"].pk]) if c.get("home_enterprise") else None))
