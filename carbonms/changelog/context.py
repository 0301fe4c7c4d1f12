"""Where a change comes from: a web request, a management command, a background job or a shell.

A context variable holds the current source; the middleware sets it for each request, management
commands and Celery tasks set it with :func:`change_source`. A change made with no source set is
still recorded, as ``system`` with the process's command line, so nothing escapes the history.
"""
from __future__ import annotations

import contextvars
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field


@dataclass
class ChangeSource:
    kind: str  # request | command | job | system
    ident: str  # request id, command name, task id…
    user: object | None = None
    request: object | None = field(default=None, repr=False)
    remote_addr: str = ""
    #: A read-only source (a GET, HEAD or OPTIONS request): records loaded from the database are not
    #: snapshotted when loaded; a record saved anyway is compared with its stored row (one query).
    read_only: bool = False

    def acting_user(self):
        if self.request is not None:
            user = getattr(self.request, "user", None)
            if user is not None and getattr(user, "is_authenticated", False):
                return user
        if self.user is not None and getattr(self.user, "is_authenticated", False):
            return self.user
        return None


_current: contextvars.ContextVar[ChangeSource | None] = contextvars.ContextVar("carbonms_change_source", default=None)


def is_read_only() -> bool:
    """Whether the current source only reads (see :attr:`ChangeSource.read_only`)."""
    src = _current.get()
    return src is not None and src.read_only


def current_source() -> ChangeSource:
    src = _current.get()
    if src is None:
        return ChangeSource(kind="system", ident=" ".join(sys.argv[:3])[:200] or "python")
    return src


@contextmanager
def change_source(kind: str, ident: str | None = None, *, user=None, request=None, remote_addr: str = "",
                  read_only: bool = False) -> Iterator[ChangeSource]:
    src = ChangeSource(kind=kind, ident=ident or uuid.uuid4().hex, user=user, request=request, remote_addr=remote_addr,
                       read_only=read_only)
    token = _current.set(src)
    try:
        yield src
    finally:
        _current.reset(token)
