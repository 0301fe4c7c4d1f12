"""The asset core (carbonms.assets): compliance with the CCER cap and eligibility from the rule table, the
neutrality determination with the 8.4 priority, the ledger's roll-forward and book value, serial ranges
used once, and the command line on the documented examples."""
from __future__ import annotations

import ast
import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import carbonms.assets
from carbonms.assets import (
    LedgerError,
    compliance,
    first_overlap,
    holdings,
    neutrality,
    overlaps,
    roll_forward,
    serial_range,
)
from carbonms.assets.rules import compliance_rules, penalty_in_force
from carbonms.cli import main
from carbonms.planning import PlanningErrors

EXAMPLES = Path(__file__).resolve().parents[2] / "docs" / "examples" / "assets"


def _example(name):
    return json.loads((EXAMPLES / f"{name}.json").read_text())


# ---------------------------------------------------------------- compliance

def test_the_compliance_example_surrenders_ccer_to_the_cap_then_oldest_allowances():
    r = compliance(_example("compliance"), "en")
    assert r["obligation_t"] == 1_250_400 and r["ccer_cap_t"] == 62_520  # floor(5 % × 1,250,400)
    assert (r["ccer_eligible_t"], r["ccer_used_t"]) == (40_000, 40_000)
    assert (r["allowances_eligible_t"], r["allowances_used_t"]) == (1_130_000, 1_130_000)
    assert r["shortfall_t"] == 80_400 and r["surplus_t"] == 0
    assert r["cost_to_close_yuan"] == 6_000_252.00  # 80,400 × 74.63
    assert [s["id"] for s in r["surrender"]] == ["CCER-forest-2024", "CEA-2024-carried", "CEA-2025-free"]
    excluded = {e["id"]: e["reason"] for e in r["excluded"]}
    assert set(excluded) == {"CEA-2023-bought", "CEA-2026-pre", "CCER-legacy", "CCER-wind-covered"}
    assert "not carried over" in excluded["CEA-2023-bought"] and "borrowing" in excluded["CEA-2026-pre"]
    assert "2024-01-22" in excluded["CCER-legacy"] and "allocation management" in excluded["CCER-wind-covered"]
    assert r["deadline"] == "2026-12-31"
    p = r["penalty"]
    assert p["kind"] == "price_multiple" and (p["min_yuan"], p["max_yuan"]) == (30_001_260.00, 60_002_520.00)
    assert p["status"] == "unverified" and "生态环境法典" in p["source"]


def test_the_ccer_cap_is_five_percent_rounded_down_and_binds():
    r = compliance({"compliance_year": 2024, "verified_emissions_t": 100_019, "price_yuan_per_t": 90,
                    "lots": [{"id": "c", "instrument": "CCER", "quantity_t": 9000},
                             {"id": "a", "instrument": "CEA", "vintage": 2019, "quantity_t": 200_000}]})
    assert r["ccer_cap_t"] == 5000 and r["ccer_used_t"] == 5000  # floor(5,000.95)
    assert r["allowances_used_t"] == 95_019 and r["surplus_t"] == 200_000 - 95_019
    assert r["excluded"] == []  # 2024: old vintages usable without carry-over, no registration date rule
    assert r["shortfall_t"] == 0 and r["deadline"] is None and r["penalty"] is None


def test_rules_come_from_the_table_with_sources():
    rules = compliance_rules()
    assert {2019, 2024, 2025, 2026} <= set(rules)
    assert all(r.ccer_cap_pct == 5 and r.source for r in rules.values())
    assert rules[2025].ccer_registered_from == dt.date(2024, 1, 22) and rules[2025].carry_over_vintages == (2019, 2024)
    assert penalty_in_force(dt.date(2023, 12, 31)).kind == "fine_range"
    assert penalty_in_force(dt.date(2025, 12, 31)).kind == "price_multiple"


@pytest.mark.parametrize(("change", "field"), [
    ({"compliance_year": 2031}, "compliance_year"),
    ({"verified_emissions_t": -5}, "verified_emissions_t"),
    ({"lots": [{"id": "x", "instrument": "CEA", "quantity_t": 10}]}, "lots[0].vintage"),
    ({"lots": [{"id": "x", "instrument": "CCER", "quantity_t": 10, "registered_on": "2024/05/01"}]}, "lots[0].registered_on"),
    ({"lots": [{"id": "x", "instrument": "CEA", "vintage": 2025, "quantity_t": 1}] * 2}, "lots[1].id"),
])
def test_bad_compliance_input_names_the_field(change, field):
    data = {"compliance_year": 2025, "verified_emissions_t": 1000, "lots": [], **change}
    with pytest.raises(PlanningErrors) as exc:
        compliance(data)
    assert field in [e.where for e in exc.value.errors]


