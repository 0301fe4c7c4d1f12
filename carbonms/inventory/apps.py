from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InventoryConfig(AppConfig):
    name = "carbonms.inventory"
    label = "inventory"
    verbose_name = _("Inventory")

    def ready(self):
        from . import navigation

        navigation.register_items()
