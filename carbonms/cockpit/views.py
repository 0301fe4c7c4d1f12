"""The park and enterprise home pages that lead with carbon (issue 14 item 6). Thin: the figures come from
``selectors``; the charts are ECharts options serialised with json_script."""
from __future__ import annotations

from django.utils.translation import gettext as _

from carbonms.common.views import Parent, ScopedPageView
from carbonms.organizations.models import Enterprise, Park

from . import selectors

PALETTE = {"bar": "#0e7c66", "target": "#f59e0b", "base": "#94a3b8"}


def trend_chart(head: dict, target=None) -> dict:
    """Bars: the gross emissions of each statement in force; dashed line: the target pathway, when there is one."""
    series = head.get("series") or []
    years = [s["year"] for s in series]
    points = selectors.pathway_points(target) if target is not None else []
    years = sorted(set(years) | {y for y, _v in points})
    gross = {s["year"]: s["gross"] for s in series}
    out = [{"name": _("Emissions (statement in force)"), "type": "bar", "barMaxWidth": 34,
            "itemStyle": {"color": PALETTE["bar"], "borderRadius": [4, 4, 0, 0]},
            "data": [round(gross[y], 1) if gross.get(y) is not None else None for y in years]}]
    if points:
        pts = dict(points)
        out.append({"name": _("Target pathway"), "type": "line", "connectNulls": True, "symbolSize": 7,
                    "lineStyle": {"type": "dashed", "width": 2}, "itemStyle": {"color": PALETTE["target"]},
                    "data": [round(pts[y], 1) if y in pts else None for y in years]})
    return {"tooltip": {"trigger": "axis"}, "legend": {"bottom": 0, "textStyle": {"fontSize": 11}},
            "grid": {"left": 72, "right": 16, "top": 36, "bottom": 44},
            "xAxis": {"type": "category", "data": [str(y) for y in years]},
            "yAxis": {"type": "value", "name": "tCO₂e", "nameTextStyle": {"fontSize": 11},
                      "splitLine": {"lineStyle": {"color": "#eef2f4"}}},
            "series": out}


def coverage_chart(cov: dict) -> dict:
    data = [{"name": _("Year closed"), "value": cov["closed"], "itemStyle": {"color": "#0e7c66"}},
            {"name": _("Data submitted"), "value": cov["submitted"], "itemStyle": {"color": "#34d399"}},
            {"name": _("Nothing yet"), "value": cov["missing"], "itemStyle": {"color": "#e2e8f0"}}]
    return {"tooltip": {"trigger": "item"}, "legend": {"bottom": 0, "textStyle": {"fontSize": 11}},
            "series": [{"type": "pie", "radius": ["52%", "74%"], "center": ["50%", "44%"], "label": {"show": False},
                        "itemStyle": {"borderColor": "#fff", "borderWidth": 2}, "data": data}]}


class ParkCockpitView(ScopedPageView):
    """The park's home page (park staff): total, trend, targets, intensity, renewable share, coverage, market,
    ranking and alerts."""

    template_name = "cockpit/park.html"
    parent = Parent("park_pk", Park, "park")
    park_staff_only = True

    def get_template_names(self):
        return ["cockpit/_ranking.html"] if self.request.htmx else [self.template_name]

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        c = selectors.park_cockpit(self.request.user, self.park, self.request)
        ctx.update(c, trend=trend_chart(c["head"], c["targets"]["pathway"]), coverage_option=coverage_chart(c["coverage"]),
                   listing=c["ranking"])
        return ctx


class EnterpriseCockpitView(ScopedPageView):
    """An enterprise's home page: the same figures for one enterprise."""

    template_name = "cockpit/enterprise.html"
    parent = Parent("enterprise_pk", Enterprise, "enterprise", select_related=("park",))

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        c = selectors.enterprise_cockpit(self.request.user, self.enterprise)
        ctx.update(c, trend=trend_chart(c["head"], c["targets"]["pathway"]))
        return ctx
