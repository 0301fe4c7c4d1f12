from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ManagementConfig(AppConfig):
    name = "carbonms.management"
    label = "management"
    verbose_name = _("Management system")

    def ready(self):
        from . import navigation

        navigation.register_items()
