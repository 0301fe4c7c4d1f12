"""Reads of the abatement app, shared by the pages and the API: every query starts from ``restrict``.

* :func:`opportunities` / :func:`macc` — the ranked register of a system and its cost curve (T/CSES 6.3.1 a)).
* :func:`history` / :func:`decomposition` / :func:`pathway` — trend from the inventory statements in force, the
  LMDI-I driver decomposition between two years and the scenario pathways with target milestones
  (T/CSES 6.3.1 b); T/CPQS 7.3.2 g)).
"""
from __future__ import annotations

from decimal import Decimal
from typing import Any

from carbonms.inventory.models import InventoryStatement
from carbonms.inventory.statements import official_statements
from carbonms.planning import PlanningErrors, decompose, scenarios
from carbonms.planning.macc import curve

from .models import ActionLine, Opportunity, Scenario


def _owned(qs, system, *, park_wide: bool = False):
    """The rows of a system: the park's own (with ``park_wide``, the whole park's) or one enterprise's."""
    if system.enterprise is not None:
        return qs.filter(park_id=system.park.pk, enterprise_id=system.enterprise.pk)
    qs = qs.filter(park_id=system.park.pk)
    return qs if park_wide else qs.filter(enterprise__isnull=True)


def opportunities(user, system, *, park_wide: bool = True):
    """The system's opportunities the user may see (for the park: the park's and its enterprises'), cheapest first."""
    qs = Opportunity.objects.restrict(user, "view").select_related("park", "enterprise", "owner")
    return _owned(qs, system, park_wide=park_wide).order_by("cost_per_t", "-annual_reduction_t", "code")


def macc(rows) -> list[dict[str, Any]]:
    """The MACC bars of ranked opportunities (not rejected, with a computed cost): id, label, width (tCO₂e/yr),
    cost (yuan/tCO₂e), start and end of the bar on the cumulative axis. Ties: larger abatement first."""
    items = [{"id": o.pk, "code": o.code, "title": o.title, "capex": o.capex, "delta_opex": o.delta_opex,
              "abatement_t": o.annual_reduction_t, "discount_rate": Decimal(o.discount_rate_pct) / 100,
              "lifetime_years": o.lifetime_years}
             for o in sorted(rows, key=lambda o: -(o.annual_reduction_t or 0))
             if o.status != Opportunity.Status.REJECTED and o.annual_reduction_t and o.annual_reduction_t > 0]
    out = curve(items)
    for r in out:
        r["start_t"] = r["cumulative_t"] - r["abatement_t"]
    return out


def macc_chart(bars: list[dict[str, Any]], *, x_label: str, y_label: str) -> dict:
    """ECharts option of the curve: each opportunity a rectangle as wide as its abatement and as high as its cost
    (a ``markArea`` per bar on value axes: the option is plain JSON, no script)."""
    import math

    palette = ["#2f7d5b", "#3c8dbc", "#d48806", "#8e44ad", "#c0392b", "#16a085", "#7f8c8d", "#2c3e50"]
    total = float(bars[-1]["cumulative_t"]) if bars else 1.0
    areas = []
    for i, b in enumerate(bars):
        cost = float(b["cost_per_t"])
        wide = float(b["abatement_t"]) >= 0.06 * total  # label only the bars wide enough to hold their code
        areas.append([{"name": f"{b['code']} {b['title']}", "coord": [float(b["start_t"]), 0],
                       "itemStyle": {"color": palette[i % len(palette)], "opacity": 0.85,
                                     "borderColor": "#fff", "borderWidth": 1},
                       "label": {"show": wide, "formatter": b["code"],
                                 "position": "insideBottom" if cost >= 0 else "insideTop"}},
                      {"coord": [float(b["cumulative_t"]), cost]}])

    def nice(x: float) -> float:
        if x == 0:
            return 0.0
        step = 10 ** math.floor(math.log10(abs(x)))
        return math.copysign(math.ceil(abs(x) / step) * step, x)

    costs = [float(b["cost_per_t"]) for b in bars] or [0.0]
    return {
        "tooltip": {"trigger": "item"},
        "grid": {"left": 70, "right": 30, "top": 30, "bottom": 50},
        "xAxis": {"type": "value", "name": x_label, "nameLocation": "middle", "nameGap": 30, "min": 0, "max": nice(total)},
        "yAxis": {"type": "value", "name": y_label, "min": min(0.0, nice(min(costs) * 1.05)),
                  "max": max(0.0, nice(max(costs) * 1.05))},
        "series": [{"type": "line", "data": [[0, 0], [nice(total), 0]], "symbol": "none",
                    "lineStyle": {"color": "#555", "width": 1}, "tooltip": {"show": False},
                    "markArea": {"silent": False, "label": {"show": True, "fontSize": 11, "color": "#fff"},
                                 "data": areas}}],
    }


