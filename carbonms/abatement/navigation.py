"""Navigation entries of the abatement pages (group "planning" = 策划与目标)."""
from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from carbonms.web.nav import NavItem, register


def _owner(c) -> str | None:
    if c.get("is_park_staff") and c.get("home_park"):
        return f"park-{c['home_park'].pk}"
    if c.get("home_enterprise"):
        return f"ent-{c['home_enterprise'].pk}"
    return None


def _url(name):
    return lambda c: reverse(name, args=[_owner(c)]) if _owner(c) else None


def register_items() -> None:
    register("planning", NavItem("abatement_plans", _("Action plans"), icon="list", url=_url("abatement:actions")))
    register("planning", NavItem("abatement_macc", _("Opportunities and MACC"), icon="chart", url=_url("abatement:opportunities")))
    register("planning", NavItem("abatement_pathway", _("Trend and pathways"), icon="chart", url=_url("abatement:pathway")))
