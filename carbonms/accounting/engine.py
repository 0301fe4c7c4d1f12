"""The library entry points: :func:`calculate`, :func:`recalculate` and the result objects.

``calculate(rows)`` validates the rows (all-or-nothing), computes them with the vectorised engine
(:mod:`.batch`) and returns an :class:`InventoryResult` whose every row carries its provenance:
the activity data, the factor version used (or the parameters the row supplied), the method and
the GWP set. Totals follow T/CIECCPA 061 §8.2.5 formulas (3)–(5).

An old result can be reproduced exactly (``pins=result.factor_versions()``) or recalculated with the
newest factors, which is explicit and returns a :class:`Recalculation` with a per-row diff.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from . import batch as batch_engine
from .categories import CATEGORIES, METHODS
from .factors import DEFAULT_FUEL_SET, OTHER_SECTOR, FactorLibrary, default_library, sectors
from .gwp import DEFAULT_GWP_SET, GwpTable, load_gwp
from .messages import AccountingError, AccountingErrors
from .prepare import Options, Record, prepare_rows

_DEFAULTS: dict[str, Any] = {}


def shared_defaults() -> tuple[FactorLibrary, GwpTable]:
    """The shipped library and GWP table, loaded once (do not add factors to this shared copy)."""
    if not _DEFAULTS:
        _DEFAULTS["library"] = default_library()
        _DEFAULTS["gwp"] = load_gwp()
    return _DEFAULTS["library"], _DEFAULTS["gwp"]


@dataclass(frozen=True)
class RowResult:
    """One row's result with its provenance."""

    row: int
    entity: str
    period: str
    source: str
    category: str
    iso14064_category: int
    ghg_protocol_scope: str
    method: str
    material: str
    gas: str
    co2e_t: float
    by_gas: Mapping[str, float]
    factor: Mapping[str, Any]
    gwp_set: str
    gwp: float
    energy_tce: float
    activity: Mapping[str, Any]
    market_co2e_t: float | None = None
    uncertainty_pct: float | None = None
    flags: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        out = {
            "row": self.row, "entity": self.entity, "period": self.period, "source": self.source,
            "category": self.category, "iso14064_category": self.iso14064_category,
            "ghg_protocol_scope": self.ghg_protocol_scope, "method": self.method, "material": self.material,
            "co2e_t": self.co2e_t, "by_gas": dict(self.by_gas), "factor": dict(self.factor),
            "gwp_set": self.gwp_set, "gwp": self.gwp, "energy_tce": self.energy_tce,
            "activity": dict(self.activity),
        }
        if self.market_co2e_t is not None:
            out["market_co2e_t"] = self.market_co2e_t
        if self.uncertainty_pct:
            out["uncertainty_pct"] = self.uncertainty_pct
        if self.flags:
            out["flags"] = list(self.flags)
        return out


@dataclass
class InventoryResult:
    rows: list[RowResult]
    totals: dict[str, Any]
    gwp_set: str
    fuel_set: str
    inputs: list[dict[str, Any]] = field(default_factory=list)
    sector: str | None = None  # the sector default set chosen for the calculation (rows may name their own)

    def as_dict(self) -> dict[str, Any]:
        return {
            "gwp_set": self.gwp_set,
            "fuel_set": self.fuel_set,
            "sector": self.sector,
            "rows": [r.as_dict() for r in self.rows],
            "totals": self.totals,
        }

    def factor_versions(self) -> dict[str, int]:
        """Factor key -> version used by this result (pass as ``pins`` to reproduce it exactly)."""
        out: dict[str, int] = {}
        for r in self.rows:
            for f in (r.factor, r.factor.get("residual_mix") or {}):
                if f.get("id"):
                    out[f["id"]] = f["version"]
        return out


def _default_set(rec: Record) -> str:
    """The sector whose own table supplied the row's factor, or "other" when it fell back to the general one."""
    sec = sectors().get(rec.sector)
    if sec is None or rec.factor is None or sec.code == OTHER_SECTOR:
        return OTHER_SECTOR
    general = sectors()[OTHER_SECTOR]
    own = {sec.factor_set} | ({sec.fuel_set} if sec.fuel_set != general.fuel_set else set())
    return sec.code if rec.factor.factor_set in own else OTHER_SECTOR


