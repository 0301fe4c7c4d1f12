"""ECharts options of the monitoring pages (serialised with json_script; rendered by web/app.js)."""
from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _

from .timeutil import LOCAL_TZ, day_bounds

FLAG_COLOURS = {"gap": "rgba(239,68,68,0.10)", "low_completeness": "rgba(239,68,68,0.18)", "spike": "rgba(245,158,11,0.18)",
                "flatline": "rgba(100,116,139,0.18)", "negative_delta": "rgba(139,92,246,0.18)",
                "rollover": "rgba(37,99,235,0.12)", "clock_skew": "rgba(20,184,166,0.18)"}


def meter_chart(meter, hours: list[dict], days, start: dt.date, end: dt.date, labels: dict) -> dict:
    """Hourly line with breaks at missing hours, flagged days as shaded areas, zoomable."""
    lo, hi = day_bounds(start)[0], day_bounds(end)[1]
    by_hour = {h["t"]: h for h in hours}
    data, t = [], lo
    while t < hi:
        h = by_hour.get(t)
        data.append([int(t * 1000), round(h["value"], 6) if h else None])
        t += 3600
    areas = []
    for d in days:
        if not d.flags:
            continue
        a, b = day_bounds(d.day)
        kinds = [f["kind"] for f in d.flags]
        areas.append([{"xAxis": int(a * 1000), "name": " · ".join(str(labels.get(k, k)) for k in kinds),
                       "itemStyle": {"color": FLAG_COLOURS.get(kinds[0], "rgba(239,68,68,0.1)")}},
                      {"xAxis": int(b * 1000)}])
    return {
        "tooltip": {"trigger": "axis"},
        "grid": {"left": 60, "right": 20, "top": 30, "bottom": 70},
        "xAxis": {"type": "time"},
        "yAxis": {"type": "value", "name": meter.unit},
        "dataZoom": [{"type": "inside"}, {"type": "slider", "height": 22, "bottom": 10}],
        "series": [{"type": "line", "name": _("Hourly"), "data": data, "showSymbol": False, "connectNulls": False,
                    "lineStyle": {"width": 1.5}, "color": "#0e7c66",
                    "markArea": {"silent": False, "label": {"show": True, "fontSize": 10, "position": "insideTop"}, "data": areas}}],
    }


def daily_chart(meter, days) -> dict:
    """Daily consumption, measured and substituted stacked (substituted values are marked)."""
    x = [d.day.isoformat() for d in days]
    return {
        "tooltip": {"trigger": "axis"},
        "legend": {"bottom": 0},
        "grid": {"left": 60, "right": 20, "top": 30, "bottom": 60},
        "xAxis": {"type": "category", "data": x},
        "yAxis": {"type": "value", "name": meter.unit},
        "dataZoom": [{"type": "inside"}],
        "series": [
            {"type": "bar", "stack": "d", "name": _("Measured"), "data": [round(d.measured, 4) for d in days], "color": "#0e7c66"},
            {"type": "bar", "stack": "d", "name": _("Substituted"), "data": [round(d.substituted, 4) for d in days], "color": "#f59e0b"},
        ],
    }


def heatmap_chart(hm: dict) -> dict:
    days, meters, cells = hm["days"], hm["meters"], hm["cells"]
    today = dt.datetime.now(LOCAL_TZ).date()
    data = []
    for y, m in enumerate(meters):
        for x, d in enumerate(days):
            if d > today:
                continue
            data.append([x, y, round(cells.get((m.pk, d), 0.0) * 100, 1)])
    return {
        "tooltip": {"position": "top"},
        "grid": {"left": 140, "right": 20, "top": 20, "bottom": 80},
        "xAxis": {"type": "category", "data": [d.strftime("%m-%d") for d in days], "splitArea": {"show": True}},
        "yAxis": {"type": "category", "data": [f"{m.code}" for m in meters], "splitArea": {"show": True}},
        "visualMap": {"type": "piecewise", "orient": "horizontal", "left": "center", "bottom": 0,
                      "pieces": [{"min": 0, "max": 0, "label": _("no data"), "color": "#e5e7eb"},
                                 {"gt": 0, "lt": 90, "label": "< 90 %", "color": "#ef4444"},
                                 {"gte": 90, "lt": 100, "label": "90–99 %", "color": "#a3e635"},
                                 {"gte": 100, "label": "100 %", "color": "#0e7c66"}]},
        "series": [{"type": "heatmap", "data": data, "label": {"show": False}}],
    }
