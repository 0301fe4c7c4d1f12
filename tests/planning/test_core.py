"""The planning core (carbonms.planning): targets, baselines, rebasing, MACC, LMDI and pathways, each checked
against a hand calculation or an independent recomputation, and the bad inputs of issue 12."""
from __future__ import annotations

import json
import math
from decimal import Decimal
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy import stats

from carbonms.cli import main
from carbonms.planning import (
    PlanningErrors,
    crf,
    curve,
    decompose,
    evaluate,
    fit_baseline,
    levelised_cost,
    rebase,
    scenarios,
)
from carbonms.planning.macc import payback_years

EXAMPLES = Path(__file__).resolve().parents[2] / "docs" / "examples" / "planning"


def _codes(exc) -> list[str]:
    return [e.code for e in exc.value.errors]


# ---------------------------------------------------------------- targets

def test_reduction_target_milestones_are_linear_from_the_base_year_and_progress_is_graded():
    t = evaluate({"id": "p", "base_year": 2020, "base_value": 1_000_000, "start_year": 2023, "target_year": 2030,
                  "reduction_pct": 30, "actuals": {"2023": 915_000, "2024": 870_000, "2025": 1_000_000}})
    assert t["target_value"] == pytest.approx(700_000)
    assert t["milestones"]["2020"] == 1_000_000 and t["milestones"]["2030"] == pytest.approx(700_000)
    assert t["milestones"]["2025"] == pytest.approx(850_000)  # from the base year, not the start year 2023
    p = t["progress"]
    assert p["2024"]["expected"] == pytest.approx(880_000)
    assert p["2024"]["progress_pct"] == pytest.approx(130_000 / 300_000 * 100)
    assert p["2024"]["status"] == "on_track"  # 870,000 ≤ 880,000
    assert p["2023"]["status"] == "at_risk"  # 915,000 ≤ 910,000 × 1.05
    assert p["2025"]["status"] == "off_track"  # 1,000,000 > 850,000 × 1.05
    assert p["2025"]["progress_pct"] == pytest.approx(0)


def test_sbti_absolute_contraction_is_linear_per_year_of_base():
    t15 = evaluate({"base_year": 2022, "base_value": 500_000, "target_year": 2030, "method": "sbti_aca_1.5"})
    t2 = evaluate({"base_year": 2022, "base_value": 500_000, "target_year": 2030, "method": "sbti_aca_wb2c"})
    assert t15["target_value"] == pytest.approx(500_000 * (1 - 0.042 * 8))
    assert t2["target_value"] == pytest.approx(500_000 * (1 - 0.025 * 8))
    long = evaluate({"base_year": 2020, "base_value": 100, "target_year": 2050, "method": "sbti_aca_1.5"})
    assert long["target_value"] == 0  # 4.2 %/yr for 30 years: floored at zero


@given(base=st.floats(1, 1e9), pct=st.floats(0.1, 100), span=st.integers(1, 40))
def test_milestones_step_evenly(base, pct, span):
    t = evaluate({"base_year": 2000, "base_value": base, "target_year": 2000 + span, "reduction_pct": pct})
    values = list(t["milestones"].values())
    steps = np.diff(values)
    assert len(values) == span + 1
    assert np.allclose(steps, steps[0], rtol=1e-9, atol=1e-6 * base)


@pytest.mark.parametrize(("spec", "code"), [
    ({"base_year": 2030, "base_value": 1, "target_year": 2025, "reduction_pct": 10}, "target_before_base"),
    ({"base_year": 2020, "base_value": 1, "target_year": 2030}, "one_way"),
    ({"base_year": 2020, "base_value": 1, "target_year": 2030, "reduction_pct": 10, "target_value": 0.5}, "one_way"),
    ({"base_year": 2020, "base_value": 1, "target_year": 2030, "reduction_pct": 120}, "pct_range"),
    ({"base_year": 2020, "base_value": 1, "target_year": 2030, "method": "sbti_aca_1.5", "kind": "intensity"},
     "sbti_absolute_only"),
    ({"base_year": 2020, "base_value": 1, "target_year": 2030, "method": "sbti_net_zero"}, "unknown_method"),
    ({"base_year": 2020, "base_value": 1, "target_year": 2030, "target_value": 2}, "target_not_below"),
    ({"base_year": 2020, "base_value": 0, "target_year": 2030, "reduction_pct": 10}, "not_positive"),
    ({"base_year": 2020, "base_value": 1, "target_year": 2030, "reduction_pct": 10, "actuals": {"2019": 1}},
     "actual_before_base"),
    ({"base_year": 2020, "base_value": 1, "target_year": 2030, "start_year": 2031, "reduction_pct": 10}, "start_outside"),
])
def test_bad_targets_are_refused_with_the_field_named(spec, code):
    with pytest.raises(PlanningErrors) as exc:
        evaluate(spec, "targets[0]")
    assert code in _codes(exc)
    assert all(e.where.startswith("targets[0]") for e in exc.value.errors)


