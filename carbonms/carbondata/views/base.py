"""Declarations shared by the carbon data pages: records are fetched through the tenancy mechanism only."""
from __future__ import annotations

from django.utils import timezone

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
    try:
        y = int(request.GET.get("year") or request.POST.get("year") or 0)
    except ValueError:
        y = 0
    return y if 2000 <= y <= 2100 else timezone.localdate().year - 1
