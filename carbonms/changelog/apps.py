from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ChangelogConfig(AppConfig):
    name = "carbonms.changelog"
    label = "changelog"
    verbose_name = _("Change history")

    def ready(self):
        from . import jobs, tracking  # noqa: F401  (jobs connects the Celery signals)

        tracking.connect_signals()