# ---------------------------------------------------------------- neutrality

def test_the_neutrality_example_counts_cancelled_units_in_priority_order():
    r = neutrality(_example("neutrality"), "en")
    assert r["achieved"] and r["eligible_t"] == 13_000 and r["gap_t"] == 0 and r["surplus_t"] == 500
    assert [(a["id"], a["tier"], a["quantity_t"]) for a in r["allocation"]] == [
        ("cea-bought", 1, 3000), ("ccer-forest-local", 2, 4000), ("ccer-wind", 5, 5500)]
    rejected = {x["id"]: x["reason"] for x in r["rejected"]}
    assert set(rejected) == {"cea-free", "ccer-late", "ccer-compliance"}
    assert "free allowance" in rejected["cea-free"] and "2026-12-31" in rejected["ccer-late"]
    assert r["plan"] == []  # no gap: held units are not needed
    assert len(r["priority_notes"]) == 1 and "ccer-forest-held" in r["priority_notes"][0]


def test_a_gap_is_planned_from_held_units_and_the_window_is_configurable():
    data = _example("neutrality")
    data["emissions_t"] = 15_000
    data["retirement_window_months"] = 6
    r = neutrality(data, "en")
    assert {x["id"] for x in r["rejected"]} >= {"ccer-wind"}  # cancelled 2026-11-30, after 2026-06-30
    assert r["eligible_t"] == 7000 and r["gap_t"] == 8000 and not r["achieved"]
    assert [(p["id"], p["tier"], p["quantity_t"]) for p in r["plan"]] == [("ccer-forest-held", 3, 1000),
                                                                         ("esav-local-held", 6, 3000)]


# ---------------------------------------------------------------- ledger

MOVES = [
    {"date": "2024-03-01", "kind": "allocation", "instrument": "CEA", "vintage": 2024, "quantity_t": 1000},
    {"date": "2024-05-01", "kind": "purchase", "instrument": "CEA", "vintage": 2024, "quantity_t": 500, "amount_yuan": "45000",
     "fees_yuan": "100"},
    {"date": "2025-02-01", "kind": "sale", "instrument": "CEA", "vintage": 2024, "quantity_t": 300, "amount_yuan": "30000"},
    {"date": "2025-03-01", "kind": "purchase", "instrument": "CCER", "vintage": 2024, "quantity_t": 100, "amount_yuan": "7000"},
    {"date": "2025-11-20", "kind": "surrender", "instrument": "CEA", "vintage": 2024, "quantity_t": 1200},
    {"date": "2025-12-01", "kind": "cancellation", "instrument": "CCER", "vintage": 2024, "quantity_t": 40},
]


def test_roll_forward_reconciles_quantities_and_book_value_at_weighted_average_cost():
    rf = roll_forward(MOVES, 2025)
    rows = rf["rows"]
    assert rows["opening"] == {"quantity_t": 1500, "amount_yuan": Decimal("45100")}
    unit = Decimal("45100") / 1500
    assert rows["sold"]["quantity_t"] == 300 and rows["sold"]["amount_yuan"] == unit * 300
    assert rows["purchased"] == {"quantity_t": 100, "amount_yuan": Decimal("7000")}
    assert rows["surrendered"]["quantity_t"] == 1200 and rows["surrendered"]["amount_yuan"] == Decimal("45100") - unit * 300
    assert rows["other_out"] == {"quantity_t": 40, "amount_yuan": Decimal("2800")}
    assert rows["closing"] == {"quantity_t": 60, "amount_yuan": Decimal("4200")}
    assert rf["sales_gain_yuan"] == Decimal("30000") - unit * 300
    for k in ("quantity_t", "amount_yuan"):
        inc = rows["free"][k] + rows["purchased"][k] + rows["other_in"][k]
        dec_ = rows["surrendered"][k] + rows["sold"][k] + rows["other_out"][k]
        assert rows["opening"][k] + inc - dec_ == rows["closing"][k]
    assert holdings(MOVES, dt.date(2024, 12, 31)) == [{"instrument": "CEA", "vintage": 2024, "quantity_t": 1500,
                                                       "book_value_yuan": Decimal("45100")}]


