"""Straightforward per-record implementation of the same formulas as :mod:`.batch`.

It exists to check the vectorised engine (the tests assert both agree) and as the baseline of
``bench/accounting_throughput.py``. It loops over records in plain Python, one record at a time.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from .batch import GROUP_OF_CATEGORY, N_CATEGORIES, BatchResult
from .categories import CO2_PER_C, ELECTRICITY, EMISSION_FACTOR, FUEL_COMBUSTION, MASS_BALANCE
from .gwp import GwpTable
from .prepare import Record

_GROUPS = [int(g) for g in GROUP_OF_CATEGORY]


def record_mass(rec: Record) -> float:
    """t of the record's gas (see :mod:`.batch` for the formulas and their clauses)."""
    if rec.method == FUEL_COMBUSTION:
        return rec.amount * rec.ncv * rec.cc * rec.of * CO2_PER_C
    if rec.method == EMISSION_FACTOR:
        return rec.amount * rec.ef * rec.purity * rec.calc
    if rec.method == MASS_BALANCE:
        return rec.sign * rec.amount * rec.cfrac * CO2_PER_C
    return rec.sign * rec.amount  # measurement; CO2 recovered (sign −1) is deducted


def compute_reference(records: Sequence[Record], gwp_table: GwpTable, gwp_set: str) -> BatchResult:
    """Per-record computation returning the same :class:`BatchResult` as :func:`.batch.compute`."""
    import numpy as np  # only to package the result in the same shape as the batch engine

    gases = gwp_table.gases
    gas_index = {g: i for i, g in enumerate(gases)}
    gwp = gwp_table.vector(gwp_set)
    entities = list(dict.fromkeys(r.entity for r in records))
    entity_index = {e: i for i, e in enumerate(entities)}
    by_category = [0.0] * N_CATEGORIES
    by_gas_mass = [0.0] * len(gases)
    by_gas_co2e = [0.0] * len(gases)
    gross_e = [0.0] * len(entities)
    rem_e = [0.0] * len(entities)
    masses, co2es, markets, tces, urows = [], [], [], [], []
    any_market = False
    market_total = 0.0
    sq_e = sq_r = 0.0
    for rec in records:
        mass = record_mass(rec)
        g = gas_index[rec.gas]
        co2e = mass * gwp[g]
        group = _GROUPS[rec.category]
        u = math.sqrt(rec.unc_ad**2 + rec.unc_ef**2)
        if rec.category == ELECTRICITY:
            market = (rec.amount - rec.market_amount) * rec.residual_ef + rec.market_amount * rec.market_ef
        elif group == 1:
            market = co2e
        else:
            market = math.nan
        if group == 1:
            market_total += market
        any_market = any_market or rec.has_market
        by_category[rec.category] += co2e
        if group == 3:
            rem_e[entity_index[rec.entity]] += co2e
            sq_r += (u * co2e) ** 2
        else:
            by_gas_mass[g] += mass
            by_gas_co2e[g] += co2e
            gross_e[entity_index[rec.entity]] += co2e
            sq_e += (u * co2e) ** 2
        masses.append(mass)
        co2es.append(co2e)
        markets.append(market)
        tces.append(rec.amount * rec.tce_coef)
        urows.append(u)
    groups = [0.0, 0.0, 0.0, 0.0]
    for i, value in enumerate(by_category):
        groups[_GROUPS[i]] += value
    direct, indirect_energy, other_indirect, removals = groups
    gross = direct + indirect_energy + other_indirect

    def combined(sq: float, total: float) -> float | None:
        return math.sqrt(sq) / abs(total) if total != 0 and sq > 0 else None

    return BatchResult(
        mass=np.array(masses), co2e=np.array(co2es), market_co2e=np.array(markets), tce=np.array(tces),
        row_uncertainty_pct=np.array(urows), by_category=np.array(by_category),
        by_gas_mass=np.array(by_gas_mass), by_gas_co2e=np.array(by_gas_co2e),
        by_entity_gross=np.array(gross_e), by_entity_removals=np.array(rem_e),
        direct=direct, indirect_energy=indirect_energy,
        indirect_energy_market=market_total if any_market else None, other_indirect=other_indirect,
        removals=removals, gross=gross, net=gross - removals, energy_tce=sum(tces),
        uncertainty_pct=combined(sq_e, gross), removals_uncertainty_pct=combined(sq_r, removals),
    )
