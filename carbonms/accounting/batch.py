"""Vectorised batch engine (NumPy): every formula over whole columns, no Python loop per record.

Per row (T/CIECCPA 061 §8.2.5; issue 3 "Methods"), in t of the row's gas:

* fuel combustion: ``AD × NCV × CC × OF × 44/12``;
* emission factor, formula (2): ``AD × EF × purity × calcination fraction`` (purity and fraction are
  1 unless given: carbonates, IPCC 2006 Vol. 3 eq. 2.4 style);
* mass balance, formula (1): ``sign × AD × C × 44/12`` with sign +1 for inputs and −1 for outputs,
  so that the sum over a source is ``[Σ AD_in·C_in − Σ AD_out·C_out] × 44/12``;
* measurement (CEMS, §8.2.5.1): the measured mass.

CO2e = mass × GWP(gas, set). Totals follow formulas (3)–(5): ``direct`` = E_d (stationary + mobile
combustion + process + fugitive), ``indirect_energy`` + ``other_indirect`` = E_ind, ``gross`` =
E_total. Removals are summed apart and never enter ``gross``; ``net = gross − removals``.

Market-based purchased electricity (GHG Protocol Scope 2 Guidance, dual reporting):
``(AD − covered) × residual-mix EF + covered × instrument EF``; heat is the same in both.

Uncertainty: IPCC 2006 Vol. 1 Ch. 3, Approach 1 (error propagation): a row's
``U = √(U_AD² + U_EF²)`` (eq. 3.1, product) and an inventory total's
``U = √Σ(U_i·x_i)² / |Σ x_i|`` (eq. 3.2, sum).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from .categories import CATEGORIES, CO2_PER_C, DIRECT, ELECTRICITY, INDIRECT_ENERGY, OTHER_INDIRECT, REMOVAL
from .gwp import GwpTable
from .prepare import Record

N_CATEGORIES = len(CATEGORIES)
_GROUP_CODES = {DIRECT: 0, INDIRECT_ENERGY: 1, OTHER_INDIRECT: 2, REMOVAL: 3}
GROUP_OF_CATEGORY = np.array([_GROUP_CODES[c.group] for c in CATEGORIES], dtype=np.int8)
REMOVAL_INDEX = next(i for i, c in enumerate(CATEGORIES) if c.group == REMOVAL)

FLOAT_COLUMNS = (
    "amount", "ncv", "cc", "of", "ef", "purity", "calc", "cfrac", "sign", "tce_coef",
    "unc_ad", "unc_ef", "market_amount", "market_ef", "residual_ef",
)


@dataclass
class Batch:
    """Columns of many records. ``gas`` and ``entity`` index ``gases`` and ``entities``."""

    method: np.ndarray
    category: np.ndarray
    gas: np.ndarray
    entity: np.ndarray
    amount: np.ndarray
    ncv: np.ndarray
    cc: np.ndarray
    of: np.ndarray
    ef: np.ndarray
    purity: np.ndarray
    calc: np.ndarray
    cfrac: np.ndarray
    sign: np.ndarray
    tce_coef: np.ndarray
    unc_ad: np.ndarray
    unc_ef: np.ndarray
    market_amount: np.ndarray
    market_ef: np.ndarray
    residual_ef: np.ndarray
    has_market: np.ndarray
    gwp: np.ndarray  # GWP per gas index, for the chosen set
    gases: tuple[str, ...]
    entities: tuple[str, ...]

    def __len__(self) -> int:
        return int(self.amount.shape[0])


def records_to_batch(records: Sequence[Record], gwp_table: GwpTable, gwp_set: str) -> Batch:
    """Columns from prepared records (one pass to gather; the computation itself is vectorised)."""
    gases = gwp_table.gases
    gas_index = {g: i for i, g in enumerate(gases)}
    entities = tuple(dict.fromkeys(r.entity for r in records))
    entity_index = {e: i for i, e in enumerate(entities)}
    cols = {name: np.fromiter((getattr(r, name) for r in records), dtype=np.float64, count=len(records))
            for name in FLOAT_COLUMNS}
    return Batch(
        method=np.fromiter((r.method for r in records), dtype=np.int8, count=len(records)),
        category=np.fromiter((r.category for r in records), dtype=np.int8, count=len(records)),
        gas=np.fromiter((gas_index[r.gas] for r in records), dtype=np.int16, count=len(records)),
        entity=np.fromiter((entity_index[r.entity] for r in records), dtype=np.int32, count=len(records)),
        has_market=np.fromiter((r.has_market for r in records), dtype=bool, count=len(records)),
        gwp=np.array(gwp_table.vector(gwp_set), dtype=np.float64),
        gases=gases,
        entities=entities,
        **cols,
    )


@dataclass
class BatchResult:
    """Per-row arrays and the aggregated totals of one batch (all tCO2e unless said otherwise)."""

    mass: np.ndarray  # t of the row's gas
    co2e: np.ndarray
    market_co2e: np.ndarray  # market-based tCO2e for imported-energy rows, NaN elsewhere
    tce: np.ndarray
    row_uncertainty_pct: np.ndarray
    by_category: np.ndarray  # per category index (removals as a positive number)
    by_gas_mass: np.ndarray  # t of each gas, emissions only
    by_gas_co2e: np.ndarray
    by_entity_gross: np.ndarray
    by_entity_removals: np.ndarray
    direct: float
    indirect_energy: float
    indirect_energy_market: float | None
    other_indirect: float
    removals: float
    gross: float
    net: float
    energy_tce: float
    uncertainty_pct: float | None  # of gross, IPCC Approach 1
    removals_uncertainty_pct: float | None


def _combined(values: np.ndarray, u_pct: np.ndarray) -> float | None:
    total = float(values.sum())
    sq = float(np.sum((u_pct * values) ** 2))
    if total == 0.0 or sq == 0.0:
        return None
    return float(np.sqrt(sq) / abs(total))


def compute(batch: Batch) -> BatchResult:
    """Compute every row and the totals with array operations only."""
    m = batch.method
    a = batch.amount
    mass = np.select(
        [m == 0, m == 1, m == 2],
        [
            a * batch.ncv * batch.cc * batch.of * CO2_PER_C,
            a * batch.ef * batch.purity * batch.calc,
            batch.sign * a * batch.cfrac * CO2_PER_C,
        ],
        default=batch.sign * a,  # measurement; CO2 recovered (sign −1) is deducted
    )
    co2e = mass * batch.gwp[batch.gas]
    removal = batch.category == REMOVAL_INDEX
    emission = ~removal
    group = GROUP_OF_CATEGORY[batch.category]
    energy_rows = group == 1
    electricity = batch.category == ELECTRICITY
    market_co2e = np.where(
        electricity,
        (a - batch.market_amount) * batch.residual_ef + batch.market_amount * batch.market_ef,
        np.where(energy_rows, co2e, np.nan),
    )
    tce = a * batch.tce_coef
    u_row = np.sqrt(batch.unc_ad**2 + batch.unc_ef**2)

    by_category = np.bincount(batch.category, weights=co2e, minlength=N_CATEGORIES)
    by_group = np.bincount(GROUP_OF_CATEGORY, weights=by_category, minlength=4)
    n_gas = len(batch.gases)
    by_gas_mass = np.bincount(batch.gas, weights=np.where(emission, mass, 0.0), minlength=n_gas)
    by_gas_co2e = np.bincount(batch.gas, weights=np.where(emission, co2e, 0.0), minlength=n_gas)
    n_ent = len(batch.entities)
    by_entity_gross = np.bincount(batch.entity, weights=np.where(emission, co2e, 0.0), minlength=n_ent)
    by_entity_removals = np.bincount(batch.entity, weights=np.where(removal, co2e, 0.0), minlength=n_ent)
    direct, indirect_energy, other_indirect, removals = (float(x) for x in by_group)
    gross = direct + indirect_energy + other_indirect
    market = float(np.sum(market_co2e[energy_rows])) if bool(batch.has_market.any()) else None
    return BatchResult(
        mass=mass, co2e=co2e, market_co2e=market_co2e, tce=tce, row_uncertainty_pct=u_row,
        by_category=by_category, by_gas_mass=by_gas_mass, by_gas_co2e=by_gas_co2e,
        by_entity_gross=by_entity_gross, by_entity_removals=by_entity_removals,
        direct=direct, indirect_energy=indirect_energy, indirect_energy_market=market,
        other_indirect=other_indirect, removals=removals, gross=gross, net=gross - removals,
        energy_tce=float(tce.sum()),
        uncertainty_pct=_combined(np.where(emission, co2e, 0.0), np.where(emission, u_row, 0.0)),
        removals_uncertainty_pct=_combined(np.where(removal, co2e, 0.0), np.where(removal, u_row, 0.0)),
    )
