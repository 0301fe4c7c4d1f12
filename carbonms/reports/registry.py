"""The report kinds: what each report is made from, how it is found and built.

A kind is registered once (this app registers the reports it builds; later apps add theirs) and is then offered
the same way everywhere: as a download on its record's page, as a draft version of a controlled document, and
by ``carbonms report KIND``. ``resolve(park, enterprise, year)`` finds the record a report is made from, or raises
:class:`~carbonms.reports.document.MissingData` saying what does not exist (no statement, no claim).
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from .document import Report

#: the kinds ``carbonms report`` accepts (issue 15); a kind not registered yet answers that it is not available
KNOWN = ("review", "accounting", "assessment", "neutrality", "assets", "targets", "assessment_checklist")


@dataclass(frozen=True)
class ReportKind:
    key: str
    label: Any  # a lazy translated string
    model: Any  # the record a report is made from (access is checked on it); None: not downloadable by pk
    resolve: Callable[..., Any]  # (park, enterprise, year) -> record
    build: Callable[[Any], Report]
    identifier: Callable[[Any], str]  # the controlled document's identifier in the record's system
    formats: tuple[str, ...] = ("docx", "pdf")
    attachments: Callable[[Any], list[tuple[str, bytes]]] = field(default=lambda obj: [])
    filename: Callable[[Any], str] = field(default=lambda obj: "report")
    #: formats written straight from the record rather than from the Report document (the asset statement's XLSX)
    writers: dict[str, Callable[[Any], bytes]] = field(default_factory=dict)
    #: who may read the report; default: whoever may view the record (404 outside their scope). A kind whose record
    #: is not a model row (a holder and year) says it here.
    check: Callable[[Any, Any], None] | None = None

    def render(self, obj, fmt: str) -> bytes:
        """The report of ``obj`` in ``fmt``: from the kind's own writer for that format, else from the document."""
        if fmt in self.writers:
            return self.writers[fmt](obj)
        from . import render as renderer

        return renderer.render(self.build(obj), fmt)

    def check_access(self, actor, obj) -> None:
        if self.check is not None:
            self.check(actor, obj)
        else:
            from carbonms.common import tenancy

            tenancy.get_for_user(type(obj)._default_manager.all(), actor, obj.pk, "view")


_KINDS: dict[str, ReportKind] = {}


def register(kind: ReportKind) -> None:
    _KINDS[kind.key] = kind


def get(key: str) -> ReportKind | None:
    return _KINDS.get(key)


def kinds() -> list[ReportKind]:
    return list(_KINDS.values())