# -- trend and pathways ---------------------------------------------------------------------------------------------
def actions(user, system):
    """The system's plan lines the user may see (for the park: the park's and its enterprises'), by start date."""
    qs = ActionLine.objects.restrict(user, "view").select_related("park", "enterprise", "target", "responsible")
    return _owned(qs, system, park_wide=True).order_by("start_date", "code")


def gantt_chart(lines, *, today) -> dict:
    """ECharts option of the plan's timeline: one bar per line from start to completion on a time axis, coloured by
    status and labelled with the line, today marked. Each bar is a ``markArea`` rectangle (row i spans i ± 0.35 on a
    hidden value axis), so the option is plain JSON under the Content-Security-Policy."""
    import datetime as dt

    def ms(d):
        return int(dt.datetime(d.year, d.month, d.day, tzinfo=dt.UTC).timestamp() * 1000)

    colors = {"planned": "#7f8c8d", "in_progress": "#3c8dbc", "completed": "#2f7d5b", "verified": "#1e5e43",
              "cancelled": "#c0392b"}
    start = min(x.start_date for x in lines).replace(day=1)
    end = max(max(x.end_date for x in lines), today)
    end = dt.date(end.year + (end.month == 12), end.month % 12 + 1, 1)
    n = len(lines)
    areas = []
    for i, x in enumerate(lines):
        row = n - 1 - i  # the first line on top
        areas.append([{"name": f"{x.code} {x.measure} · {x.get_status_display()} · {x.start_date} → {x.end_date}",
                       "coord": [ms(x.start_date), row - 0.35],
                       "itemStyle": {"color": colors.get(x.status, "#3c8dbc"), "opacity": 0.9},
                       "label": {"show": True, "position": "insideLeft", "color": "#fff", "fontSize": 11,
                                 "formatter": f"{x.code} {x.measure}"[:40]}},
                      {"coord": [ms(x.end_date) + 86_400_000, row + 0.35]}])
    return {
        "tooltip": {"trigger": "item"},
        "grid": {"left": 20, "right": 30, "top": 20, "bottom": 40},
        "xAxis": {"type": "time", "min": ms(start), "max": ms(end), "splitLine": {"show": True}},
        "yAxis": {"type": "value", "min": -0.6, "max": n - 0.4, "show": False},
        "series": [{"type": "scatter", "data": [[ms(start), -0.6]], "symbolSize": 0, "silent": True,
                    "tooltip": {"show": False},
                    "markArea": {"silent": False, "data": areas},
                    "markLine": {"symbol": "none", "silent": True, "lineStyle": {"color": "#c0392b", "type": "dashed"},
                                 "label": {"formatter": str(today)}, "data": [{"xAxis": ms(today)}]}}],
    }


def statements(system) -> dict[int, InventoryStatement]:
    """The statements in force (management basis) of the system's entity, by year."""
    qs = official_statements(park=system.park, enterprise=system.enterprise, park_level=system.enterprise is None)
    return {s.year: s for s in qs.select_related("enterprise")}


def history(system) -> dict[int, float]:
    return {y: float(s.totals.get("gross") or 0) for y, s in sorted(statements(system).items())}


def _sectors(st: InventoryStatement, names: dict[int, str], value_added: dict[int, float]) -> dict[str, dict[str, float]]:
    """Sectors of one statement for LMDI: the enterprise itself, or for the park each enterprise's counted
    contribution, energy and value added."""
    t = st.totals or {}
    if st.enterprise_id is not None:
        va = (st.denominators or {}).get("value_added_10k_yuan")
        return {names.get(st.enterprise_id, str(st.enterprise_id)): {
            "output": float(va) if va not in (None, "") else 0.0, "energy": float(t.get("energy_tce") or 0),
            "emissions": float(t.get("gross") or 0)}}
    out = {}
    for key, e in (t.get("by_enterprise") or {}).items():
        eid = int(key)
        out[names.get(eid, key)] = {"output": value_added.get(eid, 0.0),
                                    "energy": float((t.get("energy_tce_by_enterprise") or {}).get(key) or 0),
                                    "emissions": float(e or 0)}
    return out


