from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "carbonms.reports"
    label = "reports"
    verbose_name = _("Reports")

    def ready(self):
        from . import kinds

        kinds.register_all()
