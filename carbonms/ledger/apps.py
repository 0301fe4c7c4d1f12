from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LedgerConfig(AppConfig):
    name = "carbonms.ledger"
    label = "ledger"
    verbose_name = _("Carbon-asset ledger")

    def ready(self):
        from carbonms.demo import extensions

        from . import navigation, report

        navigation.register_items()
        report.register_kind()
        extensions.register("ledger", "carbonms.ledger.demo:build", order=50)
