"""Reads of the management system; every queryset starts from ``restrict(user, action)``."""
from __future__ import annotations

from django.db.models import ProtectedError  # noqa: F401
from django.utils import timezone

from carbonms.common import tenancy

from . import registers
from .documents import Document, DocumentVersion
from .models import Policy
from .system import System


def systems_for(user) -> list[System]:
    """Every management system the user can open: their park's own (park staff) and each enterprise."""
    from carbonms.organizations.models import Enterprise, Park

    out = []
    for park in Park.objects.restrict(user).order_by("name"):
        if tenancy.is_park_member(user, park.pk):
            out.append(System(park, None))
    for ent in Enterprise.objects.restrict(user).select_related("park").order_by("park__name", "-kind", "name")[:200]:
        out.append(System(ent.park, ent))
    return out


def policy_in_force(system: System) -> Policy | None:
    return system.filter(Policy.objects.filter(status=Policy.Status.APPROVED)).first()


def register_queryset(user, system: System, register):
    qs = system.filter(register.model.objects.restrict(user))
    related = [c for c in register.columns if register.model._meta.get_field(c).is_relation
               and not register.model._meta.get_field(c).many_to_many]
    if related:
        qs = qs.select_related(*related)
    return qs


def register_listing(register) -> dict:
    """Sorts and search of a register's list page (common.pagination): by each of its own columns, searched in
    its text columns; by default in the register's ordering."""
    meta = register.model._meta
    fields = [meta.get_field(c) for c in register.columns]
    sorts = {"default": (*meta.ordering, "id")}
    sorts.update({f.name: (f.name, "id") for f in fields if f.concrete and not f.many_to_many and not f.is_relation})
    search = tuple(f.name for f in fields if f.get_internal_type() in ("CharField", "TextField") and not f.choices)
    return {"sorts": sorts, "default": "default", "search": search}


def register_rows(objects, register):
    rows = []
    for obj in objects:
        rows.append({"obj": obj, "cells": [display(obj, c) for c in register.columns],
                     "overdue": getattr(obj, "review_overdue", False)})
    return rows


def display(obj, name: str):
    field = obj._meta.get_field(name)
    if field.many_to_many:
        return "、".join(str(o) for o in getattr(obj, name).all()) or "—"
    if field.choices:
        return getattr(obj, f"get_{name}_display")() or "—"
    value = getattr(obj, name)
    if isinstance(value, bool):
        return "✓" if value else "—"
    return value if value not in (None, "") else "—"


def facts(obj, names: list[str]) -> list[tuple[str, object]]:
    return [(obj._meta.get_field(n).verbose_name, display(obj, n)) for n in names]


def dependents(obj) -> list[str]:
    """Records that refer to ``obj`` through a protected foreign key (they stop its deletion)."""
    out = []
    for rel in obj._meta.related_objects:
        if rel.one_to_many and getattr(rel.on_delete, "__name__", "") == "PROTECT":
            n = getattr(obj, rel.get_accessor_name()).count()
            if n:
                out.append(f"{rel.related_model._meta.verbose_name_plural}: {n}")
    return out


def system_overview(user, system: System) -> dict:
    today = timezone.localdate()
    cards = []
    for r in registers.REGISTERS.values():
        qs = system.filter(r.model.objects.restrict(user))
        overdue = qs.filter(next_review_on__lt=today).exclude(status="closed").count() if hasattr(r.model, "next_review_on") else 0
        cards.append({"register": r, "count": qs.count(), "overdue": overdue})
    docs = system.filter(Document.objects.restrict(user))
    return {
        "cards": cards,
        "policy": policy_in_force(system),
        "documents": docs.count(),
        "documents_in_force": system.filter(DocumentVersion.objects.restrict(user)).filter(status="in_force").count(),
    }
