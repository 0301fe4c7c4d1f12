from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "carbonms.reports"
    label = "reports"
    verbose_name = _("Reports")

    def ready(self):
        from . import kinds

        kinds.register_all()
        from carbonms.demo import extensions

        # real PDF evidence for a sample of records (issue 15 item 4); before the apps that build on the core demo
        extensions.register("evidence", "carbonms.reports.demo_evidence:build_demo", order=60)
