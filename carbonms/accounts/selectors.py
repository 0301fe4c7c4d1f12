"""Reads of users and role assignments, through the tenancy mechanism."""
from __future__ import annotations

from carbonms.common import tenancy

from .models import RoleAssignment


def assignments_for(user):
    return RoleAssignment.objects.restrict(user, "view").select_related("user", "park", "enterprise").order_by(
        "park__name", "enterprise__name", "user__username", "role")


def grantable_scopes(user) -> list[tuple[str, object, object]]:
    """(key, park, enterprise) where ``user`` may grant roles: the whole park and/or single enterprises."""
    from carbonms.organizations.models import Enterprise, Park

    out = []
    for park in Park.objects.restrict(user, "view"):
        if tenancy.can(user, "accounts", "add", park_id=park.pk):
            out.append((f"p{park.pk}", park, None))
        for e in Enterprise.objects.restrict(user, "view").filter(park=park).order_by("-kind", "name"):
            if tenancy.can(user, "accounts", "add", park_id=park.pk, enterprise_id=e.pk):
                out.append((f"e{e.pk}", park, e))
    return out
