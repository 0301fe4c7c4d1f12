from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PerformanceConfig(AppConfig):
    name = "carbonms.performance"
    label = "performance"
    verbose_name = _("Objectives, targets and baselines")

    def ready(self):
        from django.urls import reverse
        from django.utils.translation import gettext

        from carbonms.conformity import reminders, titles
        from carbonms.demo import extensions
        from carbonms.web.nav import NavItem, register

        from . import tracking, workflows  # noqa: F401  (declares the workflows)

        register("planning", NavItem("targets", _("Objectives & targets"), icon="chart", url=lambda c: reverse("performance:targets")))
        register("planning", NavItem("baselines", _("Baselines"), icon="chart", url=lambda c: reverse("performance:baselines")))
        reminders.register_items(tracking.due_items)
        titles.register("target_off_track", lambda p: gettext("Target off track in %(y)s: %(t)s") % p)
        extensions.register("targets", "carbonms.performance.demo:build", order=50)
        from . import report

        report.register()  # the target responsibility letter and completion checklist (report kind "targets")
