"""``carbonms report``: the reports people file, for batch use and checks (issue 15 item 3).

    carbonms report KIND (--park NAME | --enterprise CREDIT_CODE) --year Y -o FILE.docx|FILE.pdf|FILE.xlsx [--lang zh|en]

KIND is one of review, accounting, assessment, neutrality, assets, targets, assessment_checklist. The format is the output file's
extension. An enterprise's accounting report writes its re-performance file beside the report. Exit status: 0 on
success; 1 when the data for the report do not exist (no statement, no claim) or the kind is not built yet;
2 on a usage problem (an unknown park or enterprise, an unsupported format, a file that cannot be written).
"""
from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from .registry import KNOWN


def add_report_parser(subparsers: Any, func) -> None:
    p = subparsers.add_parser("report", help="generate a report as DOCX or PDF / 生成报告")
    p.add_argument("kind", choices=KNOWN)
    who = p.add_mutually_exclusive_group(required=True)
    who.add_argument("--enterprise", metavar="CREDIT_CODE", help="the enterprise's unified social credit code")
    who.add_argument("--park", metavar="NAME", help="the park's name")
    p.add_argument("--year", type=int, required=True)
    p.add_argument("-o", "--output", metavar="FILE", required=True, help="FILE.docx, FILE.pdf or FILE.xlsx")
    p.add_argument("--lang", choices=("zh", "en"), default="zh")
    p.set_defaults(func=func)


def run(args) -> int:
    from django.core.exceptions import ValidationError
    from django.utils import translation

    from carbonms.inventory.cli import UsageError, _entity

    from . import registry
    from .document import MissingData

    kind = registry.get(args.kind)
    if kind is None:
        print(f"carbonms report: the {args.kind} report is not available in this version / 此版本尚未提供该报告",
              file=sys.stderr)
        return 1
    out = Path(args.output)
    fmt = out.suffix.lower().lstrip(".")
    if fmt not in kind.formats:
        print(f"carbonms report: the {args.kind} report is made as {', '.join(kind.formats)}, not {fmt or '?'}",
              file=sys.stderr)
        return 2
    try:
        park, ent = _entity(args)
    except UsageError as exc:
        print(f"carbonms report: {exc}", file=sys.stderr)
        return 2
    language = "en" if args.lang == "en" else "zh-hans"
    with translation.override(language):
        try:
            obj = kind.resolve(park, ent, args.year)
            data = kind.render(obj, fmt)
            attachments = kind.attachments(obj)
        except MissingData as exc:
            print(f"carbonms report: {exc.reason or 'missing data'} ({exc.name})", file=sys.stderr)
            return 1
        except ValidationError as exc:
            print("carbonms report: " + " ".join(exc.messages), file=sys.stderr)
            return 1
    try:
        out.write_bytes(data)
        for name, blob in attachments:
            (out.parent / name).write_bytes(blob)
    except OSError as exc:
        print(f"carbonms report: cannot write {out}: {exc}", file=sys.stderr)
        return 2
    extra = "".join(f", {out.parent / n}" for n, _b in attachments)
    print(f"{out}: {kind.key} report of {obj}{extra}", file=sys.stderr)
    return 0
