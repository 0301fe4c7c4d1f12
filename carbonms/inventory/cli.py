"""``carbonms inventory``: the official statement from the command line (issue 10 item 6).

    carbonms inventory show (--enterprise CREDIT_CODE | --park NAME) --year Y [--basis B] [--format table|json]
    carbonms inventory export-input --enterprise CREDIT_CODE --year Y [--basis B] -o FILE.csv

``show`` prints the statement in force (approved or verified): status, basis, GWP set, coverage (a
fraction), the totals with the keys of ``carbonms calc --format json`` and the intensities. ``export-input``
writes its re-performance file: ``carbonms calc FILE.csv --gwp <set> --format json`` gives the same totals.
Exit status: 0 on success; 1 when there is no statement in force (or no re-performance file can be made);
2 on a usage problem (an unknown enterprise or park).
"""
from __future__ import annotations

import json
import sys
from typing import Any

BASES = ("management", "ets", "verified")


def add_inventory_parser(subparsers: Any, func) -> None:
    p = subparsers.add_parser("inventory", help="official inventory statements / 官方年度清单")
    sub = p.add_subparsers(dest="inventory_command", required=True)
    show = sub.add_parser("show", help="print the statement in force of an enterprise or the park for a year")
    who = show.add_mutually_exclusive_group(required=True)
    who.add_argument("--enterprise", metavar="CREDIT_CODE", help="the enterprise's unified social credit code")
    who.add_argument("--park", metavar="NAME", help="the park's name")
    show.add_argument("--year", type=int, required=True)
    show.add_argument("--basis", choices=BASES, default="management")
    show.add_argument("--format", choices=("table", "json"), default="table")
    exp = sub.add_parser("export-input", help="write the re-performance file of an enterprise statement (carbonms calc input)")
    exp.add_argument("--enterprise", metavar="CREDIT_CODE", required=True)
    exp.add_argument("--year", type=int, required=True)
    exp.add_argument("--basis", choices=BASES, default="management")
    exp.add_argument("-o", "--output", metavar="FILE.csv", required=True)
    p.set_defaults(func=func)


class UsageError(Exception):
    pass


def _entity(args):
    from carbonms.organizations.models import Enterprise, Park

    if getattr(args, "enterprise", None):
        ent = Enterprise.objects.select_related("park").filter(credit_code=args.enterprise.strip().upper()).first()
        if ent is None:
            raise UsageError(f"no enterprise with the credit code {args.enterprise} / 没有统一社会信用代码为 {args.enterprise} 的企业")
        return ent.park, ent
    park = Park.objects.filter(name=args.park.strip()).first()
    if park is None:
        raise UsageError(f"no park named {args.park} / 没有名为 {args.park} 的园区")
    return park, None


def statement_data(st) -> dict:
    """What ``show --format json`` prints."""
    from carbonms.accounting.io import _sig

    from .reperform import TOTAL_KEYS

    return _sig({
        "statement": st.pk, "entity": str(st.enterprise or st.park),
        "credit_code": st.enterprise.credit_code if st.enterprise_id else None, "year": st.year,
        "status": st.status, "basis": st.basis, "gwp_set": st.gwp_set, "run": st.run_id,
        "coverage": st.coverage_fraction, "complete": st.complete, "justification": st.justification or None,
        "totals": {k: st.totals.get(k) for k in TOTAL_KEYS},
        "intensities": st.intensities or {},
        "approved_at": st.approved_at.isoformat() if st.approved_at else None,
        "verified_on": st.verified_on.isoformat() if st.verified_on else None, "opinion": st.opinion or None,
        "restates": st.supersedes_id,
    })


def _table(d: dict, intensity_rows: list) -> str:
    lines = [f"{d['entity']} · {d['year']} · statement #{d['statement']} (run #{d['run']})",
             f"status: {d['status']}    basis: {d['basis']}    GWP: {d['gwp_set']}",
             "coverage: " + ("unknown" if d["coverage"] is None else f"{d['coverage']:.4f}")
             + ("" if d["complete"] else "  INCOMPLETE" + (f" — {d['justification']}" if d["justification"] else ""))]
    t = d["totals"]
    for key in ("direct", "indirect_energy", "indirect_energy_market", "other_indirect", "gross", "removals", "net"):
        if t.get(key) is not None:
            lines.append(f"{key:24} {t[key]:>20,.6f} tCO2e")
    lines.append(f"{'energy':24} {t.get('energy_tce') or 0:>20,.6f} tce")
    for code, v in (t.get("by_category") or {}).items():
        lines.append(f"  {code:30} {v:>20,.6f} tCO2e")
    for gas, v in (t.get("by_gas") or {}).items():
        lines.append(f"  {gas:30} {v:>20,.6f} t")
    for label, v, unit in intensity_rows:
        lines.append(f"  intensity {label}: {v} {unit}")
    return "\n".join(lines) + "\n"


def run(args) -> int:
    from django.core.exceptions import ValidationError

    from .statements import official_statement

    try:
        park, ent = _entity(args)
    except UsageError as exc:
        print(f"carbonms inventory: {exc}", file=sys.stderr)
        return 2
    st = official_statement(park=park, year=args.year, enterprise=ent, basis=args.basis)
    if st is None:
        who = ent.credit_code if ent else park.name
        print(f"carbonms inventory: no {args.basis} statement in force (approved or verified) for {who} {args.year} / "
              f"{who} {args.year} 年没有已批准的清单声明", file=sys.stderr)
        return 1
    if args.inventory_command == "show":
        d = statement_data(st)
        sys.stdout.write(json.dumps(d, ensure_ascii=False, indent=2) + "\n" if args.format == "json" else _table(d, st.intensity_rows))
        return 0
    from carbonms.accounting.io import write_text

    from .reperform import input_rows, to_csv

    try:
        text = to_csv(input_rows(st.run))
    except ValidationError as exc:
        print("carbonms inventory: " + " ".join(exc.messages), file=sys.stderr)
        return 1
    try:
        write_text(args.output, text)
    except OSError as exc:
        print(f"carbonms inventory: cannot write {args.output}: {exc}", file=sys.stderr)
        return 2
    print(f"{args.output}: re-performance file of statement #{st.pk}; check with: carbonms calc {args.output} "
          f"--gwp {st.gwp_set} --format json", file=sys.stderr)
    return 0
