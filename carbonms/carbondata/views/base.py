"""Declarations shared by the carbon data pages: records are fetched through the tenancy mechanism only."""
from __future__ import annotations

from django.utils import timezone

from carbonms.common import params
from carbonms.common.views import Parent, ScopedViewMixin
from carbonms.organizations.models import Enterprise, Park

ENTERPRISE = Parent("enterprise_pk", Enterprise, "enterprise", select_related=("park",))
PARK = Parent("park_pk", Park, "park")


class EnterpriseMixin(ScopedViewMixin):
    """A page of the enterprise named by ``enterprise_pk``; ``requires = ("data", "add")`` for writers."""

    parent = ENTERPRISE
    domain = "data"


class ObjectMixin(ScopedViewMixin):
    """A page of ``self.object`` (``model``, fetched with ``action``); cancel goes back to it."""


def year_param(request) -> int:
    """The year of the query string or form, last year when none is given; a malformed or out-of-range
    year is a 400 naming it (never a silent fallback to another year's data)."""
    raw = request.GET.get("year") or request.POST.get("year") or ""
    if not raw:
        return timezone.localdate().year - 1
    return params.Int(2000, 2100).parse("year", raw)
