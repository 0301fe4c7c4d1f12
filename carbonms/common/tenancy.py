"""The one tenancy mechanism.

Every queryset that reaches a user goes through :func:`restrict` (``Model.objects.restrict(user,
action)``), every single object through :func:`get_for_user`. A user sees a record when one of their
active role assignments covers the record's park (park-wide assignment) or its enterprise
(enterprise assignment) *and* the role grants the action on the record's domain. Everything else is
denied: no assignment means no rows. An object outside the user's view scope raises ``Http404``; one
the user can see but not act on raises ``PermissionDenied`` (403).

Models opt in by inheriting :class:`carbonms.common.models.ScopedModel` and declaring
``scope_park`` / ``scope_enterprise`` lookups (paths to the park id and enterprise id) and
``scope_domain``. Two opt-ins widen *viewing* only: ``scope_visible_to_members`` (a park-level model
whose record an enterprise's users may read, e.g. their park) and ``scope_park_records_shared`` (rows
with no enterprise, kept by the park for all its enterprises, e.g. the park's own emission factors).
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from carbonms.accounts.roles import role_allows

if TYPE_CHECKING:  # pragma: no cover
    from carbonms.accounts.models import RoleAssignment

_CACHE_ATTR = "_carbonms_assignments"


def active_assignments(user) -> list[RoleAssignment]:
    """The user's role assignments in force now (cached on the user object for one request)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return []
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is not None:
        return cached
    from carbonms.accounts.models import RoleAssignment

    now = timezone.now()
    assignments = list(
        RoleAssignment.objects.filter(user=user)
        .filter(Q(valid_from__isnull=True) | Q(valid_from__lte=now))
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gt=now))
    )
    setattr(user, _CACHE_ATTR, assignments)
    return assignments


def forget_assignments(user) -> None:
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


def scope_q(model, user, action: str = "view") -> Q | None:
    """The filter that limits ``model`` rows to what ``user`` may ``action``; None means all rows."""
    if user is not None and user.is_authenticated and user.is_active and user.is_superuser:
        return None
    park_path: str = model.scope_park
    ent_path: str | None = model.scope_enterprise
    domain: str = model.scope_domain
    q = Q(pk__in=[])
    for a in active_assignments(user):
        if not role_allows(a.role, domain, action):
            continue
        if a.enterprise_id is None:
            q |= Q(**{park_path: a.park_id})
        elif ent_path is not None:
            q |= Q(**{ent_path: a.enterprise_id})
            if action == "view" and getattr(model, "scope_park_records_shared", False):
                # Park-wide records (no enterprise) that the park shares with its enterprises, e.g. park factors.
                q |= Q(**{park_path: a.park_id, f"{ent_path}__isnull": True})
        elif getattr(model, "scope_visible_to_members", False) and action == "view":
            # e.g. an enterprise's users may read their own park's basic record.
            q |= Q(**{park_path: a.park_id})
    return q


def restrict(queryset: QuerySet, user, action: str = "view") -> QuerySet:
    q = scope_q(queryset.model, user, action)
    return queryset if q is None else queryset.filter(q)


def get_for_user(queryset_or_model: Any, user, pk: Any, action: str = "view"):
    """Fetch one object for ``user``: 404 if outside their view scope, 403 if they may not ``action`` it."""
    qs = queryset_or_model if isinstance(queryset_or_model, QuerySet) else queryset_or_model._default_manager.all()
    try:
        obj = restrict(qs, user, "view").get(pk=pk)
    except (qs.model.DoesNotExist, ValueError, TypeError):
        raise Http404
    if action != "view" and not restrict(qs.model._default_manager.filter(pk=obj.pk), user, action).exists():
        raise PermissionDenied
    return obj


def can(user, domain: str, action: str, *, park_id: int, enterprise_id: int | None = None) -> bool:
    """May ``user`` ``action`` records of ``domain`` that belong to this park (and enterprise)?

    Used for creating records, where no object exists yet to restrict.
    """
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    for a in active_assignments(user):
        if a.park_id != park_id or not role_allows(a.role, domain, action):
            continue
        if a.enterprise_id is None or (enterprise_id is not None and a.enterprise_id == enterprise_id):
            return True
    return False


def require(user, domain: str, action: str, *, park_id: int, enterprise_id: int | None = None) -> None:
    if not can(user, domain, action, park_id=park_id, enterprise_id=enterprise_id):
        raise PermissionDenied


def is_park_member(user, park_id: int) -> bool:
    """Has a park-wide assignment (park staff) in this park."""
    return bool(user.is_superuser) or any(
        a.park_id == park_id and a.enterprise_id is None for a in active_assignments(user)
    )
