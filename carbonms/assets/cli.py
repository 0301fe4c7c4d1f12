"""``carbonms assets``: the asset core from the command line, JSON in and out (docs/assets.md).

    carbonms assets compliance FILE.json [--format json|table] [--lang zh|en]
    carbonms assets neutrality FILE.json [--format json|table] [--lang zh|en]

Exit status: 0 on success; 1 when the input has errors (named on standard error); 2 when the file cannot be
read or is not JSON.
"""
from __future__ import annotations

import argparse
from typing import Any

from carbonms.planning.cli import add_json_commands

from .compliance import compliance
from .neutrality import neutrality

COMMANDS = {
    "compliance": ("ETS compliance position with the CCER cap / 全国碳市场履约与 CCER 抵销上限", compliance),
    "neutrality": ("carbon-neutrality determination with offset priority / 碳中和判定与抵销优先级", neutrality),
}


def add_assets_parser(subparsers: Any) -> argparse.ArgumentParser:
    return add_json_commands(subparsers, "assets", help_text="asset core: ETS compliance, neutrality / 碳资产计算",
                             description="The carbon-asset core of CarbonMS (JSON in, JSON or a table out); see docs/assets.md.",
                             commands=COMMANDS, render=table)


def _f(x: Any) -> str:
    if x is None:
        return "—"
    if isinstance(x, bool):
        return "yes" if x else "no"
    if isinstance(x, int | float):
        return f"{x:,.2f}" if isinstance(x, float) else f"{x:,}"
    return str(x)


def table(command: str, r: dict) -> str:
    if command == "compliance":
        keys = ["obligation_t", "ccer_cap_t", "ccer_eligible_t", "ccer_used_t", "allowances_eligible_t", "allowances_used_t",
                "shortfall_t", "surplus_t", "cost_to_close_yuan", "deadline"]
        lines = [f"{r['entity'] or ''} {r['compliance_year']}"] + [f"  {k:<24}{_f(r[k]):>18}" for k in keys]
        if r["penalty"]:
            p = r["penalty"]
            lines.append(f"  {'penalty (yuan)':<24}{_f(p['min_yuan']):>18} – {_f(p['max_yuan'])}  [{p['status']}]")
        lines += ["surrender:"] + [f"  {s['id']:<24}{_f(s['quantity_t']):>18}" for s in r["surrender"]]
        lines += ["excluded:"] + [f"  {e['id']:<24}{e['reason']}" for e in r["excluded"]]
        return "\n".join(lines)
    lines = [f"{r['entity'] or ''} {r['year']}: {'achieved' if r['achieved'] else 'not achieved'}",
             f"  emissions {_f(r['emissions_t'])}  eligible {_f(r['eligible_t'])}  gap {_f(r['gap_t'])}  surplus {_f(r['surplus_t'])}"]
    lines += ["allocation:"] + [f"  tier {a['tier']}  {a['id']:<24}{_f(a['quantity_t']):>14}" for a in r["allocation"]]
    lines += ["rejected:"] + [f"  {x['id']:<24}{x['reason']}" for x in r["rejected"]]
    lines += ["plan:"] + [f"  tier {a['tier']}  {a['id']:<24}{_f(a['quantity_t']):>14}" for a in r["plan"]]
    lines += [f"! {n}" for n in r["priority_notes"]]
    return "\n".join(lines)
