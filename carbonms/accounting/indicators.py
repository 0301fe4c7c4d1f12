"""Intensity indicators and the optional Monte Carlo uncertainty check.

Intensity (T/CSES §3.3.10 碳排放强度: emissions per unit of product output or of output value;
T/CSES §6.3.1 f)): tCO2e per unit of output and per 10⁴ yuan of value added, and tCO₂ per tce
(:func:`statement_intensities`), aggregated as Σ emissions / Σ denominator
(:func:`aggregate_intensities`). Money is handled as :class:`~decimal.Decimal`, never as a float.

Monte Carlo (IPCC 2006 Vol. 1 Ch. 3, Approach 2), optional: each row's CO2e is drawn from a normal
distribution whose 95 % half-width is the row's combined uncertainty, all rows at once (vectorised);
the result is the half-width of the 95 % interval of the total, in % of the mean.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

import numpy as np


def _decimal(value: Any, name: str) -> Decimal:
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise ValueError(f"{name}: '{value}' is not a number") from None
    if not number.is_finite() or number <= 0:
        raise ValueError(f"{name}: must be greater than 0")
    return number


def intensity(
    emissions_t: float,
    *,
    output: Any = None,
    output_unit: str = "",
    value_added_10k_yuan: Any = None,
) -> dict[str, Any]:
    """Emission intensity of ``emissions_t`` (tCO2e, usually the gross total).

    ``output`` is the production quantity (in ``output_unit``); ``value_added_10k_yuan`` the value
    added in 10⁴ yuan (a Decimal or a string; floats are converted through ``str``).
    Returns ``{"per_output": Decimal, "per_10k_yuan_value_added": Decimal, ...}`` for what was given.
    """
    out: dict[str, Any] = {}
    total = Decimal(repr(float(emissions_t)))
    if output is not None:
        q = _decimal(output, "output")
        out["per_output"] = total / q
        out["output"] = q
        out["unit"] = f"tCO2e/{output_unit}" if output_unit else "tCO2e per unit of output"
    if value_added_10k_yuan is not None:
        va = _decimal(value_added_10k_yuan, "value_added")
        out["per_10k_yuan_value_added"] = total / va
        out["value_added_10k_yuan"] = va
    return out


#: the emission categories whose emissions are energy activities (combustion of fuels and energy bought in)
ENERGY_CATEGORIES = ("stationary_combustion", "mobile_combustion", "purchased_electricity", "purchased_heat")


def _amount(value: Any, name: str) -> Decimal | None:
    """A figure as Decimal (floats through ``repr``), None when absent; a negative figure is refused."""
    if value is None or value == "":
        return None
    try:
        number = value if isinstance(value, Decimal) else Decimal(repr(value) if isinstance(value, float) else str(value).strip())
    except (InvalidOperation, ValueError):
        raise ValueError(f"{name}: '{value}' is not a number") from None
    if not number.is_finite():
        raise ValueError(f"{name}: '{value}' is not a number")
    if number < 0:
        raise ValueError(f"{name}: cannot be negative")
    return number


def _ratio(numerator: Decimal | None, denominator: Decimal | None, unit: str, denominator_unit: str,
           **extra: Any) -> dict[str, Any] | None:
    """One intensity: value = numerator / denominator, kept with both so that intensities aggregate
    as Σ numerator / Σ denominator (:func:`aggregate_intensities`). None without a positive denominator."""
    if numerator is None or denominator is None or denominator == 0:
        return None
    return {"value": numerator / denominator, "unit": unit, "numerator_t": numerator, "denominator": denominator,
            "denominator_unit": denominator_unit, **extra}


def energy_co2(totals: dict[str, Any]) -> tuple[Decimal | None, str]:
    """The numerator of carbon per unit of energy and what it is.

    ``energy_co2`` when the totals carry it (CO₂ of energy activities); otherwise the sum of the energy
    categories (:data:`ENERGY_CATEGORIES`, location-based) of ``by_category``, which is CO₂e: the CH₄ and
    N₂O of combustion are included (a fraction of a percent for fuels), process and fugitive emissions
    and other indirect emissions are not.
    """
    if totals.get("energy_co2") is not None:
        return _amount(totals["energy_co2"], "energy_co2"), "energy_co2"
    by_category = totals.get("by_category") or {}
    if not by_category:
        return None, ""
    return sum((_amount(by_category.get(c), c) or Decimal(0) for c in ENERGY_CATEGORIES), Decimal(0)), "energy_categories_co2e"


def statement_intensities(totals: dict[str, Any], denominators: dict[str, Any]) -> dict[str, Any]:
    """The intensities of a statement: its totals (``carbonms calc --format json`` keys) over its
    denominators (``carbonms.carbondata.selectors.denominators``).

    * ``per_product``: gross emissions (tCO₂e, T/CSES 3.3.6: all gases) per unit of each product. The
      whole entity's gross is set against each product's output: no allocation between products, so for
      an enterprise with several products each figure is an upper bound of that product's intensity;
    * ``per_value_added``: gross per 10⁴ yuan of value added, with its price basis; ``per_output_value``
      (per 10⁴ yuan of gross output value, T/CSES 3.3.10 "产值") and ``per_gdp`` (park) likewise;
    * ``carbon_per_energy``: tCO₂ per tce of energy consumed (``energy_tce``), the core indicator of
      zero-carbon parks (单位能耗碳排放). Its numerator is the CO₂ of energy activities, not the gross:
      the indicator measures how carbon-intensive the energy used is, so process emissions (which do not
      change with the energy mix) and other indirect emissions stay out. See :func:`energy_co2`.

    Each indicator is ``{"value", "unit", "numerator_t", "denominator", "denominator_unit"}`` (Decimals)
    or None when its denominator is missing or zero.
    """
    gross = _amount(totals.get("gross"), "gross")
    products = []
    for p in denominators.get("products") or []:
        ratio = _ratio(gross, _amount(p.get("quantity"), f"quantity of {p.get('code')}"), f"tCO2e/{p['unit']}", p["unit"],
                       code=p["code"], name=p.get("name", ""), basis="gross")
        if ratio is not None:
            products.append(ratio)
    numerator, basis = energy_co2(totals)
    return {
        "per_product": products,
        "per_value_added": _ratio(gross, _amount(denominators.get("value_added_10k_yuan"), "value_added"),
                                  "tCO2e/10^4 yuan", "10^4 yuan", basis="gross",
                                  price_basis=denominators.get("price_basis", "")),
        "per_output_value": _ratio(gross, _amount(denominators.get("output_value_10k_yuan"), "output_value"),
                                   "tCO2e/10^4 yuan", "10^4 yuan", basis="gross"),
        "per_gdp": _ratio(gross, _amount(denominators.get("gdp_10k_yuan"), "gdp"), "tCO2e/10^4 yuan", "10^4 yuan",
                          basis="gross"),
        "carbon_per_energy": _ratio(numerator, _amount(totals.get("energy_tce"), "energy_tce"), "tCO2/tce", "tce",
                                    basis=basis),
    }


def aggregate_intensities(items: list[dict[str, Any]]) -> dict[str, Any]:
    """Intensities of several entities (or years) together: Σ numerator / Σ denominator per indicator,
    never the average of the ratios. Products aggregate by (code, unit); an indicator missing for an
    entity leaves that entity out of that indicator's sums (its ``entities`` count says how many are in)."""
    sums: dict[Any, dict[str, Any]] = {}
    for item in items:
        entries = [(k, item.get(k)) for k in ("per_value_added", "per_output_value", "per_gdp", "carbon_per_energy")]
        entries += [(("per_product", p["code"], p["denominator_unit"]), p) for p in item.get("per_product") or []]
        for key, ratio in entries:
            if ratio is None:
                continue
            acc = sums.setdefault(key, {**ratio, "numerator_t": Decimal(0), "denominator": Decimal(0), "entities": 0})
            for label in ("price_basis", "basis"):  # summing figures of different bases: say so
                if label in ratio and ratio[label] != acc.get(label):
                    acc[label] = "mixed"
            acc["numerator_t"] += ratio["numerator_t"]
            acc["denominator"] += ratio["denominator"]
            acc["entities"] += 1
    for acc in sums.values():
        acc["value"] = acc["numerator_t"] / acc["denominator"] if acc["denominator"] else None
    out: dict[str, Any] = {k: sums.get(k) for k in ("per_value_added", "per_output_value", "per_gdp", "carbon_per_energy")}
    out["per_product"] = [v for k, v in sums.items() if isinstance(k, tuple)]
    return out


