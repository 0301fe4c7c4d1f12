"""Reads of the change history, always through the tenancy filter."""
from __future__ import annotations

from django.contrib.contenttypes.models import ContentType

from carbonms.common import tenancy

from .models import ChangeRecord


def changes_for(user, *, model: str = "", action: str = "", user_name: str = ""):
    qs = ChangeRecord.objects.restrict(user).select_related("content_type", "user")
    if model:
        app_label, _, model_name = model.partition(".")
        qs = qs.filter(content_type__app_label=app_label, content_type__model=model_name)
    if action:
        qs = qs.filter(action=action)
    if user_name:
        qs = qs.filter(user_name=user_name)
    return qs


def record_history(user, content_type: ContentType, object_id: int):
    """History of one record; 404 unless the user may see the record itself (ids are integers: the URL
    accepts only digits, so a non-numeric id is a 404 before any query)."""
    model = content_type.model_class()
    if model is None or not hasattr(model, "scope_domain"):
        from django.http import Http404

        raise Http404
    live = model._default_manager.filter(pk=object_id)
    if live.exists():
        tenancy.get_for_user(model, user, object_id)  # 404 outside the user's scope
        return ChangeRecord.objects.filter(content_type=content_type, object_id=str(object_id)).select_related("user")
    # A deleted record: its history is visible where its last scope allows.
    return ChangeRecord.objects.restrict(user).filter(content_type=content_type, object_id=str(object_id))


def model_choices(user) -> list[tuple[str, str]]:
    cts = ContentType.objects.filter(
        pk__in=ChangeRecord.objects.restrict(user).values("content_type").distinct()
    ).order_by("app_label", "model")
    return [(f"{ct.app_label}.{ct.model}", str(ct.model_class()._meta.verbose_name) if ct.model_class() else ct.model) for ct in cts]
