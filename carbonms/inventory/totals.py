"""Totals of a run, and the park double-counting rule (docs/inventory.md).

Park rule: the park inventory is the sum of every enterprise's results and the park facilities'
results, except purchased electricity and purchased heat bought from a supplier *inside* the park
(``Source.supplier`` set). That energy's emissions are already counted where it is produced, as the
supplier's direct (combustion) emissions, so the buyer's indirect emissions from it are left out of
the park total (and its tce is left out of the park's energy consumption, which counts the supplier's
fuel). Energy bought from outside the park (the grid, an outside heat plant) is counted. The buyer's
own enterprise inventory always includes it (an enterprise reports its purchased energy).
"""
from __future__ import annotations

from collections import defaultdict

from carbonms.accounting.categories import CATEGORIES

GROUP = {c.code: c.group for c in CATEGORIES}


def counted_in_park(source_supplier_id, is_park_run: bool) -> bool:
    return not (is_park_run and source_supplier_id is not None)


def summarise(rows) -> dict:
    """rows: iterables of (enterprise_id, month, category, gas, mass_t, co2e_t, energy_tce, counted)."""
    t = {"direct": 0.0, "indirect_energy": 0.0, "other_indirect": 0.0, "removals": 0.0, "energy_tce": 0.0,
         "excluded_double_counting": 0.0, "excluded_energy_tce": 0.0}
    by_cat: dict[str, float] = defaultdict(float)
    by_gas: dict[str, float] = defaultdict(float)
    by_gas_co2e: dict[str, float] = defaultdict(float)
    by_ent: dict[str, float] = defaultdict(float)
    by_month: dict[str, float] = defaultdict(float)
    tce_by_ent: dict[str, float] = defaultdict(float)
    for ent, month, cat, gas, mass, co2e, tce, counted in rows:
        if not counted:
            t["excluded_double_counting"] += co2e
            t["excluded_energy_tce"] += tce
            continue
        group = GROUP.get(cat, "other_indirect")
        if group == "removal":
            t["removals"] += abs(co2e)
            continue
        t[group] += co2e
        t["energy_tce"] += tce
        by_cat[cat] += co2e
        by_gas[gas] += mass
        by_gas_co2e[gas] += co2e
        by_ent[str(ent)] += co2e
        by_month[str(month)] += co2e
        tce_by_ent[str(ent)] += tce
    t["gross"] = t["direct"] + t["indirect_energy"] + t["other_indirect"]
    t["net"] = t["gross"] - t["removals"]
    t.update(by_category=dict(by_cat), by_gas=dict(by_gas), by_gas_co2e=dict(by_gas_co2e), by_enterprise=dict(by_ent),
             by_month=dict(by_month), energy_tce_by_enterprise=dict(tce_by_ent))
    return t
