"""The standards' clause lists with the implementation status of each clause (the clause map, live)."""
from __future__ import annotations

from django.http import Http404

from carbonms.common.views import ScopedPageView

from . import catalogue


def _status_counts(std, impl) -> dict:
    return catalogue.status_counts(std, impl)


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
        effective = catalogue.effective_implementation(std, impl)
        # Users see the clause and its status; implementation notes, module and test paths are for
        # developers and stay in docs/standards-map.md.
        rows = [{"clause": c, "status": effective[c.number].status, "derived": bool(std.children(c.number)),
                 "depth": c.number.count(".")} for c in std.clauses]
        ctx.update(std=std, rows=rows, counts=_status_counts(std, impl))
        return ctx
