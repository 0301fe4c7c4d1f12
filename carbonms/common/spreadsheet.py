"""Text in spreadsheets and CSV files: stored as typed, made inert on every export.

A cell whose text starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is read as a
formula by spreadsheet programs when it is opened from a CSV file or edited (formula injection,
OWASP "CSV injection"). The platform keeps such text exactly as the user typed it and escapes it
where it leaves the platform: every workbook, Excel export and CSV file writes it with a leading
apostrophe. An import of an exported file takes the apostrophe off again (:func:`unescape_text`),
so a round trip keeps the text.

Pure Python (no Django), so the accounting core and the exports can share it.
"""
from __future__ import annotations

from collections.abc import Iterable
from typing import Any

#: the first characters that make a spreadsheet program read text as a formula
DANGEROUS_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
QUOTE = "'"


def safe_text(value: Any) -> Any:
    """``value`` made inert in a spreadsheet: text starting with a dangerous character gets a quote prefix.

    Anything that is not text (numbers, dates, None) is returned unchanged.
    """
    if isinstance(value, str) and value.startswith(DANGEROUS_PREFIXES):
        return QUOTE + value
    return value


def safe_row(values: Iterable[Any]) -> list[Any]:
    """Every text of a row made inert (for ``worksheet.append`` and ``csv.writer.writerow``)."""
    return [safe_text(v) for v in values]


def unescape_text(value: Any) -> Any:
    """Undo :func:`safe_text`: a quote followed by a dangerous character loses the quote; other text is kept."""
    if isinstance(value, str) and value.startswith(QUOTE) and value[1:2] and value[1:].startswith(DANGEROUS_PREFIXES):
        return value[1:]
    return value