# ---------------------------------------------------------------- baselines

def test_baseline_regression_matches_an_independent_least_squares_and_reports_savings():
    data = json.loads((EXAMPLES / "baseline.json").read_text())
    out = fit_baseline(data, "en")
    model = [p for p in data["periods"] if "2023-01" <= p["period"] <= "2024-12"]
    x = np.array([[1, p["variables"]["output_t"], p["variables"]["hdd"]] for p in model], dtype=float)
    y = np.array([p["value"] for p in model])
    beta, *_ = np.linalg.lstsq(x, y, rcond=None)
    resid = y - x @ beta
    n, k = x.shape
    sigma2 = resid @ resid / (n - k)
    se = np.sqrt(np.diag(sigma2 * np.linalg.inv(x.T @ x)))
    pvals = 2 * stats.t.sf(np.abs(beta / se), n - k)
    r2 = 1 - resid @ resid / ((y - y.mean()) @ (y - y.mean()))
    m = out["model"]
    assert m["intercept"] == pytest.approx(beta[0], rel=1e-9)
    assert [m["coefficients"]["output_t"], m["coefficients"]["hdd"]] == pytest.approx(list(beta[1:]), rel=1e-9)
    assert [m["p_values"]["output_t"], m["p_values"]["hdd"]] == pytest.approx(list(pvals[1:]), rel=1e-6, abs=1e-300)
    assert m["r2"] == pytest.approx(r2, rel=1e-12) and m["valid"] and m["reasons"] == []
    rep = [p for p in data["periods"] if "2025-01" <= p["period"] <= "2025-06"]
    xr = np.array([[1, p["variables"]["output_t"], p["variables"]["hdd"]] for p in rep], dtype=float)
    adjusted = float((xr @ beta).sum())
    actual = sum(p["value"] for p in rep)
    r = out["report"]
    assert r["adjusted_baseline"] == pytest.approx(adjusted, rel=1e-9) and r["actual"] == pytest.approx(actual)
    assert r["savings"] == pytest.approx(adjusted - actual, rel=1e-6)
    assert r["performance_index"] == pytest.approx(actual / adjusted, rel=1e-9)
    assert 0.90 < r["performance_index"] < 0.96  # the example's reporting year is 7 % better


def _periods(n, f, start_year=2023):
    return [{"period": f"{start_year + i // 12}-{i % 12 + 1:02d}", "value": f(i)[0], "variables": f(i)[1]} for i in range(n)]


def test_a_model_that_explains_nothing_is_returned_invalid_with_its_reasons():
    noise = [3, -1, 4, -1, 5, -9, 2, -6, 5, -3, 5, -8, 9, -7, 9, -3]
    data = {"periods": _periods(16, lambda i: (100 + noise[i], {"x": (i * 5) % 7})), "variables": ["x"],
            "model_start": "2023-01", "model_end": "2024-04"}
    m = fit_baseline(data, "en")["model"]
    assert not m["valid"]
    assert any("R²" in r for r in m["reasons"]) and any("0.1" in r for r in m["reasons"])


def test_reporting_variables_outside_the_model_range_warn():
    data = {"periods": _periods(18, lambda i: (10 + 2 * i + (i % 3), {"x": i if i < 12 else 40 + i})), "variables": ["x"],
            "model_start": "2023-01", "model_end": "2023-12", "report_start": "2024-01", "report_end": "2024-06"}
    r = fit_baseline(data, "en")["report"]
    assert len(r["warnings"]) == 1 and "outside" in r["warnings"][0]


