"""Reading activity data (CSV, XLSX, JSON) and writing results (table, JSON, CSV, XLSX).

Writing is atomic: the output goes to a temporary file in the target folder and is renamed over the
target only when complete, so an error never leaves a partial output file.
"""

from __future__ import annotations

import csv
import io
import json
import math
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .categories import CATEGORIES
from .engine import InventoryResult
from .messages import AccountingError, AccountingErrors
from .prepare import REQUIRED_COLUMNS

#: DBL_DIG: every decimal of up to 15 significant digits survives a round trip through a float64,
#: so 15 digits are the full precision a double carries; the 16th/17th digits are binary noise.
SIGNIFICANT_DIGITS = 15
CATEGORY_ZH = {c.code: c.name_zh for c in CATEGORIES}


# -- reading ----------------------------------------------------------------------------------------
def _clean_header(name: Any) -> str:
    return str(name or "").strip().lstrip("\ufeff").lower()


def read_rows(path: str | os.PathLike[str]) -> list[dict[str, Any]]:
    """Rows of an input file as dicts keyed by lower-case column name (all-or-nothing checks)."""
    p = Path(path)
    suffix = p.suffix.lower()
    try:
        if suffix == ".csv":
            with open(p, encoding="utf-8-sig", newline="") as fh:
                reader = csv.DictReader(fh)
                header = [_clean_header(h) for h in reader.fieldnames or []]
                rows = [{_clean_header(k): v for k, v in r.items() if k is not None} for r in reader]
        elif suffix == ".xlsx":
            import openpyxl

            wb = openpyxl.load_workbook(p, read_only=True, data_only=True)
            sheet = wb.worksheets[0]
            values = list(sheet.iter_rows(values_only=True))
            wb.close()
            header = [_clean_header(h) for h in (values[0] if values else [])]
            rows = [
                {h: v for h, v in zip(header, r, strict=False) if h}
                for r in values[1:]
                if any(v not in (None, "") for v in r)
            ]
        elif suffix == ".json":
            with open(p, encoding="utf-8") as fh:
                data = json.load(fh)
            if not isinstance(data, list) or not all(isinstance(r, dict) for r in data):
                raise AccountingErrors([AccountingError("json_not_list")])
            rows = [{_clean_header(k): v for k, v in r.items()} for r in data]
            header = sorted({k for r in rows for k in r})
        else:
            raise AccountingErrors([AccountingError("file_format", suffix=suffix or p.name)])
    except AccountingErrors:
        raise
    except (OSError, ValueError, KeyError, UnicodeDecodeError) as exc:
        raise AccountingErrors([AccountingError("file_unreadable", path=str(p), detail=str(exc))])
    except Exception as exc:  # openpyxl raises its own zipfile/xml errors on a damaged workbook
        raise AccountingErrors([AccountingError("file_unreadable", path=str(p), detail=repr(exc))])
    if not rows:
        raise AccountingErrors([AccountingError("empty_input")])
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        raise AccountingErrors([AccountingError("missing_columns", columns=", ".join(missing))])
    for r in rows:
        cems = r.get("cems_file")
        if cems and not os.path.isabs(str(cems)):
            r["cems_file"] = str(p.parent / str(cems))
    return rows


# -- writing ----------------------------------------------------------------------------------------
def _sig(x: Any) -> Any:
    """Full precision without binary noise: 15 significant digits (561.6999999999999 -> 561.7)."""
    if isinstance(x, float) and math.isfinite(x):
        return float(f"{x:.{SIGNIFICANT_DIGITS}g}")
    if isinstance(x, dict):
        return {k: _sig(v) for k, v in x.items()}
    if isinstance(x, list):
        return [_sig(v) for v in x]
    return x


def _json_default(o: Any) -> Any:
    from decimal import Decimal

    if isinstance(o, Decimal):
        return float(o)
    raise TypeError(type(o).__name__)


def to_json(result: InventoryResult, extra: dict[str, Any] | None = None) -> str:
    data = result.as_dict()
    if extra:
        data["totals"].update(extra)
    return json.dumps(_sig(data), ensure_ascii=False, indent=2, default=_json_default) + "\n"


CSV_COLUMNS = (
    "kind", "name", "row", "entity", "period", "source", "category", "method", "material", "gas",
    "gas_t", "co2e_t", "market_co2e_t", "energy_tce", "factor_version", "factor_status", "sector", "default_set",
)


