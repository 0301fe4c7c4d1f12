"""Pages of lists, for the API and the server-rendered pages.

API: ``?limit`` is capped at :data:`MAX_PAGE_SIZE`; a bad ``limit`` or ``offset`` falls back to the default
page instead of reaching the database (an unbounded or 64-bit-overflowing slice). Lists are ordered by
local, indexed columns (:func:`local_ordering`): a default ordering through a relation (``run`` ordered by
the run's own ordering, ``source__code``) would join and sort the whole table before the first page.

Pages: :func:`paginate` gives at most :data:`PAGE_ROWS_MAX` rows a page, with server-side search (``?q``)
and sort (``?sort``, one of the keys the view declares; ``-key`` descending); ``web/_pager.html`` shows
the links, keeping the other parameters.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.db.models import Q, QuerySet
from rest_framework.pagination import LimitOffsetPagination

MAX_PAGE_SIZE = 1000
#: The most rows a server-rendered page shows at once.
PAGE_ROWS_MAX = 100
PAGE_ROWS = 50


class CappedLimitOffsetPagination(LimitOffsetPagination):
    max_limit = MAX_PAGE_SIZE

    def get_offset(self, request):
        # DRF caps the limit (max_limit) but not the offset; an offset beyond any table is an empty page.
        return min(super().get_offset(request), 2**62)


def local_ordering(qs: QuerySet) -> QuerySet:
    """``qs`` ordered by its own columns only: a relation in the ordering becomes its id column (``run`` ->
    ``run_id``), a path through a relation (``source__code``) is dropped, and the primary key ends it."""
    model = qs.model
    terms = list(qs.query.order_by) or list(model._meta.ordering)
    out: list[str] = []
    for term in terms:
        if not isinstance(term, str):
            continue  # an expression: drop it (the default orderings of our models are names)
        desc, name = term.startswith("-"), term.lstrip("-")
        if "__" in name or name == "?":
            continue
        if name == "pk":
            name = model._meta.pk.attname
        try:
            field = model._meta.get_field(name)
        except Exception:  # an annotation: leave it
            out.append(term)
            continue
        col = getattr(field, "attname", name) if field.concrete else None
        if col is None:
            continue
        out.append(("-" if desc else "") + col)
    pk = model._meta.pk.attname
    if pk not in {t.lstrip("-") for t in out}:
        out.append(pk)
    return qs.order_by(*out)


@dataclass
class ListPage:
    """A page of a list: the rows, the paginator's page, and the parameters to keep in the links."""

    page: Page
    q: str
    sort: str
    filters: dict

    @property
    def rows(self):
        return self.page.object_list


def paginate(request, qs: QuerySet, *, sorts: Mapping[str, Iterable[str]], default: str,
             search: Iterable[str] = (), per_page: int = PAGE_ROWS, keep: Iterable[str] = (), count: int | None = None) -> ListPage:
    """One page of ``qs`` for the request's ``?page``, ``?q`` and ``?sort``.

    ``sorts`` maps a sort key to its ordering (the last term should be unique, e.g. the primary key);
    ``search`` names the fields ``?q`` looks in (case-insensitive substring); ``keep`` names other query
    parameters the page links carry. ``count``: the number of rows when the caller knows it already (the
    paginator then does not count).
    """
    q = request.GET.get("q", "").strip()[:200]
    if q and search:
        cond = Q()
        for name in search:
            cond |= Q(**{f"{name}__icontains": q})
        qs = qs.filter(cond)
    sort = request.GET.get("sort", "")
    if sort.lstrip("-") not in sorts:
        sort = default
    terms = list(sorts[sort.lstrip("-")])
    if sort.startswith("-"):
        terms = [t[1:] if t.startswith("-") else "-" + t for t in terms]
    paginator = Paginator(qs.order_by(*terms), min(per_page, PAGE_ROWS_MAX))
    if count is not None and not q:
        paginator.count = count  # cached_property: set, it is not counted again
    page = paginator.get_page(request.GET.get("page"))
    page.object_list = list(page.object_list)
    filters = {k: request.GET[k] for k in keep if request.GET.get(k)}
    if q:
        filters["q"] = q
    if sort != default:
        filters["sort"] = sort
    return ListPage(page=page, q=q, sort=sort, filters=filters)