def consumption_weighted(values: Any, consumptions: Any) -> float:
    """Consumption-weighted mean of measured parameters (e.g. monthly NCV or carbon content):
    Σ value_i × consumption_i / Σ consumption_i, the weighting T/CIECCPA 061 Table 3 asks for
    ("加权月平均、加权年平均"). Raises ValueError on negative or all-zero consumptions."""
    v = np.asarray(values, dtype=np.float64)
    w = np.asarray(consumptions, dtype=np.float64)
    if v.shape != w.shape or v.size == 0:
        raise ValueError("values and consumptions must have the same, non-zero length")
    if np.any(w < 0) or not np.any(w > 0) or np.any(np.isnan(v)) or np.any(np.isnan(w)):
        raise ValueError("consumptions must be >= 0 with a positive total, and no value may be missing")
    return float(np.dot(v, w) / w.sum())


def monte_carlo_uncertainty(
    co2e: np.ndarray, u_pct: np.ndarray, *, draws: int = 5000, seed: int = 0
) -> float | None:
    """95 % half-width (in %) of the sum of ``co2e`` with per-row 95 % uncertainties ``u_pct``."""
    co2e = np.asarray(co2e, dtype=np.float64)
    sigma = np.abs(co2e) * np.asarray(u_pct, dtype=np.float64) / 100.0 / 1.959964
    mean = float(co2e.sum())
    if mean == 0 or not np.any(sigma):
        return None
    rng = np.random.default_rng(seed)
    totals = np.full(draws, mean)
    chunk = max(1, 4_000_000 // draws)  # keeps each random block near 32 MB
    for start in range(0, co2e.size, chunk):
        s = sigma[start:start + chunk]
        totals += rng.standard_normal((draws, s.size)) @ s
    lo, hi = np.percentile(totals, [2.5, 97.5])
    return float((hi - lo) / 2 / abs(mean) * 100)
