"""Celery tasks of carbon data (beat in production; eager in-process on the embedded default)."""
from __future__ import annotations

from celery import shared_task

from carbonms.changelog.context import change_source


@shared_task(name="carbonms.carbondata.purge_refused_uploads")
def purge_refused_uploads_task() -> dict:
    from .retention import purge_refused_uploads

    with change_source("job", "purge_refused_uploads"):
        return purge_refused_uploads()


def _import_job(run, name: str, import_id: int, actor_id: int):
    from django.contrib.auth import get_user_model

    actor = get_user_model().objects.get(pk=actor_id)
    with change_source("job", f"{name}:{import_id}", user=actor):
        return run(actor=actor, import_id=import_id).status


@shared_task(name="carbonms.carbondata.import_dry_run")
def import_dry_run(import_id: int, actor_id: int) -> str:
    """The dry run of an uploaded workbook (see :func:`carbonms.carbondata.importer.run_dry_run`)."""
    from .importer import run_dry_run

    return _import_job(run_dry_run, "import_dry_run", import_id, actor_id)


@shared_task(name="carbonms.carbondata.import_commit")
def import_commit(import_id: int, actor_id: int) -> str:
    """The commit of a validated workbook (see :func:`carbonms.carbondata.importer.run_commit`)."""
    from .importer import run_commit

    return _import_job(run_commit, "import_commit", import_id, actor_id)
