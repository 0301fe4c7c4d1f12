"""Navigation entries of the carbon data pages (group "accounting")."""
from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from carbonms.web.nav import NavItem, register


def _ent(name):
    return lambda c: reverse(name, args=[c["home_enterprise"].pk]) if c.get("home_enterprise") else None


def register_items() -> None:
    register("accounting", NavItem(
        "park_sources", _("Source register"), icon="factory", visible=lambda c: c.get("is_park_staff", False),
        url=lambda c: reverse("carbondata:park_register", args=[c["home_park"].pk]) if c.get("home_park") else None))
    register("accounting", NavItem("sources", _("Source register"), icon="factory", url=_ent("carbondata:register"),
                                   visible=lambda c: not c.get("is_park_staff", False)))
    register("accounting", NavItem("monitoring", _("Monitoring plan & equipment"), icon="book", url=_ent("carbondata:monitoring"),
                                   visible=lambda c: not c.get("is_park_staff", False)))
    register("accounting", NavItem("grid", _("Activity data"), icon="chart", url=_ent("carbondata:grid"),
                                   visible=lambda c: not c.get("is_park_staff", False)))
    register("accounting", NavItem("output", _("Output & economic data"), icon="chart", url=_ent("carbondata:output"),
                                   visible=lambda c: not c.get("is_park_staff", False)))
    register("accounting", NavItem(
        "park_output", _("Output & economic data"), icon="chart", visible=lambda c: c.get("is_park_staff", False),
        url=lambda c: reverse("carbondata:park_output", args=[c["home_park"].pk]) if c.get("home_park") else None))
    register("accounting", NavItem("import", _("Excel import"), icon="book", url=_ent("carbondata:import_upload"),
                                   visible=lambda c: not c.get("is_park_staff", False) and c.get("can_add_data", False)))
    register("accounting", NavItem(
        "factors", _("User factors"), icon="book",
        url=lambda c: reverse("carbondata:factors", args=[c["home_park"].pk]) if c.get("home_park") else None))
    register("accounting", NavItem("review", _("Review queue"), icon="history", url=lambda c: reverse("carbondata:review")))
    register("accounting", NavItem("output_review", _("Review of output data"), icon="history",
                                   url=lambda c: reverse("carbondata:output_review")))
