"""Mixins shared by the carbon data pages: records are fetched through the tenancy mechanism only."""
from __future__ import annotations

from django.utils import timezone

from carbonms.common import params, tenancy
from carbonms.organizations.models import Enterprise


class EnterpriseMixin:
    """``self.enterprise`` fetched for the user with ``enterprise_action`` on the data domain."""

    enterprise_action = "view"

    def dispatch(self, request, *args, **kwargs):
        self.enterprise = tenancy.get_for_user(Enterprise.objects.select_related("park"), request.user,
                                               kwargs["enterprise_pk"], "view")
        if self.enterprise_action != "view":
            tenancy.require(request.user, "data", self.enterprise_action, park_id=self.enterprise.park_id,
                            enterprise_id=self.enterprise.pk)
        self.cancel_url = getattr(self, "cancel_url", None) or self.enterprise.get_absolute_url()
        return super().dispatch(request, *args, **kwargs)

    def can(self, action: str) -> bool:
        return tenancy.can(self.request.user, "data", action, park_id=self.enterprise.park_id, enterprise_id=self.enterprise.pk)


class ObjectMixin:
    """``self.object`` fetched for the user with ``action`` (404 outside the scope, 403 without the right)."""

    model = None
    action = "view"

    def dispatch(self, request, *args, **kwargs):
        self.object = tenancy.get_for_user(self.model, request.user, kwargs["pk"], self.action)
        self.cancel_url = self.object.get_absolute_url()
        return super().dispatch(request, *args, **kwargs)


def year_param(request) -> int:
    """The year of the query string or form, last year when none is given; a malformed or out-of-range
    year is a 400 naming it (never a silent fallback to another year's data)."""
    raw = request.GET.get("year") or request.POST.get("year") or ""
    if not raw:
        return timezone.localdate().year - 1
    return params.Int(2000, 2100).parse("year", raw)
