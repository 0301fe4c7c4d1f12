"""What the compliance app reads from and writes to the ledger (app ``ledger``), in one place.

The ledger owns accounts, instruments, movements, serial ranges and the rule that a unit is used once; this
module only translates its lots into the asset core's lot dicts and calls its services. Nothing here
re-implements a holding, a serial check or a used-once check.
"""
from __future__ import annotations

from decimal import Decimal


def compliance_lots(enterprise, year: int) -> list[dict]:
    """The enterprise's held lots as the asset core's compliance lots (``id``, ``instrument``, ``vintage``,
    ``quantity_t``, ``acquisition``, ``carried_over``, ``registered_on``, ``from_covered_project``)."""
    return []


def surrendered(enterprise, year: int) -> list[dict]:
    """Surrenders already made for compliance year ``year``: ``instrument`` and ``quantity_t`` (Decimal) each."""
    return []


def surrender_total(enterprise, year: int) -> Decimal:
    return sum((d["quantity_t"] for d in surrendered(enterprise, year)), Decimal(0))