def decomposition(system, year0: int, year1: int) -> dict[str, Any]:
    """LMDI-I decomposition of the change between two years with statements in force (output = value added in
    10⁴ yuan, energy in tce, emissions in tCO₂e). Enterprises without positive figures in both years are left
    out and listed with their emissions, so that the effects explain the change of the sectors kept."""
    from carbonms.organizations.models import Enterprise

    sts = statements(system)
    if year0 not in sts or year1 not in sts:
        return {"error": "no_statement", "years": sorted(sts)}
    names = dict(Enterprise.objects.filter(park=system.park).values_list("pk", "name"))
    va = {}
    for y in (year0, year1):
        va[y] = {s.enterprise_id: float(s.denominators["value_added_10k_yuan"])
                 for s in official_statements(park=system.park).filter(year=y, enterprise__isnull=False)
                 if (s.denominators or {}).get("value_added_10k_yuan") not in (None, "")}
    s0, s1 = _sectors(sts[year0], names, va[year0]), _sectors(sts[year1], names, va[year1])

    def usable(d):
        return all(d.get(k, 0) > 0 for k in ("output", "energy", "emissions"))

    keep = sorted(n for n in set(s0) & set(s1) if usable(s0[n]) and usable(s1[n]))
    left_out = [{"name": n, "emissions0": s0.get(n, {}).get("emissions", 0.0), "emissions1": s1.get(n, {}).get("emissions", 0.0)}
                for n in sorted((set(s0) | set(s1)) - set(keep))]
    if not keep:
        return {"error": "no_sectors", "left_out": left_out, "years": sorted(sts)}
    try:
        effects = decompose({n: s0[n] for n in keep}, {n: s1[n] for n in keep})
    except PlanningErrors as exc:
        return {"error": "core", "message": exc.report(), "years": sorted(sts)}
    return {"year0": year0, "year1": year1, "effects": effects, "sectors": len(keep), "left_out": left_out,
            "years": sorted(sts)}


def scenario_list(user, system):
    return _owned(Scenario.objects.restrict(user, "view").select_related("park", "enterprise"), system)


def plan_reductions(user, system) -> dict[int, float]:
    """{year: tCO₂e/yr} of the system's action-plan lines (not cancelled), in force from the year they end."""
    return _reductions(_owned(ActionLine.objects.restrict(user, "view"), system, park_wide=True))


def _reductions(lines) -> dict[int, float]:
    out: dict[int, float] = {}
    for line in lines.exclude(status=ActionLine.Status.CANCELLED):
        if line.annual_reduction_t and line.end_date:
            out[line.end_date.year] = out.get(line.end_date.year, 0.0) + float(line.annual_reduction_t)
    return dict(sorted(out.items()))


def target_milestones(user, system) -> list[dict[str, Any]]:
    """Absolute-emission targets of the system's entity (approved or published) with their yearly milestones."""
    try:
        from carbonms.performance.models import Target
    except ImportError:
        return []
    return _milestones(Target.objects.restrict(user, "view"), system)


def _milestones(targets, system) -> list[dict[str, Any]]:
    from carbonms.performance.models import Metric

    qs = targets.filter(park_id=system.park.pk, unit__isnull=True, metric=Metric.ABSOLUTE,
                        status__in=("approved", "published"))
    qs = qs.filter(enterprise_id=system.enterprise.pk) if system.enterprise else qs.filter(enterprise__isnull=True)
    return [{"code": t.code, "title": t.title, "target_year": t.target_year, "target_value": float(t.target_value),
             "milestones": {int(y): float(v) for y, v in (t.milestones or {}).items()}} for t in qs.filter(equipment__isnull=True)]


def pathway(user, system) -> dict[str, Any]:
    """History, every scenario's projection (peak, neutrality year, band) and target milestones."""
    return _pathway(system, list(scenario_list(user, system)), plan_reductions(user, system),
                    target_milestones(user, system))


def record_pathway(system) -> dict[str, Any]:
    """:func:`pathway` with every row of the system, for a report made from a record of that system (access is
    checked on the record: whoever may view it reads its report)."""
    from carbonms.performance.models import Target

    rows = list(_owned(Scenario.objects.select_related("park", "enterprise"), system))
    return _pathway(system, rows, _reductions(_owned(ActionLine.objects.all(), system, park_wide=True)),
                    _milestones(Target.objects.all(), system))


