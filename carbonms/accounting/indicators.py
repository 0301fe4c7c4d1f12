"""Intensity indicators and the optional Monte Carlo uncertainty check.

Intensity (T/CSES §3.3.10 碳排放强度: emissions per unit of product output or of output value;
T/CSES §6.3.1 f)): tCO2e per unit of output and per 10⁴ yuan of value added. Money is handled as
:class:`~decimal.Decimal`, never as a float.

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
