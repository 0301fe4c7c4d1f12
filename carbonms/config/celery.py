"""The Celery application. On the embedded default tasks run eagerly in-process."""
import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "carbonms.config.settings")

app = Celery("carbonms")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
