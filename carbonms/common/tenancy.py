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

from dataclasses import dataclass
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


def sees_whole_parks(user, domain: str, action: str = "view") -> bool:
    """Does every assignment by which ``user`` may ``action`` records of ``domain`` cover a whole park (park
    staff, or a superuser)? Then what they see of a park's records is all of them, and a figure stored
    for the whole of a record set (a run's count of results, say) is theirs as it is."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    reach = [a for a in active_assignments(user) if role_allows(a.role, domain, action)]
    return bool(reach) and all(a.enterprise_id is None for a in reach)


# --- Relations: which records a record of a given scope may point to -------------------------------------------------
#
# A record of enterprise E (in park P) may relate only to E's records and to the records P shares with its
# enterprises (``scope_park_records_shared``), and only to users with an active role in E or park-wide in P.
# A park-level record (no enterprise) may relate to records of its park and to P's park-wide users. Some
# relations reach across the park on purpose (a source's supplier is another enterprise of the park): they are
# declared with ``reach="park"``. Forms (common.forms), serializers (common.api) and services all use the
# functions below, so a page, the API, a command and a background job apply the same rule.

ENTERPRISE_REACH = "enterprise"
PARK_REACH = "park"


@dataclass(frozen=True)
class Scope:
    """Where a record lives: its park and (None for a park-level record) its enterprise."""

    park_id: int | None
    enterprise_id: int | None = None

    @classmethod
    def of(cls, obj) -> Scope | None:
        """The scope of a Scope, a (park id, enterprise id) pair, a management ``System`` or a scoped record."""
        if obj is None or isinstance(obj, Scope):
            return obj
        if isinstance(obj, tuple):
            return cls(*obj)
        if hasattr(obj, "ids") and hasattr(obj, "park"):  # management.system.System
            return cls(*obj.ids)
        return cls(*obj.scope_ids())


def _user_model():
    from django.contrib.auth import get_user_model

    return get_user_model()


def _active_assignments_qs():
    from carbonms.accounts.models import RoleAssignment

    now = timezone.now()
    return (RoleAssignment.objects.filter(user__is_active=True)
            .filter(Q(valid_from__isnull=True) | Q(valid_from__lte=now))
            .filter(Q(valid_until__isnull=True) | Q(valid_until__gt=now)))


def _scope_assignment_q(scope: Scope) -> Q:
    park_wide = Q(park_id=scope.park_id, enterprise__isnull=True)
    return park_wide | Q(enterprise_id=scope.enterprise_id) if scope.enterprise_id is not None else park_wide


def scope_users(scope) -> QuerySet:
    """Users with an active role in the scope: the enterprise's users and the park's staff (park-level: staff only)."""
    scope = Scope.of(scope)
    ids = _active_assignments_qs().filter(_scope_assignment_q(scope)).values("user_id")
    return _user_model()._default_manager.filter(pk__in=ids)


def visible_users(user) -> QuerySet:
    """Users whom ``user`` may see and name: those with an active role inside one of ``user``'s scopes."""
    User = _user_model()
    if user is None or not user.is_authenticated or not user.is_active:
        return User._default_manager.none()
    if user.is_superuser:
        return User._default_manager.all()
    q = Q(pk__in=[])
    for a in active_assignments(user):
        q |= Q(park_id=a.park_id) if a.enterprise_id is None else Q(enterprise_id=a.enterprise_id)
    return User._default_manager.filter(pk__in=_active_assignments_qs().filter(q).values("user_id"))


def is_scoped_model(model) -> bool:
    return hasattr(model, "scope_park") and hasattr(model, "scope_domain")


def scope_filter(model, scope, reach: str = ENTERPRISE_REACH) -> Q:
    """The rows of a scoped ``model`` that a record of ``scope`` may relate to."""
    scope = Scope.of(scope)
    park_q = Q(**{model.scope_park: scope.park_id})
    ent_path = model.scope_enterprise
    if reach == PARK_REACH or scope.enterprise_id is None or ent_path is None:
        return park_q
    q = Q(**{ent_path: scope.enterprise_id})
    if getattr(model, "scope_park_records_shared", False):
        q |= Q(**{model.scope_park: scope.park_id, f"{ent_path}__isnull": True})
    return q


def related_queryset(queryset: QuerySet, user, scope=None, *, reach: str = ENTERPRISE_REACH) -> QuerySet:
    """Narrow the choices of a relation: what ``user`` may see, and (when known) what ``scope`` may point to.

    Users: those ``user`` may see, with a role in ``scope``. Scoped records: ``restrict(user, "view")`` and
    the scope rule. Any other model: nothing (deny by default; declare unscoped reference data explicitly).
    """
    model = queryset.model
    scope = Scope.of(scope)
    if model is _user_model():
        qs = queryset.filter(pk__in=visible_users(user).values("pk"))
        return qs.filter(pk__in=scope_users(scope).values("pk")) if scope is not None else qs
    if not is_scoped_model(model):
        return queryset.none()
    qs = restrict(queryset, user, "view")
    return qs.filter(scope_filter(model, scope, reach)) if scope is not None else qs


def in_scope(obj, scope, *, reach: str = ENTERPRISE_REACH) -> bool:
    """May a record of ``scope`` relate to ``obj`` (a scoped record or a user)?"""
    scope = Scope.of(scope)
    model = type(obj)
    if model is _user_model() or isinstance(obj, _user_model()):
        return bool(obj.is_superuser) or scope_users(scope).filter(pk=obj.pk).exists()
    if not is_scoped_model(model):
        return False
    park_id, ent_id = obj.scope_ids()
    if park_id != scope.park_id:
        return False
    if reach == PARK_REACH or scope.enterprise_id is None or model.scope_enterprise is None:
        return True
    return ent_id == scope.enterprise_id or (ent_id is None and getattr(model, "scope_park_records_shared", False))


def out_of_scope_message() -> str:
    """The answer to a related record outside the scope: the same as to a missing one."""
    from django.utils.translation import gettext

    return gettext("Select a valid choice. That choice is not one of the available choices.")


def require_related(scope, related: dict[str, Any], *, reach: dict[str, str] | None = None) -> None:
    """Refuse related records outside the record's scope with a ValidationError naming each field.

    ``related`` maps a field name to a record, None or an iterable of records (many-to-many). Services call it
    (directly or through :func:`require_related_of`) before saving, so commands and jobs obey the same rule as
    forms and the API.
    """
    from django.core.exceptions import ValidationError

    scope = Scope.of(scope)
    reach = reach or {}
    errors: dict[str, str] = {}
    for field, value in related.items():
        if value is None:
            continue
        values = value if isinstance(value, (list, tuple, set, frozenset, QuerySet)) else [value]
        if any(not in_scope(v, scope, reach=reach.get(field, ENTERPRISE_REACH)) for v in values):
            errors[field] = out_of_scope_message()
    if errors:
        raise ValidationError(errors)


def require_related_of(instance, *fields: str, m2m: dict[str, Any] | None = None, reach: dict[str, str] | None = None,
                       scope=None) -> None:
    """:func:`require_related` for the named foreign keys of ``instance`` (and the given many-to-many values)."""
    def value(name):
        attname = instance._meta.get_field(name).attname
        return None if getattr(instance, attname, None) is None else getattr(instance, name)

    related = {f: value(f) for f in fields}
    related.update(m2m or {})
    require_related(scope if scope is not None else Scope.of(instance), related, reach=reach)
