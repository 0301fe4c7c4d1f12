"""The standards' clause lists with the implementation status of each clause (the clause map, live)."""
from __future__ import annotations

from django.http import Http404

from carbonms.common.views import ScopedPageView

from . import catalogue


def _status_counts(std, impl) -> dict:
    counts = {"implemented": 0, "partial": 0, "not_yet": 0}
    for c in std.clauses:
        counts[catalogue.implementation_of(c, impl).status] += 1
    return counts


class StandardListView(ScopedPageView):
    template_name = "standards/list.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        impl = catalogue.load_implementation()
        ctx["standards"] = [{"std": s, "counts": _status_counts(s, impl)} for s in catalogue.load_standards()]
        return ctx


class StandardDetailView(ScopedPageView):
    template_name = "standards/detail.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        try:
            std = catalogue.get_standard(self.kwargs["std_id"])
        except (KeyError, catalogue.CatalogueError):
            raise Http404
        impl = catalogue.load_implementation()
        rows = []
        for c in std.clauses:
            entry = catalogue.implementation_of(c, impl)
            rows.append({"clause": c, "status": entry.status, "modules": entry.modules, "tests": entry.tests,
                         "note": entry.note, "depth": c.number.count(".")})
        ctx.update(std=std, rows=rows, counts=_status_counts(std, impl))
        return ctx
