"""Baselines with a regression model, and the performance of a reporting period against them
(T/CSES 6.2.2, 6.5; T/CPQS 7.4; T/CIECCPA 6.2.1 — 绩效参数与基准).

The model is ordinary least squares (statsmodels) of the period values (emissions or energy of each month)
on the chosen relevant variables (output, degree days, …) over the model period, which must span at least
12 months. A model is **valid** when (the rules ORNL's VERIFI applies to energy baselines):

* the model's p-value (F test) ≤ 0.1;
* every variable's p-value ≤ 0.2;
* at least one variable's p-value < 0.1;
* R² ≥ 0.5.

A model that fails is still returned, with ``valid`` false and each failed rule in ``reasons``. A variable
that is constant over the model period, or variables that are perfectly collinear, are refused before
fitting (with a reason, never a crash).

Reporting period: adjusted baseline = Σ of the model applied to each reporting month's variables;
savings = adjusted baseline − actual; performance index = actual / adjusted baseline. A reporting-period
variable outside the range seen in the model period gives a warning (the model is extrapolated).
"""
from __future__ import annotations

import math
import re
from typing import Any

import numpy as np

from .errors import DEFAULT_LANG, Collector, rule_text

P_MODEL_MAX = 0.1
P_VARIABLE_MAX = 0.2
P_SIGNIFICANT = 0.1
R2_MIN = 0.5
MIN_MONTHS = 12
_PERIOD = re.compile(r"^(\d{4})-(\d{2})$")


def _month_index(period: str) -> int | None:
    m = _PERIOD.match(str(period))
    if not m or not 1 <= int(m.group(2)) <= 12:
        return None
    return int(m.group(1)) * 12 + int(m.group(2)) - 1


def _parse(data: dict[str, Any], c: Collector):
    variables = data.get("variables")
    if not isinstance(variables, list) or not variables:
        c.add("no_variables", "variables")
        variables = []
    periods = data.get("periods")
    if not isinstance(periods, list):
        c.add("bad_list", "periods")
        periods = []
    rows, seen = [], set()
    for i, p in enumerate(periods):
        where = f"periods[{i}]"
        if not isinstance(p, dict):
            c.add("bad_object", where)
            continue
        idx = _month_index(p.get("period", ""))
        if idx is None:
            c.add("bad_period", f"{where}.period", value=p.get("period"))
            continue
        if idx in seen:
            c.add("duplicate_period", f"{where}.period", value=p.get("period"))
            continue
        seen.add(idx)
        value = c.number(p.get("value"), f"{where}.value")
        given = p.get("variables") if isinstance(p.get("variables"), dict) else {}
        xs = []
        for name in variables:
            if name not in given:
                c.add("missing_variable", where, name=name)
                xs.append(None)
            else:
                xs.append(c.number(given[name], f"{where}.variables.{name}"))
        rows.append((idx, value, xs))
    bounds = {}
    for key in ("model_start", "model_end", "report_start", "report_end"):
        if data.get(key) in (None, ""):
            if key.startswith("model"):
                c.add("required", key)
            continue
        idx = _month_index(data[key])
        if idx is None:
            c.add("bad_period", key, value=data[key])
        bounds[key] = idx
    return variables, rows, bounds


def fit(data: dict[str, Any], lang: str = DEFAULT_LANG) -> dict[str, Any]:
    """The ``carbonms planning baseline`` computation (input and output: docs/planning.md)."""
    import statsmodels.api as sm

    c = Collector()
    variables, rows, bounds = _parse(data, c)
    c.raise_if_any()
    lo, hi = bounds["model_start"], bounds["model_end"]
    months = hi - lo + 1
    if months < MIN_MONTHS:
        c.add("short_model_period", "model_end", months=max(months, 0))
        c.raise_if_any()
    model_rows = sorted(r for r in rows if lo <= r[0] <= hi)
    k = len(variables)
    if len(model_rows) < k + 2:
        c.add("too_few_points", "periods", n=len(model_rows), k=k, need=k + 2)
        c.raise_if_any()
    y = np.array([r[1] for r in model_rows], dtype=float)
    x = np.array([r[2] for r in model_rows], dtype=float).reshape(len(model_rows), k)
    for j, name in enumerate(variables):
        if np.ptp(x[:, j]) == 0:
            c.add("constant_variable", "variables", name=name)
    c.raise_if_any()
    design = np.column_stack([np.ones(len(y)), x])
    if np.linalg.matrix_rank(design) < k + 1:
        c.add("collinear", "variables", names=", ".join(variables))
        c.raise_if_any()
    res = sm.OLS(y, design).fit()
    params = [float(v) for v in res.params]
    pvalues = [float(v) for v in res.pvalues[1:]]
    r2, adj = float(res.rsquared), float(res.rsquared_adj)
    p_model = float(res.f_pvalue) if res.f_pvalue is not None else math.nan
    reasons = []
    if any(math.isnan(v) for v in [p_model, *pvalues]):
        reasons.append(rule_text("perfect_fit", lang))
    else:
        if p_model > P_MODEL_MAX:
            reasons.append(rule_text("p_model", lang, value=p_model))
        for name, p in zip(variables, pvalues, strict=True):
            if p > P_VARIABLE_MAX:
                reasons.append(rule_text("p_variable", lang, name=name, value=p))
        if not any(p < P_SIGNIFICANT for p in pvalues):
            reasons.append(rule_text("no_significant", lang))
    if not r2 >= R2_MIN:
        reasons.append(rule_text("r2", lang, value=r2))
    out: dict[str, Any] = {"model": {
        "n": len(y), "intercept": params[0], "coefficients": dict(zip(variables, params[1:], strict=True)),
        "r2": r2, "adj_r2": adj, "p_model": _num(p_model), "p_values": {n: _num(p) for n, p in zip(variables, pvalues, strict=True)},
        "valid": not reasons, "reasons": reasons}}
    if "report_start" in bounds or "report_end" in bounds:
        rlo, rhi = bounds.get("report_start", hi + 1), bounds.get("report_end", max(r[0] for r in rows))
        report = sorted(r for r in rows if rlo <= r[0] <= rhi)
        if not report:
            c.add("empty_report", "report_start")
            c.raise_if_any()
        rx = np.array([r[2] for r in report], dtype=float).reshape(len(report), k)
        predicted = params[0] + rx @ np.array(params[1:])
        actual = float(sum(r[1] for r in report))
        adjusted = float(predicted.sum())
        warnings = []
        for j, name in enumerate(variables):
            vlo, vhi = float(x[:, j].min()), float(x[:, j].max())
            for v in rx[:, j]:
                if v < vlo or v > vhi:
                    warnings.append(rule_text("out_of_range", lang, name=name, value=_g(v), lo=_g(vlo), hi=_g(vhi)))
                    break
        out["report"] = {"months": len(report), "actual": actual, "adjusted_baseline": adjusted, "savings": adjusted - actual,
                         "performance_index": actual / adjusted if adjusted else None, "warnings": warnings}
    return out


def _num(x: float) -> float | None:
    return None if math.isnan(x) else x


def _g(x: float) -> str:
    return f"{x:.6g}"
