from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebConfig(AppConfig):
    name = "carbonms.web"
    label = "web"
    verbose_name = _("User interface")

    def ready(self):
        from . import nav

        nav.register_core_items()
