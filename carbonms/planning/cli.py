"""``carbonms planning``: the planning core from the command line, JSON in and out (docs/planning.md).

    carbonms planning target FILE.json   [--format json|table] [--lang zh|en]
    carbonms planning baseline FILE.json [--format json|table] [--lang zh|en]
    carbonms planning rebase FILE.json   [--format json|table] [--lang zh|en]
    carbonms planning pathway FILE.json  [--format json|table] [--lang zh|en]

Exit status: 0 on success; 1 when the input has errors (each named, in the chosen language, on standard
error; nothing on standard output); 2 when the file cannot be read or is not JSON.
"""
from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from .baseline import fit
from .errors import DEFAULT_LANG, PlanningErrors
from .pathway import scenarios
from .rebase import rebase
from .targets import evaluate_all

COMMANDS = {
    "target": ("targets, yearly milestones and progress / 目标、年度里程碑与进展", lambda d, lang: evaluate_all(d)),
    "baseline": ("baseline regression and reporting-period performance / 基准回归与报告期绩效", fit),
    "rebase": ("base-year recalculation test / 基准年重新计算判定", lambda d, lang: rebase(d)),
    "pathway": ("scenario pathways, peak and neutrality year / 情景路径、达峰与中和年份", lambda d, lang: scenarios(d)),
}


def add_json_commands(subparsers: Any, name: str, *, help_text: str, description: str, commands: dict, render) -> argparse.ArgumentParser:
    """Register ``carbonms NAME CMD FILE.json [--format json|table] [--lang zh|en]`` for each of ``commands``
    (name → (help, function(data, lang))); ``render(cmd, result)`` draws the table. Shared by the cores' CLIs."""
    p = subparsers.add_parser(name, help=help_text, description=description)
    sub = p.add_subparsers(dest=f"{name}_command", required=True)
    for cmd, (cmd_help, fn) in commands.items():
        c = sub.add_parser(cmd, help=cmd_help)
        c.add_argument("input", metavar="FILE.json")
        c.add_argument("--format", choices=("json", "table"), default="json")
        c.add_argument("--lang", choices=("zh", "en"), default=DEFAULT_LANG, help="language of messages (default zh)")
        c.set_defaults(func=run_json_command, json_prog=f"carbonms {name}", json_cmd=cmd, json_fn=fn, json_render=render)
    return p


def run_json_command(args: argparse.Namespace) -> int:
    """Read the JSON file, compute, print JSON or a table. 0 ok; 1 input errors (named, on stderr); 2 unreadable."""
    try:
        with open(args.input, encoding="utf-8") as f:
            data = json.load(f)
    except OSError as exc:
        print(f"{args.json_prog}: {args.input}: {exc.strerror}", file=sys.stderr)
        return 2
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        print(f"{args.json_prog}: {args.input}: not JSON ({exc})", file=sys.stderr)
        return 2
    try:
        result = args.json_fn(data, args.lang)
    except PlanningErrors as exc:
        print(exc.report(args.lang), file=sys.stderr)
        return 1
    if args.format == "json":
        print(json.dumps(result, ensure_ascii=False, indent=2))
    else:
        print(args.json_render(args.json_cmd, result))
    return 0


def add_planning_parser(subparsers: Any) -> argparse.ArgumentParser:
    return add_json_commands(subparsers, "planning", help_text="planning core: targets, baselines, rebasing, pathways / 策划计算",
                             description="The planning core of CarbonMS (JSON in, JSON or a table out); see docs/planning.md.",
                             commands=COMMANDS, render=table)


def _f(x: Any) -> str:
    if x is None:
        return "—"
    if isinstance(x, bool):
        return "yes" if x else "no"
    if isinstance(x, float):
        return f"{x:,.2f}"
    return str(x)


def _p(x: float | None) -> str:
    return "—" if x is None else f"{x:.3g}"


def _grid(header: list[str], rows: list[list[Any]]) -> str:
    cells = [header] + [[_f(v) for v in r] for r in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(header))]
    return "\n".join("  ".join(v.rjust(w) if i else v.ljust(w) for i, (v, w) in enumerate(zip(r, widths, strict=True)))
                     for r in cells)


def table(command: str, result: dict) -> str:
    if command == "target":
        parts = []
        for t in result["targets"]:
            rows = [[y, m, *(lambda p: [p["actual"], p["progress_pct"], p["status"]] if p else ["", "", ""])(t["progress"].get(y))]
                    for y, m in t["milestones"].items()]
            extra = [[y, p["expected"], p["actual"], p["progress_pct"], p["status"]] for y, p in t["progress"].items()
                     if y not in t["milestones"]]
            parts.append(f"{t['id']}: {t['base_value']:,.2f} ({t['base_year']}) → {t['target_value']:,.2f} ({t['target_year']}) "
                         f"[{t['method']}]\n" + _grid(["year", "milestone", "actual", "progress %", "status"], rows + extra))
        return "\n\n".join(parts)
    if command == "baseline":
        m = result["model"]
        rows = [["intercept", m["intercept"], ""]] + [[n, v, _p(m["p_values"][n])] for n, v in m["coefficients"].items()]
        text = _grid(["term", "coefficient", "p-value"], rows)
        text += f"\nR² {m['r2']:.4f}  adj. R² {m['adj_r2']:.4f}  model p {_p(m['p_model'])}  valid: {_f(m['valid'])}"
        text += "".join(f"\n  - {r}" for r in m["reasons"])
        if "report" in result:
            r = result["report"]
            text += (f"\nreport: actual {r['actual']:,.2f}  adjusted baseline {r['adjusted_baseline']:,.2f}  "
                     f"savings {r['savings']:,.2f}  performance index {_f(r['performance_index'])}")
            text += "".join(f"\n  ! {w}" for w in r["warnings"])
        return text
    if command == "rebase":
        return _grid(["base year", "cumulative %", "threshold %", "recalculated", "base value"],
                     [[result["base_year"], result["cumulative_pct"], result["threshold_pct"], result["recalculated"],
                       result["base_value"]]])
    parts = []
    for s in result["scenarios"]:
        pk = s["peak"]
        parts.append(f"{s['name']}: peak {pk['value']:,.2f} in {pk['year']} ({'reached' if pk['reached'] else 'not reached'}); "
                     f"neutrality year {_f(s['neutrality_year'])}\n"
                     + _grid(["year", "gross", "net", "low", "high"],
                             [[y, v["gross"], v["net"], v["low"], v["high"]] for y, v in s["years"].items()]))
    return "\n\n".join(parts)
