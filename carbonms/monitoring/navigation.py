"""Navigation entries of the monitoring pages (group "accounting")."""
from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from carbonms.web.nav import NavItem, register


def register_items() -> None:
    register("accounting", NavItem("online_monitoring", _("Online monitoring"), icon="chart", url=lambda c: reverse("monitoring:meters")))
    register("accounting", NavItem("monitoring_completeness", _("Meter completeness"), icon="chart",
                                   url=lambda c: reverse("monitoring:completeness")))
    register("accounting", NavItem("monitoring_live", _("Live park load"), icon="chart", url=lambda c: reverse("monitoring:live"),
                                   visible=lambda c: c.get("is_park_staff", False)))
