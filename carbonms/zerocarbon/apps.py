from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ZeroCarbonConfig(AppConfig):
    name = "carbonms.zerocarbon"
    label = "zerocarbon"
    verbose_name = _("Zero-carbon energy plan and technology list")
