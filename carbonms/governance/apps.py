from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GovernanceConfig(AppConfig):
    name = "carbonms.governance"
    label = "governance"
    verbose_name = _("Park governance")

    def ready(self):
        from django.urls import reverse

        from carbonms.demo import extensions
        from carbonms.web import nav

        def park_url(name):
            return lambda c: reverse(name, args=[c["home_park"].pk]) if c.get("home_park") else None

        staff = lambda c: c.get("is_park_staff", False)  # noqa: E731
        nav.register("management", nav.NavItem("admission", _("Project admission"), icon="factory",
                                                url=park_url("governance:applications"), visible=staff))
        nav.register("management", nav.NavItem("assessment", _("Annual assessment"), icon="chart",
                                                url=park_url("governance:rounds")))
        nav.register("management", nav.NavItem("coordination", _("Coordination"), icon="users",
                                                url=park_url("governance:coordination")))
        extensions.register("governance", "carbonms.governance.demo:build", order=300)
        from . import report

        report.register()  # the assessment checklist and the screening report (report kinds)