def test_a_disposal_beyond_the_holding_is_refused_naming_the_movement():
    bad = [*MOVES[:2], {"date": "2025-01-01", "kind": "sale", "instrument": "CEA", "vintage": 2024, "quantity_t": 1501,
                        "amount_yuan": "1"}]
    with pytest.raises(LedgerError) as exc:
        holdings(bad)
    assert exc.value.index == 2 and "exceeds the 1500 t held" in str(exc.value)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 700), st.sampled_from(["allocation", "purchase", "sale", "surrender", "cancellation"]),
                          st.integers(1, 500), st.integers(0, 100_000)), max_size=25))
def test_roll_forward_identity_holds_for_any_valid_ledger(steps):
    moves, held = [], 0
    for day, kind, q, amount in sorted(steps):  # in date order, so the generated disposals never exceed the holding
        if kind in ("sale", "surrender", "cancellation"):
            q = min(q, held)
            if q == 0:
                continue
            held -= q
        else:
            held += q
        date = (dt.date(2024, 1, 1) + dt.timedelta(days=day)).isoformat()
        moves.append({"date": date, "kind": kind, "instrument": "CEA", "vintage": 2024, "quantity_t": q, "amount_yuan": amount})
    rf = roll_forward(moves, 2025)
    rows = rf["rows"]
    for k in ("quantity_t", "amount_yuan"):
        inc = rows["free"][k] + rows["purchased"][k] + rows["other_in"][k]
        dec_ = rows["surrendered"][k] + rows["sold"][k] + rows["other_out"][k]
        assert abs(rows["opening"][k] + inc - dec_ - rows["closing"][k]) <= Decimal("1e-18")
        assert rows["closing"][k] >= 0


def test_a_serial_range_is_used_once_and_an_overlap_names_both_uses():
    used = [serial_range("CN-CCER-0042-000001", "CN-CCER-0042-001000", "surrendered by E-12 for 2025"),
            serial_range("CN-CCER-0042-002001", "CN-CCER-0042-003000", "cancelled by the park for its 2025 claim")]
    new = serial_range("CN-CCER-0042-000900", "CN-CCER-0042-001100", "cancelled by E-07 for 2025")
    hits = overlaps(used, new)
    assert [h.use for h in hits] == ["surrendered by E-12 for 2025"]
    assert overlaps(used, serial_range("CN-CCER-0042-001001", "CN-CCER-0042-002000", "x")) == []
    assert overlaps(used, serial_range("CN-CCER-0043-000001", "CN-CCER-0043-000010", "x")) == []  # another block
    pair = first_overlap([*used, new])
    assert pair is not None and {pair[0].use, pair[1].use} == {"surrendered by E-12 for 2025", "cancelled by E-07 for 2025"}
    assert first_overlap(used) is None
    with pytest.raises(ValueError, match="ends before"):
        serial_range("A-10", "A-9", "x")


# ---------------------------------------------------------------- command line and purity

@pytest.mark.parametrize("command", ["compliance", "neutrality"])
def test_the_documented_examples_run(command, capsys):
    assert main(["assets", command, str(EXAMPLES / f"{command}.json")]) == 0
    assert json.loads(capsys.readouterr().out)
    assert main(["assets", command, str(EXAMPLES / f"{command}.json"), "--format", "table"]) == 0


def test_bad_input_exits_1_naming_the_field(tmp_path, capsys):
    f = tmp_path / "n.json"
    f.write_text(json.dumps({"year": 2025, "emissions_t": 1, "lots": [{"id": "a", "instrument": "CCER", "quantity_t": 1,
                                                                       "status": "sold"}]}))
    assert main(["assets", "neutrality", str(f), "--lang", "en"]) == 1
    assert "lots[0].status" in capsys.readouterr().err


def test_the_asset_core_imports_no_django():
    package = Path(carbonms.assets.__file__).parent
    for path in package.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else \
                [node.module] if isinstance(node, ast.ImportFrom) and node.module and node.level == 0 else []
            assert not any(n.split(".")[0] in ("django", "rest_framework") for n in names), path
