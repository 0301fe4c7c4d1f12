"""The ledger core's carry-over and per-pool roll-forward (carbonms/assets/ledger.py)."""
from __future__ import annotations

from decimal import Decimal

import pytest

from carbonms.assets import ledger


def test_carry_over_moves_units_and_cost_between_pools_and_leaves_the_total_alone():
    moves = [
        {"date": "2024-03-01", "kind": "purchase", "instrument": "CEA", "vintage": 2023, "quantity_t": 100, "amount_yuan": 8000},
        {"date": "2025-01-10", "kind": "allocation", "instrument": "CEA", "vintage": 2023, "quantity_t": 100},
        {"date": "2026-05-01", "kind": "carry_over", "instrument": "CEA", "vintage": 2023, "quantity_t": 50,
         "to_instrument": "CEA", "to_vintage": 2025},
    ]
    held = {(h["instrument"], h["vintage"]): h for h in ledger.holdings(moves)}
    assert held[("CEA", 2023)]["quantity_t"] == 150 and held[("CEA", 2025)]["quantity_t"] == 50
    assert held[("CEA", 2025)]["book_value_yuan"] == Decimal(2000)  # 50 × the pool's average 40
    rf = ledger.roll_forward(moves, 2026)
    assert rf["rows"]["other_in"]["quantity_t"] == 0 and rf["rows"]["other_out"]["quantity_t"] == 0
    assert rf["rows"]["closing"] == rf["rows"]["opening"]
    pools = {(p["instrument"], p["vintage"]): p["rows"] for p in rf["pools"]}
    assert pools[("CEA", 2023)]["other_out"] == {"quantity_t": 50, "amount_yuan": Decimal(2000)}
    assert pools[("CEA", 2025)]["other_in"] == {"quantity_t": 50, "amount_yuan": Decimal(2000)}


def test_a_carry_over_beyond_the_pool_or_without_a_target_is_refused():
    buy = {"date": "2024-03-01", "kind": "allocation", "instrument": "CEA", "vintage": 2023, "quantity_t": 10}
    with pytest.raises(ledger.LedgerError):
        ledger.holdings([buy, {**buy, "date": "2024-04-01", "kind": "carry_over", "quantity_t": 11, "to_instrument": "CEA",
                               "to_vintage": 2025}])
    with pytest.raises(ledger.LedgerError) as exc:
        ledger.holdings([buy, {**buy, "date": "2024-04-01", "kind": "carry_over", "quantity_t": 5}])
    assert "to_instrument" in exc.value.reason
