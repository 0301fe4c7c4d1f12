from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ComplianceConfig(AppConfig):
    name = "carbonms.compliance"
    label = "compliance"
    verbose_name = _("ETS compliance, projects and neutrality claims")
