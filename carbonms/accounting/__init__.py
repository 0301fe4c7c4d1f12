"""Pure-Python accounting core of CarbonMS. Must never import Django.

Public API (documented in ``docs/accounting.md``)::

    from carbonms.accounting import calculate, default_library, load_gwp
    result = calculate(rows, gwp_set="SAR")        # rows: dicts with the columns of docs/calc-input.md
    result.totals["gross"], result.rows[0].factor["version_id"]

Clauses: T/CIECCPA 061—2023 §8.2 (formulas (1)–(5)), §9.1; T/CSES §6.3.1; T/CPQS §7.3.2.
"""

from .categories import CATEGORIES, METHODS, Category, find_category, find_method
from .cems import CemsResult, cems_emissions, read_cems_csv, substitute_missing
from .engine import (
    InventoryResult,
    Recalculation,
    RowResult,
    calculate,
    diff_results,
    recalculate,
    reproduce,
)
from .factors import DEFAULT_FUEL_SET, Factor, FactorLibrary, default_library, shipped_factors
from .gwp import DEFAULT_GWP_SET, GWP_SETS, GwpTable, load_gwp
from .indicators import consumption_weighted, intensity, monte_carlo_uncertainty
from .messages import AccountingError, AccountingErrors, translate
from .units import GJ_PER_TCE, convert, steam_to_gj

__all__ = [
    "CATEGORIES", "DEFAULT_FUEL_SET", "DEFAULT_GWP_SET", "GJ_PER_TCE", "GWP_SETS", "METHODS",
    "AccountingError", "AccountingErrors", "Category", "CemsResult", "Factor", "FactorLibrary", "GwpTable",
    "InventoryResult", "Recalculation", "RowResult", "calculate", "cems_emissions", "consumption_weighted", "convert",
    "default_library", "diff_results", "find_category", "find_method", "intensity", "load_gwp",
    "monte_carlo_uncertainty", "read_cems_csv", "recalculate", "reproduce", "shipped_factors",
    "steam_to_gj", "substitute_missing", "translate",
]
