"""``carbonms calc``: compute an inventory from an activity-data file (CSV, XLSX or JSON).

The console script ``carbonms`` registers this sub-command with :func:`add_calc_parser`; the module
also runs standalone: ``python -m carbonms.accounting.cli calc INPUT ...``.

Exit status: 0 on success, 1 when the input has errors (each named by row, field and reason; no
output file is written), 2 on a usage or file problem.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import Any

from .engine import calculate
from .factors import DEFAULT_FUEL_SET, default_library, find_sector, sector_for_industry, sectors
from .gwp import DEFAULT_GWP_SET, GWP_SETS, load_gwp
from .indicators import intensity
from .io import atomic_write, read_rows, to_csv, to_json, to_table, write_text, write_xlsx
from .messages import DEFAULT_LANG, AccountingError, AccountingErrors, translate

FORMATS = ("table", "json", "csv", "xlsx")


def add_calc_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Register ``calc`` on an ``argparse`` subparsers object; ``func`` returns the exit code."""
    p = subparsers.add_parser(
        "calc",
        help="compute emissions from activity data / 按活动数据核算排放量",
        description="Compute GHG emissions, removals and energy (tce) from activity data "
        "(T/CIECCPA 061 §8.2 formulas (1)-(5)). Columns: see docs/calc-input.md.",
    )
    p.add_argument("input", metavar="INPUT", help="activity data: .csv, .xlsx or .json (list of row objects)")
    p.add_argument("--gwp", choices=GWP_SETS, default=DEFAULT_GWP_SET,
                   help=f"GWP set (default {DEFAULT_GWP_SET}; SAR matches the 2013-2015 NDRC guidelines)")
    p.add_argument("--format", choices=FORMATS, default="table", help="output format (default table)")
    p.add_argument("-o", "--output", metavar="OUT", help="output file (default: standard output; required for xlsx)")
    p.add_argument("--factors", metavar="EXTRA.csv", action="append", default=[],
                   help="add user factors from a CSV (repeatable); same keys become new versions")
    p.add_argument("--fuel-set", default=DEFAULT_FUEL_SET, help=f"default fuel factor set ({DEFAULT_FUEL_SET})")
    p.add_argument("--sector", metavar="SECTOR", choices=list(sectors()),
                   help="sector default set of the national sector guideline: " + ", ".join(sectors())
                   + " (a 'sector' column of a row wins; default: general defaults)")
    p.add_argument("--industry", metavar="GB/T4754",
                   help="choose the sector default set from a GB/T 4754-2017 industry code (e.g. 3011 -> cement)")
    p.add_argument("--lang", choices=("zh", "en"), default=DEFAULT_LANG, help="language of messages (default zh)")
    p.add_argument("--value-added", metavar="10K_YUAN", help="value added in 10^4 yuan, for the intensity")
    p.add_argument("--production", metavar="QTY", help="production output, for the intensity per unit of output")
    p.add_argument("--production-unit", default="", metavar="UNIT", help="unit of --production (e.g. t)")
    p.set_defaults(func=run_calc)
    return p


def _fail(errors: AccountingErrors, lang: str, code: int = 1) -> int:
    print(errors.report(lang), file=sys.stderr)
    return code


def run_calc(args: argparse.Namespace) -> int:
    lang = args.lang
    if args.format == "xlsx" and not args.output:
        return _fail(AccountingErrors([AccountingError("bad_option", option="--format xlsx", value="-o OUT")]), lang, 2)
    try:
        rows = read_rows(args.input)
    except AccountingErrors as errors:
        return _fail(errors, lang, 2)
    library = default_library()
    try:
        for path in args.factors:
            try:
                library.add_csv(path)
            except OSError as exc:
                raise AccountingErrors([AccountingError("file_unreadable", path=path, detail=str(exc))])
        sector = getattr(args, "sector", None)
        if sector is None and getattr(args, "industry", None):
            sector = sector_for_industry(args.industry).code
        if sector is not None and find_sector(sector) is None:
            raise AccountingErrors([AccountingError("bad_option", option="--sector", value=sector)])
        result = calculate(rows, library=library, gwp_set=args.gwp, fuel_set=args.fuel_set, gwp_table=load_gwp(),
                           sector=sector)
        extra: dict[str, Any] = {}
        if args.value_added or args.production:
            try:
                extra["intensity"] = intensity(
                    result.totals["gross"], output=args.production, output_unit=args.production_unit,
                    value_added_10k_yuan=args.value_added,
                )
            except ValueError as exc:
                raise AccountingErrors([AccountingError("bad_option", option="--value-added/--production",
                                                        value=str(exc))])
        result.totals.update(extra)
    except AccountingErrors as errors:
        return _fail(errors, lang)
    try:
        if args.format == "xlsx":
            atomic_write(args.output, lambda tmp: write_xlsx(result, tmp))
            return 0
        if args.format == "json":
            text = to_json(result)
        elif args.format == "csv":
            text = to_csv(result)
        else:
            text = to_table(result, lang)
        if args.output:
            write_text(args.output, text)
        else:
            sys.stdout.write(text)
    except OSError as exc:
        print(translate("output_unwritable", lang, path=args.output, detail=str(exc)), file=sys.stderr)
        return 2
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="carbonms", description="CarbonMS accounting core")
    sub = parser.add_subparsers(dest="command", required=True)
    add_calc_parser(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Standalone entry point: ``python -m carbonms.accounting.cli calc INPUT ...``."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse exits on --help or a usage error
        return int(exc.code or 0)
    return int(args.func(args))


if __name__ == "__main__":
    sys.exit(main())