@pytest.mark.parametrize(("data", "code"), [
    ({"periods": _periods(11, lambda i: (i, {"x": i})), "variables": ["x"], "model_start": "2023-01", "model_end": "2023-11"},
     "short_model_period"),
    ({"periods": _periods(12, lambda i: (i * 2 + i % 2, {"x": 5})), "variables": ["x"], "model_start": "2023-01",
      "model_end": "2023-12"}, "constant_variable"),
    ({"periods": _periods(12, lambda i: (i * 2 + i % 2, {"x": i, "y": 2 * i})), "variables": ["x", "y"],
      "model_start": "2023-01", "model_end": "2023-12"}, "collinear"),
    ({"periods": _periods(12, lambda i: (i, {})), "variables": ["x"], "model_start": "2023-01", "model_end": "2023-12"},
     "missing_variable"),
    ({"periods": [{"period": "2023-13", "value": 1, "variables": {"x": 1}}], "variables": ["x"], "model_start": "2023-01",
      "model_end": "2023-12"}, "bad_period"),
    ({"periods": _periods(12, lambda i: (i, {"x": i})), "variables": [], "model_start": "2023-01", "model_end": "2023-12"},
     "no_variables"),
])
def test_bad_baselines_are_refused_with_a_reason(data, code):
    with pytest.raises(PlanningErrors) as exc:
        fit_baseline(data)
    assert code in _codes(exc)


# ---------------------------------------------------------------- rebasing

def test_rebase_accumulates_absolute_effects_and_applies_signed_ones():
    out = rebase({"base_year": 2020, "base_value": 1_000_000,
                  "changes": [{"kind": "acquisition", "base_year_effect_t": 42_000}, {"kind": "factor", "base_year_effect_t": -15_000}]})
    assert out["cumulative_pct"] == pytest.approx(5.7) and out["recalculated"]
    assert out["base_value"] == pytest.approx(1_027_000)
    below = rebase({"base_year": 2020, "base_value": 1_000_000, "changes": [{"kind": "error", "base_year_effect_t": -49_999}]})
    assert not below["recalculated"] and below["base_value"] == 1_000_000
    custom = rebase({"base_year": 2020, "base_value": 100, "threshold_pct": 2, "changes": [{"kind": "method", "base_year_effect_t": 2}]})
    assert custom["recalculated"] and custom["base_value"] == 102


@pytest.mark.parametrize(("kind", "code"), [("organic", "organic_change"), ("growth", "unknown_kind")])
def test_organic_and_unknown_changes_are_not_base_year_changes(kind, code):
    with pytest.raises(PlanningErrors) as exc:
        rebase({"base_year": 2020, "base_value": 100, "changes": [{"kind": kind, "base_year_effect_t": 1}]})
    assert _codes(exc) == [code] and exc.value.errors[0].where == "changes[0].kind"


# ---------------------------------------------------------------- MACC

def test_levelised_cost_uses_the_capital_recovery_factor_in_decimal():
    assert crf("0.08", 10) == pytest.approx(Decimal("0.14902948869707"), abs=Decimal("1e-12"))
    assert crf(0, 4) == Decimal("0.25")
    cost = levelised_cost(capex="1000000", delta_opex="-50000", abatement_t="2000", discount_rate="0.08", lifetime_years=10)
    assert isinstance(cost, Decimal)
    assert cost == pytest.approx((Decimal("0.14902948869707") * 1000000 - 50000) / 2000, abs=Decimal("1e-6"))
    assert payback_years(capex="1000000", delta_opex="-50000") == 20
    assert payback_years(capex="1000000", delta_opex="1000") is None


def test_the_curve_is_sorted_by_cost_with_cumulative_abatement():
    rows = curve([{"id": "pv", "capex": 5e6, "delta_opex": -4e5, "abatement_t": 3000, "discount_rate": "0.06", "lifetime_years": 25},
                  {"id": "led", "capex": 2e5, "delta_opex": -9e4, "abatement_t": 500, "discount_rate": "0.06", "lifetime_years": 10},
                  {"id": "ccus", "capex": 8e7, "delta_opex": 6e6, "abatement_t": 100000, "discount_rate": "0.06",
                   "lifetime_years": 20}])
    assert [r["id"] for r in rows] == ["led", "pv", "ccus"]
    assert [r["cumulative_t"] for r in rows] == [500, 3500, 103500]
    assert rows[0]["cost_per_t"] < 0 < rows[2]["cost_per_t"]


