"""The arithmetic of the zero-carbon plan, without Django: the renewable share and the zero-carbon park thresholds.

* :func:`renewable_share` — (on-site renewable consumed + renewable bought with an instrument) / electricity used
  (T/CSES 6.3.3 a); planning-and-assets §1.6.1). The electricity used is the purchased electricity of the statement
  in force plus the on-site renewable consumed (which no meter of purchased electricity counts).
* :func:`load_thresholds` / :func:`threshold_for` — the thresholds of the zero-carbon park notice of 2025, read from
  ``data/zero_carbon_park_thresholds.csv`` with their source, effective dates and whether they were verified.
"""
from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data" / "zero_carbon_park_thresholds.csv"


def renewable_share(onsite_mwh: Decimal, instrument_mwh: Decimal, purchased_mwh: Decimal | None) -> Decimal | None:
    """The share in % (two decimals), or None without electricity data. Never above 100 %: instruments beyond the
    consumption are not counted twice."""
    if purchased_mwh is None:
        return None
    used = Decimal(purchased_mwh) + Decimal(onsite_mwh)
    if used <= 0:
        return None
    renewable = min(Decimal(onsite_mwh) + Decimal(instrument_mwh), used)
    return (renewable * 100 / used).quantize(Decimal("0.01"))


@dataclass(frozen=True)
class Threshold:
    indicator: str
    comparator: str
    threshold: Decimal
    unit: str
    energy_min_tce: Decimal | None
    energy_max_tce: Decimal | None
    source: str
    source_url: str
    effective_from: dt.date
    effective_to: dt.date | None
    verified: bool
    note: str

    def met_by(self, value: Decimal | float | None) -> bool | None:
        if value is None:
            return None
        v = Decimal(str(value))
        return v <= self.threshold if self.comparator == "<=" else v >= self.threshold

    def applies(self, on: dt.date, energy_tce: Decimal | float | None) -> bool:
        if on < self.effective_from or (self.effective_to is not None and on > self.effective_to):
            return False
        if self.energy_min_tce is None and self.energy_max_tce is None:
            return True
        if energy_tce is None:
            return False
        e = Decimal(str(energy_tce))
        return (self.energy_min_tce is None or e >= self.energy_min_tce) and (self.energy_max_tce is None or e < self.energy_max_tce)


def _dec(text: str) -> Decimal | None:
    return Decimal(text) if text.strip() else None


@lru_cache(maxsize=1)
def load_thresholds(path: Path = DATA) -> tuple[Threshold, ...]:
    with open(path, encoding="utf-8", newline="") as fh:
        return tuple(Threshold(
            indicator=r["indicator"], comparator=r["comparator"], threshold=Decimal(r["threshold"]), unit=r["unit"],
            energy_min_tce=_dec(r["energy_min_tce"]), energy_max_tce=_dec(r["energy_max_tce"]), source=r["source"],
            source_url=r["source_url"], effective_from=dt.date.fromisoformat(r["effective_from"]),
            effective_to=dt.date.fromisoformat(r["effective_to"]) if r["effective_to"].strip() else None,
            verified=r["verified"].strip().lower() == "yes", note=r["note"]) for r in csv.DictReader(fh))


def threshold_for(indicator: str, year: int, energy_tce: Decimal | float | None = None) -> Threshold | None:
    """The threshold of ``indicator`` in force at the end of ``year`` for a park of this annual energy use. A park
    below the smallest band of the carbon-per-energy indicator gets the band nearest to it (the notice sets none
    below it), so the page still shows a reference, marked as such by its note."""
    on = dt.date(year, 12, 31)
    rows = [t for t in load_thresholds() if t.indicator == indicator and (t.effective_from <= on)
            and (t.effective_to is None or on <= t.effective_to)]
    for t in rows:
        if t.applies(on, energy_tce):
            return t
    return min(rows, key=lambda t: t.energy_min_tce or Decimal(0)) if rows else None
