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

import numpy as np

from carbonms.accounting.categories import CATEGORIES

GROUP = {c.code: c.group for c in CATEGORIES}


def summarise_arrays(idx, values, counted, ent_ids, months, categories: list[str], gases: list[str]) -> dict:
    """Totals grouped with NumPy (one pass per grouping, no Python loop per value).

    ``values`` has columns (tCO2e, mass t, tce); ``idx`` maps each value to its parameter set, whose
    category and gas are ``categories[idx]`` and ``gases[idx]``; ``counted`` is false for values
    left out by the park rule. Removals are reported apart: gross and net are never mixed.
    """
    co2e, mass, tce = values[:, 0], values[:, 1], values[:, 2]
    n_sets = len(categories)
    removal_set = np.array([GROUP.get(c) == "removal" for c in categories], dtype=bool)
    is_removal = removal_set[idx]
    keep = counted & ~is_removal
    per_set = np.bincount(idx[keep], weights=co2e[keep], minlength=n_sets)
    per_set_mass = np.bincount(idx[keep], weights=mass[keep], minlength=n_sets)
    t = {"direct": 0.0, "indirect_energy": 0.0, "other_indirect": 0.0}
    by_cat: dict[str, float] = defaultdict(float)
    by_gas: dict[str, float] = defaultdict(float)
    by_gas_co2e: dict[str, float] = defaultdict(float)
    used = np.bincount(idx[keep], minlength=n_sets) > 0
    for k in np.flatnonzero(used & ~removal_set):
        cat, gas = categories[k], gases[k]
        t[GROUP.get(cat, "other_indirect")] += float(per_set[k])
        by_cat[cat] += float(per_set[k])
        by_gas[gas] += float(per_set_mass[k])
        by_gas_co2e[gas] += float(per_set[k])
    t["drill"] = drill_figures(idx, co2e, tce, counted, months, categories)
    t["removals"] = float(co2e[counted & is_removal].sum())
    t["energy_tce"] = float(tce[keep].sum())
    t["excluded_double_counting"] = float(co2e[~counted].sum())
    t["excluded_energy_tce"] = float(tce[~counted].sum())
    t["gross"] = t["direct"] + t["indirect_energy"] + t["other_indirect"]
    t["net"] = t["gross"] - t["removals"]
    ents, ent_inv = np.unique(ent_ids, return_inverse=True)
    e_co2e = np.bincount(ent_inv[keep], weights=co2e[keep], minlength=len(ents))
    e_tce = np.bincount(ent_inv[keep], weights=tce[keep], minlength=len(ents))
    m_co2e = np.bincount(months[keep], weights=co2e[keep], minlength=13)
    t.update(
        by_category=dict(by_cat), by_gas=dict(by_gas), by_gas_co2e=dict(by_gas_co2e),
        by_enterprise={str(int(e)): float(v) for e, v in zip(ents, e_co2e, strict=True)},
        energy_tce_by_enterprise={str(int(e)): float(v) for e, v in zip(ents, e_tce, strict=True)},
        by_month={str(m): float(m_co2e[m]) for m in range(1, 13) if m_co2e[m]},
    )
    return t


def drill_figures(idx, co2e, tce, counted, months, categories: list[str]) -> dict:
    """What the drill-down of one category or one month shows, stored with the run so that it is not summed
    again over the run's rows at each request (docs/scaling.md, issue 16): ``{"category": {code: figures},
    "month": {"1": figures, …}}``, figures being the number of rows and their tCO2e and tce, all of them
    (``co2e``, ``tce``: an enterprise's run shows all its rows) and those counted in the park
    (``co2e_counted``, ``tce_counted``: a park run), removals included."""
    def figures(keys, n_keys: int, name) -> dict:
        n = np.bincount(keys, minlength=n_keys)
        sums = {"co2e": np.bincount(keys, weights=co2e, minlength=n_keys),
                "co2e_counted": np.bincount(keys[counted], weights=co2e[counted], minlength=n_keys),
                "tce": np.bincount(keys, weights=tce, minlength=n_keys),
                "tce_counted": np.bincount(keys[counted], weights=tce[counted], minlength=n_keys)}
        out: dict[str, dict] = {}
        for k in np.flatnonzero(n):
            row = out.setdefault(name(k), {"n": 0, **dict.fromkeys(sums, 0.0)})
            row["n"] += int(n[k])
            for key, per in sums.items():
                row[key] += float(per[k])
        return out

    return {"category": figures(idx, len(categories), lambda k: categories[k]),
            "month": figures(months, 13, lambda k: str(int(k)))}
