"""Navigation of the carbon-asset ledger (group "assets")."""
from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from carbonms.web.nav import NavItem, register


def _url(name: str):
    def build(c):
        if c.get("is_park_staff") and c.get("home_park"):
            return reverse(f"ledger:{name}_park", args=[c["home_park"].pk])
        if c.get("home_enterprise"):
            return reverse(f"ledger:{name}_ent", args=[c["home_enterprise"].pk])
        return None
    return build


def register_items() -> None:
    register("assets", NavItem("ledger", _("Carbon-asset ledger"), icon="chart", url=_url("home")))
    register("assets", NavItem("asset_statement", _("Asset statement"), icon="chart", url=_url("statement")))
    register("assets", NavItem("prices", _("Carbon prices"), icon="chart", url=_url("prices")))
