from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConformityConfig(AppConfig):
    name = "carbonms.conformity"
    label = "conformity"
    verbose_name = _("Clause conformity and reminders")

    def ready(self):
        from django.urls import reverse

        from carbonms.web import nav

        nav.register("performance", nav.NavItem("conformity", _("Clause conformity"), icon="chart",
                                                url=lambda c: reverse("conformity:start")))
        nav.register("performance", nav.NavItem("tasks", _("My tasks"), icon="dot", url=lambda c: reverse("conformity:tasks")))
