"""Synthetic records with mixed methods, for the benchmark and the engine-agreement tests.

The values are plausible (defaults of the shipped tables), not real data.
"""

from __future__ import annotations

import numpy as np

from .batch import Batch
from .categories import CATEGORY_INDEX
from .gwp import GwpTable
from .prepare import Record

# (method, category, gas) mixes: fuel combustion, EF (grid, heat, carbonate, F-gas, scope 3),
# mass balance, measurement and sinks
_KINDS = (
    (0, "stationary_combustion", "CO2"),
    (0, "mobile_combustion", "CO2"),
    (1, "purchased_electricity", "CO2"),
    (1, "purchased_heat", "CO2"),
    (1, "process", "CO2"),
    (1, "fugitive", "SF6"),
    (1, "fugitive", "HFC-134a"),
    (1, "transport", "CO2e"),
    (1, "other_indirect", "CH4"),
    (2, "process", "CO2"),
    (3, "stationary_combustion", "CO2"),
    (1, "removal", "CO2"),
)


def synthetic_batch(n: int, gwp_table: GwpTable, gwp_set: str = "AR5", *, seed: int = 0,
                    entities: int = 50) -> Batch:
    """``n`` records drawn with NumPy (no Python loop per record)."""
    rng = np.random.default_rng(seed)
    gas_index = {g: i for i, g in enumerate(gwp_table.gases)}
    kind = rng.integers(0, len(_KINDS), n)
    method = np.array([k[0] for k in _KINDS], dtype=np.int8)[kind]
    category = np.array([CATEGORY_INDEX[k[1]] for k in _KINDS], dtype=np.int8)[kind]
    gas = np.array([gas_index[k[2]] for k in _KINDS], dtype=np.int16)[kind]
    ones = np.ones(n)
    market = (category == CATEGORY_INDEX["purchased_electricity"]) & (rng.random(n) < 0.3)
    amount = rng.uniform(0.0, 1000.0, n)
    return Batch(
        method=method, category=category, gas=gas,
        entity=rng.integers(0, entities, n).astype(np.int32),
        amount=amount,
        ncv=rng.uniform(10.0, 400.0, n), cc=rng.uniform(0.012, 0.03, n), of=rng.uniform(0.9, 1.0, n),
        ef=np.where(gas == gas_index["CO2"], rng.uniform(0.1, 1.0, n), rng.uniform(0.001, 1.0, n)),
        purity=np.where(category == CATEGORY_INDEX["process"], rng.uniform(0.8, 1.0, n), ones),
        calc=ones.copy(), cfrac=rng.uniform(0.0, 0.9, n),
        sign=np.where(rng.random(n) < 0.3, -1.0, 1.0) * (method == 2) + (method != 2),
        tce_coef=np.where(method == 0, rng.uniform(0.3, 15.0, n), 0.0),
        unc_ad=rng.uniform(0.0, 10.0, n), unc_ef=rng.uniform(0.0, 10.0, n),
        market_amount=np.where(market, amount * rng.random(n), 0.0),
        market_ef=np.zeros(n), residual_ef=np.full(n, 0.5856), has_market=market,
        gwp=np.array(gwp_table.vector(gwp_set)), gases=gwp_table.gases,
        entities=tuple(f"E{i}" for i in range(entities)),
    )


def batch_to_records(b: Batch, limit: int | None = None) -> list[Record]:
    """The same data as :class:`~carbonms.accounting.prepare.Record` objects (for the per-record engine)."""
    n = len(b) if limit is None else min(limit, len(b))
    cols = {name: getattr(b, name)[:n].tolist() for name in (
        "method", "category", "gas", "entity", "amount", "ncv", "cc", "of", "ef", "purity", "calc", "cfrac",
        "sign", "tce_coef", "unc_ad", "unc_ef", "market_amount", "market_ef", "residual_ef", "has_market")}
    out = []
    for i in range(n):
        out.append(Record(
            row=i + 1, entity=b.entities[cols["entity"][i]], period="2022", source="s",
            category=cols["category"][i], method=cols["method"][i], gas=b.gases[cols["gas"][i]], material="m",
            amount=cols["amount"][i], amount_unit="t", ncv=cols["ncv"][i], cc=cols["cc"][i], of=cols["of"][i],
            ef=cols["ef"][i], purity=cols["purity"][i], calc=cols["calc"][i], cfrac=cols["cfrac"][i],
            sign=cols["sign"][i], tce_coef=cols["tce_coef"][i], unc_ad=cols["unc_ad"][i], unc_ef=cols["unc_ef"][i],
            market_amount=cols["market_amount"][i], market_ef=cols["market_ef"][i],
            residual_ef=cols["residual_ef"][i], has_market=cols["has_market"][i],
        ))
    return out
