from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AbatementConfig(AppConfig):
    name = "carbonms.abatement"
    label = "abatement"
    verbose_name = _("Action plans, opportunities and pathways")

    def ready(self):
        from carbonms.demo import extensions

        from . import navigation

        navigation.register_items()
        extensions.register("abatement", "carbonms.abatement.demo:build", order=200)
