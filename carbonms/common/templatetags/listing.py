"""Template side of paginated lists (common.pagination.paginate).

``{% load listing %}``
``{% sort_link listing "name" _("Name") %}``: a column header that sorts by ``name`` (again: descending).
``{% include "common/_list_search.html" %}`` and ``{% include "web/_pager.html" with page=listing.page filters=listing.filters %}``.
"""
from __future__ import annotations

from urllib.parse import urlencode

from django import template
from django.utils.html import format_html

register = template.Library()


@register.simple_tag
def sort_link(listing, key: str, label):
    params = {k: v for k, v in listing.filters.items() if k != "sort"}
    current = listing.sort
    params["sort"] = "-" + key if current == key else key
    mark = " ▲" if current == key else " ▼" if current == "-" + key else ""
    return format_html('<a href="?{}">{}{}</a>', urlencode(params), label, mark)