def _csv_records(result: InventoryResult) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for r in result.rows:
        out.append({
            "kind": "row", "row": r.row, "entity": r.entity, "period": r.period, "source": r.source,
            "category": r.category, "method": r.method, "material": r.material, "gas": r.gas,
            "gas_t": r.by_gas[r.gas], "co2e_t": r.co2e_t, "market_co2e_t": r.market_co2e_t,
            "energy_tce": r.energy_tce, "factor_version": r.factor.get("version_id") or "",
            "factor_status": r.factor.get("status") or "", "sector": r.factor.get("sector") or "",
            "default_set": r.factor.get("default_set") or "",
        })
    t = result.totals
    for key in ("direct", "indirect_energy", "indirect_energy_market", "other_indirect", "removals", "gross", "net"):
        if t[key] is not None:
            out.append({"kind": "total", "name": key, "co2e_t": t[key]})
    out.append({"kind": "total", "name": "energy_tce", "energy_tce": t["energy_tce"]})
    for code, value in t["by_category"].items():
        out.append({"kind": "by_category", "name": code, "category": code, "co2e_t": value})
    for gas, mass in t["by_gas"].items():
        out.append({"kind": "by_gas", "name": gas, "gas": gas, "gas_t": mass, "co2e_t": t["by_gas_co2e"][gas]})
    for entity, v in t["by_entity"].items():
        out.append({"kind": "by_entity", "name": entity, "entity": entity, "co2e_t": v["gross"]})
    return [_sig(r) for r in out]


def to_csv(result: InventoryResult) -> str:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for rec in _csv_records(result):
        writer.writerow({k: ("" if v is None else v) for k, v in rec.items()})
    return buf.getvalue()


def _fmt(x: Any) -> str:
    return "" if x is None else f"{x:,.2f}"


def to_table(result: InventoryResult, lang: str = "zh") -> str:
    """A plain-text table, figures rounded to 2 decimals."""
    head = ("row", "entity", "source", "category", "method", "material", "gas", "tCO2e", "tce", "factor")
    lines = [head]
    for r in result.rows:
        cat = f"{r.category}/{CATEGORY_ZH[r.category]}" if lang == "zh" else r.category
        factor = r.factor.get("version_id") or "(row values)"
        if r.factor.get("version_id") and not r.factor.get("verified", True):
            factor += " *"  # a default not verified against its publication
        lines.append((str(r.row), r.entity, r.source, cat, r.method, r.material, r.gas, _fmt(r.co2e_t),
                      _fmt(r.energy_tce), factor))
    widths = [max(_width(line[i]) for line in lines) for i in range(len(head))]
    text = ["  ".join(_pad(c, w) for c, w in zip(line, widths, strict=True)).rstrip() for line in lines]
    t = result.totals
    text.append("")
    text.append(f"GWP: {result.gwp_set}    fuel set: {result.fuel_set}"
                + (f"    sector: {result.sector}" if result.sector else ""))
    if t.get("unverified_default_co2e"):
        note = "* 未经核实的缺省值" if lang == "zh" else "* unverified default"
        text.append(f"{note}: {_fmt(t['unverified_default_co2e'])} tCO2e")
    for key in ("direct", "indirect_energy", "indirect_energy_market", "other_indirect", "gross", "removals", "net"):
        if t[key] is not None:
            text.append(f"{key:24} {_fmt(t[key]):>16} tCO2e")
    text.append(f"{'energy':24} {_fmt(t['energy_tce']):>16} tce")
    if t.get("uncertainty_pct") is not None:
        text.append(f"{'uncertainty (gross)':24} {_fmt(t['uncertainty_pct']):>16} %")
    for code, value in t["by_category"].items():
        text.append(f"  {_pad(code, 30)} {_fmt(value):>16} tCO2e")
    for gas, mass in t["by_gas"].items():
        text.append(f"  {_pad(gas, 30)} {_fmt(mass):>16} t      {_fmt(t['by_gas_co2e'][gas]):>16} tCO2e")
    for entity, v in t["by_entity"].items():
        text.append(f"  {_pad(entity, 30)} {_fmt(v['gross']):>16} gross  {_fmt(v['net']):>16} net")
    for key, value in (t.get("intensity") or {}).items():
        text.append(f"  intensity {key:20} {value}")
    return "\n".join(text) + "\n"


def _width(s: str) -> int:
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in s)


def _pad(s: str, width: int) -> str:
    return s + " " * (width - _width(s))


def write_xlsx(result: InventoryResult, path: str) -> None:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "rows"
    records = _csv_records(result)
    ws.append(list(CSV_COLUMNS))
    for rec in records:
        if rec["kind"] == "row":
            ws.append([rec.get(c) for c in CSV_COLUMNS])
    totals = wb.create_sheet("totals")
    totals.append(["kind", "name", "gas_t", "co2e_t", "energy_tce"])
    for rec in records:
        if rec["kind"] != "row":
            totals.append([rec.get("kind"), rec.get("name"), rec.get("gas_t"), rec.get("co2e_t"), rec.get("energy_tce")])
    wb.save(path)


def atomic_write(path: str, writer: Callable[[str], None]) -> None:
    """Call ``writer(tmp_path)`` then rename to ``path``; on any error remove the temporary file."""
    target = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent or ".")
    os.close(fd)
    try:
        writer(tmp)
        os.replace(tmp, target)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def write_text(path: str, text: str) -> None:
    def _write(tmp: str) -> None:
        with open(tmp, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)

    atomic_write(path, _write)
