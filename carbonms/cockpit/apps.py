from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CockpitConfig(AppConfig):
    name = "carbonms.cockpit"
    label = "cockpit"
    verbose_name = _("Cockpit")

    def ready(self):
        from django.urls import reverse

        from carbonms.web import nav

        nav.register("organization", nav.NavItem(
            "cockpit", _("Carbon cockpit"), icon="chart",
            url=lambda c: (reverse("cockpit:park", args=[c["home_park"].pk]) if c.get("is_park_staff") and c.get("home_park")
                           else reverse("cockpit:enterprise", args=[c["home_enterprise"].pk]) if c.get("home_enterprise") else None),
        ), first=True)
