"""The rules of the national carbon market that change by year, read from data tables with their sources
(``data/compliance_rules.csv``, ``data/penalty_rules.csv``; docs/assets.md). Never constants in code: a new
compliance year or a new regulation is a new row.
"""
from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"


@dataclass(frozen=True)
class ComplianceRule:
    year: int
    ccer_cap_pct: Decimal
    ccer_registered_from: dt.date | None
    carry_over_vintages: tuple[int, int] | None  # allowances of these vintages count only when carried over
    borrowing: bool
    deadline: dt.date | None
    status: str
    source: str


@dataclass(frozen=True)
class PenaltyRule:
    effective_from: dt.date
    effective_to: dt.date | None
    kind: str  # "price_multiple" (× average price × shortfall) or "fine_range" (yuan)
    low: Decimal
    high: Decimal
    status: str
    source: str


def _date(text: str) -> dt.date | None:
    return dt.date.fromisoformat(text) if text else None


@cache
def compliance_rules() -> dict[int, ComplianceRule]:
    out = {}
    with open(DATA / "compliance_rules.csv", encoding="utf-8", newline="") as f:
        for r in csv.DictReader(f):
            span = r["carry_over_required_vintages"]
            out[int(r["compliance_year"])] = ComplianceRule(
                year=int(r["compliance_year"]), ccer_cap_pct=Decimal(r["ccer_cap_pct"]),
                ccer_registered_from=_date(r["ccer_registered_from"]),
                carry_over_vintages=tuple(int(x) for x in span.split("-")) if span else None,
                borrowing=r["borrowing"] == "yes", deadline=_date(r["surrender_deadline"]), status=r["status"], source=r["source"])
    return out


@cache
def penalty_rules() -> tuple[PenaltyRule, ...]:
    with open(DATA / "penalty_rules.csv", encoding="utf-8", newline="") as f:
        return tuple(PenaltyRule(_date(r["effective_from"]), _date(r["effective_to"]), r["kind"], Decimal(r["min"]), Decimal(r["max"]),
                                 r["status"], r["source"]) for r in csv.DictReader(f))


def rule_for(year: int) -> ComplianceRule | None:
    return compliance_rules().get(year)


def penalty_in_force(on: dt.date) -> PenaltyRule | None:
    for p in penalty_rules():
        if p.effective_from <= on and (p.effective_to is None or on <= p.effective_to):
            return p
    return None


@dataclass(frozen=True)
class Deadline:
    """A dated step of a compliance year (annual report, verification, surrender) for one ETS sector or all."""

    year: int
    step: str  # "annual_report", "verification", "surrender"
    sector: str  # "all" or a sector of ``ets_sectors.csv``
    due: dt.date
    status: str
    source: str


@cache
def _deadline_rows() -> tuple[Deadline, ...]:
    with open(DATA / "compliance_deadlines.csv", encoding="utf-8", newline="") as f:
        return tuple(Deadline(int(r["compliance_year"]), r["step"], r["sector"], dt.date.fromisoformat(r["deadline"]), r["status"],
                              r["source"]) for r in csv.DictReader(f))


@cache
def _sectors() -> tuple[tuple[str, str, str], ...]:
    with open(DATA / "ets_sectors.csv", encoding="utf-8", newline="") as f:
        rows = [(r["industry_code_prefix"], r["sector"], r["source"]) for r in csv.DictReader(f)]
    return tuple(sorted(rows, key=lambda r: -len(r[0])))  # the longest prefix wins


def sector_of(industry_code: str) -> str | None:
    """The national-ETS sector of a GB/T 4754 industry code (``ets_sectors.csv``), or None."""
    for prefix, sector, _source in _sectors():
        if (industry_code or "").startswith(prefix):
            return sector
    return None


def deadlines(year: int, sector: str | None = None) -> list[Deadline]:
    """The dated steps of compliance year ``year`` for ``sector`` (rows for "all" and for the sector), surrender last;
    the surrender deadline is the one of the compliance rule."""
    out = [d for d in _deadline_rows() if d.year == year and d.sector in ("all", sector)]
    rule = rule_for(year)
    if rule is not None and rule.deadline is not None:
        out.append(Deadline(year, "surrender", "all", rule.deadline, rule.status, rule.source))
    return sorted(out, key=lambda d: d.due)