def _factor_info(rec: Record) -> dict[str, Any]:
    info: dict[str, Any] = rec.factor.describe() if rec.factor is not None else {"id": None, "version": None}
    if rec.sector:
        info["sector"] = rec.sector  # the set chosen for the row (by the enterprise's industry or the input)
        if rec.factor is not None:
            info["default_set"] = _default_set(rec)  # the set that supplied this factor (sector or fallback)
    if rec.factor is not None:
        info["verified"] = rec.factor.status in ("verified", "user")
    if rec.supplied:
        info["supplied"] = dict(rec.supplied)
    if rec.factor is None and not rec.supplied.get("measured"):
        info["note"] = "no library factor used; the row supplied its parameters"
    if rec.residual_factor is not None and rec.has_market:
        info["residual_mix"] = rec.residual_factor.describe()
    return info


def _totals(res: batch_engine.BatchResult, b: batch_engine.Batch) -> dict[str, Any]:
    present = np.unique(b.category).tolist()
    gas_present = np.unique(b.gas[b.category != batch_engine.REMOVAL_INDEX]).tolist()
    return {
        "direct": res.direct,
        "indirect_energy": res.indirect_energy,
        "indirect_energy_market": res.indirect_energy_market,
        "other_indirect": res.other_indirect,
        "indirect": res.indirect_energy + res.other_indirect,
        "removals": res.removals,
        "gross": res.gross,
        "net": res.net,
        "by_category": {CATEGORIES[i].code: float(res.by_category[i]) for i in present},
        "by_gas": {b.gases[i]: float(res.by_gas_mass[i]) for i in gas_present},
        "by_gas_co2e": {b.gases[i]: float(res.by_gas_co2e[i]) for i in gas_present},
        "by_entity": {
            e: {
                "gross": float(res.by_entity_gross[i]),
                "removals": float(res.by_entity_removals[i]),
                "net": float(res.by_entity_gross[i] - res.by_entity_removals[i]),
            }
            for i, e in enumerate(b.entities)
        },
        "energy_tce": res.energy_tce,
        "uncertainty_pct": res.uncertainty_pct,
        "removals_uncertainty_pct": res.removals_uncertainty_pct,
    }


def calculate(
    rows: Iterable[Mapping[str, Any]],
    *,
    library: FactorLibrary | None = None,
    gwp_set: str = DEFAULT_GWP_SET,
    fuel_set: str = DEFAULT_FUEL_SET,
    gwp_table: GwpTable | None = None,
    pins: Mapping[str, int] | None = None,
    check_balance: bool = True,
    sector: str | None = None,
) -> InventoryResult:
    """Compute an inventory from input rows (dicts with the columns of ``docs/calc-input.md``).

    ``check_balance=False`` skips the per-source mass-balance check, for a caller that computes one
    unit amount per parameter set and checks the balance on its aggregated flows
    (:func:`~carbonms.accounting.prepare.balance_errors`).
    ``sector`` chooses a sector default set (``data/sectors.csv``) for rows without a ``sector`` column.

    Raises :class:`~carbonms.accounting.messages.AccountingErrors` listing every bad row.
    """
    default_lib, default_gwp = shared_defaults()
    library = library or default_lib
    gwp_table = gwp_table or default_gwp
    inputs = [dict(r) for r in rows]
    options = Options(gwp_set=gwp_set, fuel_set=fuel_set, pins=dict(pins or {}), check_balance=check_balance, sector=sector)
    records = prepare_rows(inputs, library, gwp_table, options)
    b = batch_engine.records_to_batch(records, gwp_table, gwp_set)
    res = batch_engine.compute(b)
    gwp = b.gwp
    gas_index = {g: i for i, g in enumerate(b.gases)}
    row_results = []
    for i, rec in enumerate(records):
        cat = CATEGORIES[rec.category]
        market = None
        if res.indirect_energy_market is not None and not math.isnan(res.market_co2e[i]):
            market = float(res.market_co2e[i])
        row_results.append(RowResult(
            row=rec.row, entity=rec.entity, period=rec.period, source=rec.source, category=cat.code,
            iso14064_category=cat.iso14064_category, ghg_protocol_scope=cat.ghg_protocol_scope,
            method=METHODS[rec.method], material=rec.material, gas=rec.gas, co2e_t=float(res.co2e[i]),
            by_gas={rec.gas: float(res.mass[i])}, factor=_factor_info(rec), gwp_set=gwp_set,
            gwp=float(gwp[gas_index[rec.gas]]), energy_tce=float(res.tce[i]),
            activity={**rec.activity, "converted": rec.amount, "converted_unit": rec.amount_unit},
            market_co2e_t=market, uncertainty_pct=float(res.row_uncertainty_pct[i]) or None,
            flags=tuple(rec.flags),
        ))
    totals = _totals(res, b)
    # what rests on defaults not verified against their publication (marked on each row's factor too)
    totals["unverified_default_co2e"] = float(sum(
        r.co2e_t for r in row_results if r.factor.get("id") and not r.factor.get("verified", True)
        and r.category != "removal"))
    return InventoryResult(rows=row_results, totals=totals, gwp_set=gwp_set, fuel_set=fuel_set,
                           inputs=inputs, sector=sector)


