"""Celery tasks of the park recalculation over workers (:mod:`carbonms.inventory.recalc`)."""
from __future__ import annotations

from celery import shared_task

from carbonms.changelog.context import change_source


@shared_task(name="carbonms.inventory.recalc_part", ignore_result=True, acks_late=True)
def recalc_part(job_id: int, index: int) -> None:
    from .recalc import run_part

    with change_source("job", f"recalc_part {job_id}/{index}"):
        run_part(job_id, index)


@shared_task(name="carbonms.inventory.recalc_assemble", ignore_result=True, acks_late=True)
def recalc_assemble(job_id: int) -> None:
    from .recalc import assemble

    with change_source("job", f"recalc_assemble {job_id}"):
        assemble(job_id)


@shared_task(name="carbonms.inventory.recalc_sweep", ignore_result=True)
def recalc_sweep() -> dict:
    """Jobs running past RECALC_JOB_TIMEOUT_MINUTES fail; stages no running job owns are dropped (Celery beat)."""
    from .recalc import sweep

    with change_source("job", "recalc_sweep"):
        return sweep()


@shared_task(name="carbonms.inventory.merge_run_tables", ignore_result=True)
def merge_run_tables() -> list[int]:
    """The results of all but the newest job-assembled runs back into RunResult's own table (Celery beat, nightly)."""
    from .recalc import merge_run_tables as merge

    with change_source("job", "merge_run_tables"):
        return merge()
