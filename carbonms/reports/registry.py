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
    model: Any  # the record a report is made from (access is checked on it)
    resolve: Callable[..., Any]  # (park, enterprise, year) -> record
    build: Callable[[Any], Report]
    identifier: Callable[[Any], str]  # the controlled document's identifier in the record's system
    formats: tuple[str, ...] = ("docx", "pdf")
    attachments: Callable[[Any], list[tuple[str, bytes]]] = field(default=lambda obj: [])
    filename: Callable[[Any], str] = field(default=lambda obj: "report")


_KINDS: dict[str, ReportKind] = {}


def register(kind: ReportKind) -> None:
    _KINDS[kind.key] = kind


def get(key: str) -> ReportKind | None:
    return _KINDS.get(key)


def kinds() -> list[ReportKind]:
    return list(_KINDS.values())
