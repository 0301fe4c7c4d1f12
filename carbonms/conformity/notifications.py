"""Notices: the result of a background job (an import checked, committed or refused) in the user's task list.

A notice is stored as a title code and its parameters (carbonms.conformity.titles) and put into words
when shown, in the reader's language; ``title`` keeps the words in the platform's default language."""
from __future__ import annotations

from django.conf import settings
from django.utils import timezone, translation

from .models import Task
from .titles import render


def notify(user, *, ref: str, code: str, params: dict, url: str, park_id: int, enterprise_id: int | None) -> Task:
    """An open notice for ``user`` (one per ``ref``; told again, it is reopened with the new title)."""
    with translation.override(settings.LANGUAGE_CODE):
        title = render(code, params, code)
    task, _new = Task.objects.update_or_create(user=user, ref=ref[:80], defaults={
        "kind": Task.Kind.NOTICE, "title": str(title)[:250], "title_code": code, "title_params": params, "url": url,
        "due_on": timezone.localdate(), "park_id": park_id, "enterprise_id": enterprise_id, "done_at": None})
    return task
