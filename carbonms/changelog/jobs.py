"""Background jobs declare themselves as the source of the changes they make.

Every Celery task runs inside ``change_source("job", "<task name>:<task id>")``, so a record changed by
a job shows which job did it in the change history (also when tasks run eagerly in-process).
"""
from __future__ import annotations

from celery.signals import task_postrun, task_prerun

from .context import ChangeSource, _current

_tokens: dict[str, object] = {}


@task_prerun.connect(dispatch_uid="changelog_task_prerun")
def _enter(task_id=None, task=None, **kwargs):
    _tokens[task_id] = _current.set(ChangeSource(kind="job", ident=f"{getattr(task, 'name', 'task')}:{task_id}"))


@task_postrun.connect(dispatch_uid="changelog_task_postrun")
def _leave(task_id=None, **kwargs):
    token = _tokens.pop(task_id, None)
    if token is not None:
        _current.reset(token)
