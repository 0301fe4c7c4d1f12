"""Notices: the result of a background job (an import checked, committed or refused) in the user's task list."""
from __future__ import annotations

from django.utils import timezone

from .models import Task


def notify(user, *, ref: str, title: str, url: str, park_id: int, enterprise_id: int | None) -> Task:
    """An open notice for ``user`` (one per ``ref``; told again, it is reopened with the new title)."""
    task, _new = Task.objects.update_or_create(user=user, ref=ref[:80], defaults={
        "kind": Task.Kind.NOTICE, "title": str(title)[:250], "url": url, "due_on": timezone.localdate(),
        "park_id": park_id, "enterprise_id": enterprise_id, "done_at": None})
    return task