@dataclass
class Recalculation:
    """A new result computed with newer factors, and what changed compared with the old one."""

    old: InventoryResult
    new: InventoryResult
    rows: list[dict[str, Any]]  # rows whose factor version or value changed
    totals: dict[str, float]  # delta per total (new − old)


def diff_results(old: InventoryResult, new: InventoryResult) -> Recalculation:
    rows = []
    for a, b in zip(old.rows, new.rows, strict=True):
        if a.factor.get("version_id") != b.factor.get("version_id") or a.co2e_t != b.co2e_t:
            rows.append({
                "row": a.row, "old_factor": a.factor.get("version_id"), "new_factor": b.factor.get("version_id"),
                "old_co2e_t": a.co2e_t, "new_co2e_t": b.co2e_t, "delta_co2e_t": b.co2e_t - a.co2e_t,
            })
    keys = ("direct", "indirect_energy", "other_indirect", "removals", "gross", "net", "energy_tce")
    totals = {k: new.totals[k] - old.totals[k] for k in keys}
    return Recalculation(old=old, new=new, rows=rows, totals=totals)


def recalculate(previous: InventoryResult, library: FactorLibrary, *, gwp_set: str | None = None,
                gwp_table: GwpTable | None = None) -> Recalculation:
    """Explicitly recompute ``previous`` with the latest factors of ``library`` and diff the two."""
    new = calculate(previous.inputs, library=library, gwp_set=gwp_set or previous.gwp_set,
                    fuel_set=previous.fuel_set, gwp_table=gwp_table, sector=previous.sector)
    return diff_results(previous, new)


def reproduce(previous: InventoryResult, library: FactorLibrary, *, gwp_table: GwpTable | None = None) -> InventoryResult:
    """Recompute ``previous`` with exactly the factor versions it used (an audit check).

    Versions of the same factor are pinned. If a row now resolves to a different factor altogether
    (say a user factor with the same material name was added since), the row is reported as an
    error instead of silently using it.
    """
    new = calculate(previous.inputs, library=library, gwp_set=previous.gwp_set, fuel_set=previous.fuel_set,
                    gwp_table=gwp_table, pins=previous.factor_versions(), sector=previous.sector)
    changed = [
        AccountingError("reproduce_changed", row=a.row, field="material", old=a.factor.get("version_id"),
                        new=b.factor.get("version_id"))
        for a, b in zip(previous.rows, new.rows, strict=True)
        if a.factor.get("version_id") != b.factor.get("version_id")
    ]
    if changed:
        raise AccountingErrors(changed)
    return new


def calculate_records(records: Sequence[Record], gwp_table: GwpTable, gwp_set: str) -> batch_engine.BatchResult:
    """Vectorised computation of already prepared records (used by the benchmark)."""
    return batch_engine.compute(batch_engine.records_to_batch(records, gwp_table, gwp_set))
