"""The report document model: one structure that every report fills and that renders to DOCX and to PDF.

A report is built once, as data (title, facts, numbered sections holding paragraphs, tables and charts), by the
report's own module, and :mod:`carbonms.reports.render` turns that same structure into a Word file (python-docx)
or a PDF (WeasyPrint). The two formats therefore never drift apart, and a report module contains no layout code.

Nothing here imports Django: the structure and the renderers can be used from the command line and tests alone.

Missing data is an error, never a blank: a report module passes every value a section needs through
:func:`need`, which raises :class:`MissingData` naming the placeholder (issue 15, "a template with a placeholder
the data cannot fill").
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any


class MissingData(ValueError):
    """A value the report needs does not exist; ``name`` says which placeholder."""

    def __init__(self, name: str, reason: str = ""):
        self.name = name
        self.reason = reason
        super().__init__(f"{name}: {reason}" if reason else name)


def need(value: Any, name: str, reason: str = "") -> Any:
    """``value`` unless it is None or an empty string, else :class:`MissingData` naming ``name``."""
    if value is None or (isinstance(value, str) and not value.strip()):
        raise MissingData(name, reason)
    return value


def _decimal(value) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


def fmt_number(value, places: int = 2) -> str:
    """A figure with thousands separators and ``places`` decimals ("1,512,819.00"); "—" for no value."""
    d = _decimal(value)
    if d is None:
        return "—"
    q = Decimal(1).scaleb(-places)
    return f"{d.quantize(q):,.{places}f}"


def fmt_t(value, places: int = 2) -> str:
    """Tonnes of CO₂e as a report shows them: separators, two decimals."""
    return fmt_number(value, places)


def fmt_pct(value, places: int = 1) -> str:
    """A fraction (0.956) as a percentage ("95.6 %")."""
    d = _decimal(value)
    return "—" if d is None else f"{fmt_number(d * 100, places)} %"


@dataclass
class Table:
    """A table. ``numeric`` lists the columns aligned right (figures). Header rows repeat on every page."""

    headers: list[str]
    rows: list[list[Any]]
    caption: str = ""
    numeric: tuple[int, ...] = ()
    widths: tuple[float, ...] = ()  # relative widths; equal when empty
    total_row: bool = False  # the last row is a total: bold


@dataclass
class Chart:
    """A static chart drawn for documents (matplotlib). ``series`` maps a series name to values per label."""

    kind: str  # "bar", "barh", "line", "pie", "stacked"
    title: str
    labels: list[str]
    series: dict[str, list[float]]
    unit: str = ""
    caption: str = ""


@dataclass
class Paragraph:
    text: str
    style: str = ""  # "", "note", "emphasis"


@dataclass
class Facts:
    """Label → value pairs shown as a two-column table (basic information)."""

    items: list[tuple[str, Any]]


@dataclass
class Section:
    title: str
    blocks: list[Any] = field(default_factory=list)

    def add(self, block) -> Any:
        if isinstance(block, str):
            block = Paragraph(block)
        self.blocks.append(block)
        return block


@dataclass
class Report:
    """A whole report. ``draft_mark`` prints a banner on every page (e.g. a claim not yet determined)."""

    title: str
    subtitle: str = ""
    issuer: str = ""
    date: str = ""
    facts: list[tuple[str, Any]] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)
    draft_mark: str = ""
    footer: str = ""
    attachments: list[tuple[str, str]] = field(default_factory=list)  # (file name, SHA-256)
    attachments_title: str = "附件"

    def section(self, title: str) -> Section:
        s = Section(title)
        self.sections.append(s)
        return s

    def outline(self) -> list[str]:
        """The section titles, in order (what tests and the page's preview list)."""
        return [s.title for s in self.sections]
