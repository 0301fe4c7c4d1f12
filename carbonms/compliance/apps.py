from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ComplianceConfig(AppConfig):
    name = "carbonms.compliance"
    label = "compliance"
    verbose_name = _("ETS compliance, projects and neutrality claims")

    def ready(self):
        from carbonms.conformity import reminders
        from carbonms.demo import extensions

        from . import deadlines, navigation, report

        navigation.register_items()
        report.register_kind()
        reminders.register_items(deadlines.reminder_items)
        deadlines.register_titles()
        extensions.register("compliance", "carbonms.compliance.demo:build", order=300)
