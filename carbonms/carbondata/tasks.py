"""Celery tasks of carbon data (beat in production; eager in-process on the embedded default)."""
from __future__ import annotations

from celery import shared_task

from carbonms.changelog.context import change_source


@shared_task(name="carbonms.carbondata.purge_refused_uploads")
def purge_refused_uploads_task() -> dict:
    from .retention import purge_refused_uploads

    with change_source("job", "purge_refused_uploads"):
        return purge_refused_uploads()
