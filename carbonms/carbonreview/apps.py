from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CarbonReviewConfig(AppConfig):
    name = "carbonms.carbonreview"
    label = "carbonreview"
    verbose_name = _("Carbon review and performance indicators")
