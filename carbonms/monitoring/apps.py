from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MonitoringConfig(AppConfig):
    name = "carbonms.monitoring"
    label = "monitoring"
    verbose_name = _("Online monitoring")

    def ready(self):
        from . import navigation

        navigation.register_items()
        from carbonms.carbondata.services import quality

        from .activity import meter_totals_for

        quality.register_meter_totals(meter_totals_for)  # reconciliation of meter totals with the ledgers
