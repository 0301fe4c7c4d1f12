"""Retention of uploaded workbooks that never became data.

A refused import (errors) or an abandoned one (validated by the dry run but never committed) keeps
its ``DataImport`` record for good: SHA-256, size, uploader, errors. Its *file* is deleted once it is
older than ``settings.REFUSED_UPLOAD_RETENTION_DAYS`` (default 7), so a 50 MB upload that failed does
not stay on disk forever. Committed imports keep their file: it is the evidence of the data.

Run by the Celery task ``carbonms.carbondata.purge_refused_uploads`` (beat, daily), by
``manage.py purge_refused_uploads``, and on the embedded default once a day in-process
(:func:`ensure_daily`).
"""
from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from .models import DataImport

PURGED_STATUSES = (DataImport.Status.REFUSED, DataImport.Status.VALIDATED)


def purge_refused_uploads(*, now: dt.datetime | None = None, days: int | None = None) -> dict:
    """Delete the files of refused and abandoned imports older than ``days``; keep the records."""
    days = settings.REFUSED_UPLOAD_RETENTION_DAYS if days is None else days
    cutoff = (now or timezone.now()) - dt.timedelta(days=max(days, 0))
    due = DataImport.objects.filter(status__in=PURGED_STATUSES, created_at__lt=cutoff).exclude(file="")
    purged = freed = 0
    for pk in list(due.values_list("pk", flat=True)):
        with transaction.atomic():
            imp = DataImport.objects.select_for_update().filter(pk=pk, status__in=PURGED_STATUSES).exclude(file="").first()
            if imp is None:  # committed or purged meanwhile
                continue
            name, storage = imp.file.name, imp.file.storage
            imp.file = ""
            imp.save(update_fields=["file", "updated_at"])  # change-logged: file → empty
            transaction.on_commit(lambda name=name, storage=storage: storage.delete(name))
        purged += 1
        freed += imp.size
    return {"purged": purged, "bytes": freed, "days": days}


def ensure_daily() -> None:
    """On the embedded default (no broker: tasks run eagerly) run the purge once a day in-process."""
    from django.core.cache import cache

    if not getattr(settings, "CELERY_TASK_ALWAYS_EAGER", False):
        return
    if cache.add(f"carbonms:purge-uploads:{timezone.localdate().isoformat()}", True, 26 * 3600):
        from .tasks import purge_refused_uploads_task

        purge_refused_uploads_task.delay()
