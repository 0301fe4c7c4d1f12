"""Celery task of the rollup refresh: queued after ingestion batches and run on the beat schedule
(``CELERY_BEAT_SCHEDULE["monitoring-rollups"]``). Consumes the dirty set; see docs/monitoring.md."""
from __future__ import annotations

from celery import shared_task

from carbonms.changelog.context import change_source


@shared_task(name="carbonms.monitoring.refresh_rollups", ignore_result=True)
def refresh_rollups() -> int:
    from .rollups import refresh_dirty

    with change_source("job", "refresh_rollups"):
        return refresh_dirty()


@shared_task(name="carbonms.monitoring.archive_readings", ignore_result=True)
def archive_readings() -> list[dict]:
    from .archive import archive_due

    with change_source("job", "archive_readings"):
        return archive_due()