def _pathway(system, rows, plans, targets) -> dict[str, Any]:
    hist = history(system)
    out: dict[str, Any] = {"history": hist, "scenarios": [], "targets": targets, "plans": plans}
    if not hist or not rows:
        return out
    specs = []
    for s in rows:
        red = {int(y): float(v) for y, v in (s.extra_reductions or {}).items()}
        if s.include_action_plans:
            for y, v in plans.items():
                red[y] = red.get(y, 0.0) + v
        specs.append({"name": s.name, "growth_pct": float(s.growth_pct), "intensity_change_pct": float(s.intensity_change_pct),
                      "reductions": red, "sinks": {int(y): float(v) for y, v in (s.sinks or {}).items()}})
    by_band: dict[float, list] = {}
    for s, spec in zip(rows, specs, strict=True):
        by_band.setdefault(float(s.uncertainty_pp), []).append((s, spec))
    results = {}
    for band, group in by_band.items():
        res = scenarios({"history": hist, "horizon": max(s.horizon for s, _ in group), "uncertainty_pp": band,
                         "scenarios": [spec for _, spec in group]})
        for (s, _spec), r in zip(group, res["scenarios"], strict=True):
            if s.horizon < max(x.horizon for x, _ in group):
                r["years"] = {y: v for y, v in r["years"].items() if int(y) <= s.horizon}
            results[s.pk] = r
    out["scenarios"] = [{"scenario": s, **results[s.pk]} for s in rows]
    return out


def pathway_chart(data: dict[str, Any], labels: dict[str, str]) -> dict:
    """ECharts option: history, each scenario's gross line with its band, target milestones and peak markers."""
    years = sorted(set(data["history"]) | {int(y) for r in data["scenarios"] for y in r["years"]}
                   | {y for t in data["targets"] for y in t["milestones"]})
    if not years:
        return {}
    cats = [str(y) for y in range(min(years), max(years) + 1)]
    colors = {"bau": "#c0392b", "policy": "#d48806", "enhanced": "#2f7d5b"}
    series = [{"name": labels["history"], "type": "line", "data": [data["history"].get(int(y)) for y in cats],
               "lineStyle": {"width": 3, "color": "#2c3e50"}, "itemStyle": {"color": "#2c3e50"}, "connectNulls": False}]
    legend = [labels["history"]]
    for r in data["scenarios"]:
        s = r["scenario"]
        color = colors.get(s.kind, "#3c8dbc")
        last = max(data["history"])
        gross = [data["history"][last] if int(y) == last else (r["years"].get(y) or {}).get("gross") for y in cats]
        low = [(r["years"].get(y) or {}).get("low") for y in cats]
        width = [None if (r["years"].get(y) is None) else r["years"][y]["high"] - r["years"][y]["low"] for y in cats]
        pk = r["peak"]
        series.append({"name": s.name, "type": "line", "data": gross, "lineStyle": {"color": color, "type": "dashed"},
                       "itemStyle": {"color": color}, "symbolSize": 4,
                       "markPoint": {"symbol": "pin", "symbolSize": 40, "data": [
                           {"name": labels["peak"], "coord": [str(pk["year"]), pk["value"]], "value": labels["peak"]}]}})
        stack = f"band-{s.pk}"
        series.append({"name": f"{s.name} ±", "type": "line", "data": low, "stack": stack, "lineStyle": {"opacity": 0},
                       "symbol": "none", "areaStyle": {"opacity": 0}, "tooltip": {"show": False}})
        series.append({"name": f"{s.name} ±", "type": "line", "data": width, "stack": stack, "lineStyle": {"opacity": 0},
                       "symbol": "none", "areaStyle": {"color": color, "opacity": 0.12}, "tooltip": {"show": False}})
        legend.append(s.name)
    for t in data["targets"]:
        name = f"{labels['target']} {t['code']}"
        series.append({"name": name, "type": "line", "data": [t["milestones"].get(int(y)) for y in cats],
                       "lineStyle": {"color": "#8e44ad", "type": "dotted", "width": 2}, "itemStyle": {"color": "#8e44ad"},
                       "symbol": "diamond", "symbolSize": 7})
        legend.append(name)
    return {"tooltip": {"trigger": "axis"}, "legend": {"data": legend, "top": 0},
            "grid": {"left": 80, "right": 30, "top": 40, "bottom": 40},
            "xAxis": {"type": "category", "data": cats, "boundaryGap": False},
            "yAxis": {"type": "value", "name": "tCO₂e", "scale": True}, "series": series}
