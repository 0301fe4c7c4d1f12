"""The in-process rollup worker of the embedded default (no Celery broker: tasks would run eagerly, inside
the request). One daemon thread per process refreshes the dirty set whenever :func:`kick` is called; kicks
that arrive while it runs coalesce into one more pass. The dirty set is durable, so a process that stops
with work pending loses nothing: the next kick, the ``refresh_rollups`` command or a worker catches up.
"""
from __future__ import annotations

import logging
import threading

from django.db import connection

log = logging.getLogger(__name__)
_wanted = threading.Event()
_idle = threading.Event()
_idle.set()
_lock = threading.Lock()
_thread: threading.Thread | None = None


def kick() -> None:
    """Ask for a refresh soon (returns at once)."""
    global _thread
    with _lock:
        _idle.clear()
        _wanted.set()
        if _thread is None or not _thread.is_alive():
            _thread = threading.Thread(target=_run, name="carbonms-rollups", daemon=True)
            _thread.start()


def wait_idle(timeout: float | None = None) -> bool:
    """Wait until no refresh is pending or running (tests, benchmarks); True if idle."""
    return _idle.wait(timeout)


def _run() -> None:
    from carbonms.changelog.context import change_source

    from .rollups import refresh_dirty

    while True:
        if not _wanted.wait(timeout=60):
            continue
        with _lock:
            _wanted.clear()
        try:
            with change_source("job", "refresh_rollups"):
                refresh_dirty()
        except Exception:  # the dirty set keeps the work; the next kick retries
            log.exception("rollup refresh failed")
        finally:
            connection.close()
            with _lock:
                if not _wanted.is_set():
                    _idle.set()
