"""Greenhouse gases and 100-year GWP sets (SAR, AR4, AR5, AR6), read from the shipped ``gwp.csv``.

SAR (IPCC Second Assessment Report) is what the NDRC industry guidelines (2013–2015) use; AR4, AR5
and AR6 are chosen per inventory. The gases are those of T/CSES §3.3.5 / GB/T 32150-2015 §3.1:
CO2, CH4, N2O, HFCs, PFCs, SF6 and NF3. ``CO2e`` is a pseudo-gas for emission factors that are
already expressed in CO2 equivalents (GWP 1 in every set), e.g. supply-chain factors.
"""

from __future__ import annotations

import csv
import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from importlib import resources

GWP_SETS: tuple[str, ...] = ("SAR", "AR4", "AR5", "AR6")
DEFAULT_GWP_SET = "SAR"  # the Chinese industry guidelines (2013-2015) use SAR; inventories may choose AR4, AR5 or AR6
CO2E = "CO2e"

_PAREN = re.compile(r"\s*\((.*?)\)\s*")


def _gas_names(label: str) -> tuple[str, list[str]]:
    """Canonical gas name and aliases from a ``gwp.csv`` label such as ``PFC-14 (CF4)``."""
    label = label.strip()
    if label.startswith("CH4 ("):
        return "CH4", []
    if label == "CH4 fossil":
        return "CH4-fossil", ["CH4 fossil"]
    if label == "CH4 non-fossil":
        return "CH4-non-fossil", ["CH4 non-fossil"]
    inner = _PAREN.findall(label)
    name = _PAREN.sub("", label).strip()
    return name, [a for a in inner if a]


@dataclass(frozen=True)
class GwpTable:
    """GWP values by gas and set. ``values[gas][set]`` is ``None`` where the set has no value."""

    values: Mapping[str, Mapping[str, float | None]]
    sources: Mapping[str, str] = field(default_factory=dict)
    aliases: Mapping[str, str] = field(default_factory=dict)

    @property
    def gases(self) -> tuple[str, ...]:
        return tuple(self.values)

    def canonical(self, gas: str) -> str | None:
        """The canonical name of ``gas`` (case-insensitive, accepts aliases such as CF4), or None."""
        if gas is None:
            return None
        key = str(gas).strip().replace("₂", "2").replace("₄", "4").replace("₆", "6").replace("₃", "3")
        key = key.replace(" ", "").upper()
        return self.aliases.get(key)

    def gwp(self, gas: str, gwp_set: str) -> float | None:
        name = self.canonical(gas)
        if name is None:
            return None
        return self.values[name].get(gwp_set)

    def vector(self, gwp_set: str) -> list[float]:
        """GWP of every gas in :attr:`gases` order (NaN where undefined), for the batch engine."""
        return [math.nan if self.values[g].get(gwp_set) is None else float(self.values[g][gwp_set]) for g in self.gases]

    @classmethod
    def from_rows(cls, rows: Iterable[Mapping[str, str]]) -> GwpTable:
        values: dict[str, dict[str, float | None]] = {}
        sources: dict[str, str] = {}
        aliases: dict[str, str] = {"CO2E": CO2E, "CO2EQ": CO2E}
        for row in rows:
            label = (row.get("gas") or "").strip()
            if not label or label.startswith("NOTE"):
                continue
            name, extra = _gas_names(label)
            values[name] = {s: (float(row[s]) if (row.get(s) or "").strip() else None) for s in GWP_SETS}
            sources[name] = row.get("source", "")
            for alias in (name, label, *extra):
                aliases.setdefault(alias.replace(" ", "").upper(), name)
        values[CO2E] = dict.fromkeys(GWP_SETS, 1.0)
        sources[CO2E] = "CO2 equivalent (already weighted)"
        return cls(values=values, sources=sources, aliases=aliases)


def load_gwp(path: str | None = None) -> GwpTable:
    """Load the shipped ``gwp.csv`` (or another file with the same columns)."""
    if path is None:
        text = resources.files("carbonms.accounting").joinpath("data/gwp.csv").read_text(encoding="utf-8")
    else:
        with open(path, encoding="utf-8-sig") as fh:
            text = fh.read()
    return GwpTable.from_rows(csv.DictReader(text.splitlines()))