# ---------------------------------------------------------------- LMDI and pathways

def test_lmdi_decomposition_is_exact_and_attributes_pure_growth_to_activity():
    y0 = {"steel": {"output": 100, "energy": 50, "emissions": 120}, "chem": {"output": 60, "energy": 20, "emissions": 40}}
    y1 = {"steel": {"output": 110, "energy": 52, "emissions": 118}, "chem": {"output": 90, "energy": 27, "emissions": 50}}
    d = decompose(y0, y1)
    assert d["total"] == pytest.approx(d["change"], abs=1e-9) and d["change"] == pytest.approx(8)
    grown = {k: {kk: vv * 1.1 for kk, vv in v.items()} for k, v in y0.items()}
    g = decompose(y0, grown)
    assert g["activity"] == pytest.approx(16) and g["structure"] == pytest.approx(0, abs=1e-9)
    assert g["energy_intensity"] == pytest.approx(0, abs=1e-9) and g["carbon_intensity"] == pytest.approx(0, abs=1e-9)
    with pytest.raises(PlanningErrors) as exc:
        decompose(y0, {"steel": y1["steel"]})
    assert _codes(exc) == ["sector_mismatch"]


def test_pathway_projects_scenarios_with_peak_and_neutrality_year():
    out = scenarios(json.loads((EXAMPLES / "pathway.json").read_text()))
    bau, policy, enhanced = out["scenarios"]
    assert bau["years"]["2026"]["gross"] == pytest.approx(1_020_000 * 1.04 * 0.97)
    assert not bau["peak"]["reached"]  # still rising at the horizon
    assert policy["years"]["2030"]["gross"] == pytest.approx(1_020_000 * (1.04 * 0.95) ** 5 - 180_000)
    assert policy["peak"] == {"year": 2023, "value": 1_050_000, "reached": True}
    assert enhanced["neutrality_year"] is not None and enhanced["neutrality_year"] <= 2060
    year = str(enhanced["neutrality_year"])
    assert enhanced["years"][year]["net"] <= 0 < enhanced["years"][str(int(year) - 1)]["net"]
    y = bau["years"]["2040"]
    assert y["low"] < y["gross"] < y["high"]


# ---------------------------------------------------------------- command line

@pytest.mark.parametrize("command", ["target", "baseline", "rebase", "pathway"])
def test_the_documented_examples_run(command, capsys):
    assert main(["planning", command, str(EXAMPLES / f"{command}.json")]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out
    assert main(["planning", command, str(EXAMPLES / f"{command}.json"), "--format", "table"]) == 0


def test_the_command_exits_non_zero_naming_an_organic_change(tmp_path, capsys):
    f = tmp_path / "r.json"
    f.write_text(json.dumps({"base_year": 2020, "base_value": 10, "changes": [{"kind": "organic", "base_year_effect_t": 1}]}))
    assert main(["planning", "rebase", str(f), "--lang", "en"]) == 1
    err = capsys.readouterr()
    assert "changes[0].kind" in err.err and "organic" in err.err and err.out == ""
    assert main(["planning", "rebase", str(f)]) == 1
    assert "不是基准年调整事项" in capsys.readouterr().err
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    assert main(["planning", "target", str(bad)]) == 2
    assert main(["planning", "target", str(tmp_path / "missing.json")]) == 2


def test_target_output_has_the_documented_shape(capsys):
    assert main(["planning", "target", str(EXAMPLES / "target.json")]) == 0
    t = json.loads(capsys.readouterr().out)["targets"][0]
    assert {"id", "target_value", "milestones", "progress"} <= set(t)
    assert list(t["milestones"]) == [str(y) for y in range(2020, 2031)]
    assert set(t["progress"]["2024"]) == {"actual", "expected", "progress_pct", "status"}
    assert math.isclose(t["target_value"], 700_000)
