from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CarbonDataConfig(AppConfig):
    name = "carbonms.carbondata"
    label = "carbondata"
    verbose_name = _("Carbon data")

    def ready(self):
        from . import navigation

        navigation.register_items()
