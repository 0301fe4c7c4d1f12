from __future__ import annotations

from django.utils.functional import SimpleLazyObject

from carbonms.common import tenancy

from . import nav


def _user_context(user) -> dict:
    from carbonms.organizations.models import Enterprise, Park

    assignments = tenancy.active_assignments(user)
    park_ids = [a.park_id for a in assignments if a.enterprise_id is None]
    ctx: dict = {"is_park_staff": bool(park_ids) or user.is_superuser}
    if user.is_superuser and not park_ids:
        ctx["home_park"] = Park.objects.order_by("pk").first()
    else:
        ctx["home_park"] = Park.objects.filter(pk__in=park_ids).order_by("pk").first() if park_ids else None
    if not ctx["is_park_staff"]:
        ent_ids = [a.enterprise_id for a in assignments if a.enterprise_id]
        ctx["home_enterprise"] = Enterprise.objects.select_related("park").filter(pk__in=ent_ids).order_by("pk").first()
        ctx["home_park"] = ctx["home_enterprise"].park if ctx["home_enterprise"] else None
    ent = ctx.get("home_enterprise")
    # What the shell offers is what the user may do (issue 9): e.g. the import only to those who may add data.
    ctx["can_add_data"] = bool(ent) and tenancy.can(user, "data", "add", park_id=ent.park_id, enterprise_id=ent.pk)
    ctx["roles"] = sorted({a.get_role_display() for a in assignments}, key=str)
    return ctx


def navigation(request) -> dict:
    """The shell's context: the user's home park or enterprise, roles and the navigation (computed lazily, once)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    cache: dict = {}

    def user_ctx() -> dict:
        if "ctx" not in cache:
            cache["ctx"] = _user_context(user)
        return cache["ctx"]

    return {"shell": SimpleLazyObject(user_ctx), "nav_groups": SimpleLazyObject(lambda: nav.build(user_ctx()))}
