"""Titles of system-generated tasks and notices, kept as a code and parameters and put into words
when shown, in the reader's language (a task stored by the nightly job in Chinese reads in English for
an English user). Parameters are the names of records (user data) and numbers.

A title without a code (a task about a register entry, whose title is the entry's own name) is shown
as stored.
"""
from __future__ import annotations

from django.utils.translation import gettext, ngettext


def _import_validated(p):
    return ngettext("Import %(name)s checked: %(n)d value ready to import.",
                    "Import %(name)s checked: %(n)d values ready to import.", p["n"]) % p


def _import_committed(p):
    return ngettext("Import %(name)s done: %(n)d value imported as a draft.",
                    "Import %(name)s done: %(n)d values imported as drafts.", p["n"]) % p


def _import_refused(p):
    return ngettext("Import %(name)s refused: %(errors)d error.",
                    "Import %(name)s refused: %(errors)d errors.", p["errors"]) % p


TITLES = {
    "import_validated": _import_validated,
    "import_committed": _import_committed,
    "import_refused": _import_refused,
    "review_policy": lambda p: gettext("Review the policy: %(p)s") % p,
    "review_document": lambda p: gettext("Review the document: %(d)s") % p,
    "hold_training": lambda p: gettext("Hold the training: %(t)s") % p,
    "corrective_action": lambda p: gettext("%(nc)s: %(a)s") % p,
    "calibrate": lambda p: gettext("Calibrate %(i)s") % p,
}


def register(code: str, fn) -> None:
    """Add the title of an app's task code (called in ``AppConfig.ready``)."""
    TITLES.setdefault(code, fn)


def render(code: str, params: dict | None, fallback: str = "") -> str:
    """The title of ``code`` with ``params`` in the active language (``fallback`` if the code is unknown
    or its parameters do not fit: an old row never breaks a page)."""
    fn = TITLES.get(code or "")
    if fn is None:
        return fallback
    try:
        return fn(dict(params or {}))
    except (KeyError, TypeError, ValueError):
        return fallback
