"""Celery task of the daily reminder job (beat in production; eager in-process on the embedded default)."""
from __future__ import annotations

from celery import shared_task

from carbonms.changelog.context import change_source


@shared_task(name="carbonms.conformity.daily_reminders")
def daily_reminders() -> dict:
    from .reminders import run_reminders

    with change_source("job", "daily_reminders"):
        return run_reminders()
