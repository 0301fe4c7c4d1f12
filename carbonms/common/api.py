"""The base of every API endpoint: the same tenancy rules as the pages.

Lists are ``Model.objects.restrict(user, "view")``; one object is fetched with the action the HTTP
method needs (404 outside the user's scope, 403 when the role does not allow it). Writes go through
services; a service's ValidationError becomes a 400 with field messages.
"""
from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import serializers, viewsets
from rest_framework.exceptions import ValidationError

from . import params, services, tenancy

ACTIONS = {
    "list": "view", "retrieve": "view", "create": "add", "update": "change", "partial_update": "change",
    "destroy": "delete",
}


def as_api_error(exc: DjangoValidationError) -> ValidationError:
    if hasattr(exc, "error_dict"):
        return ValidationError({k: [str(m) for e in v for m in e.messages] for k, v in exc.error_dict.items()})
    return ValidationError({"non_field_errors": [str(m) for m in exc.messages]})


class ScopedRelatedField(serializers.PrimaryKeyRelatedField):
    """A foreign key that accepts only records the caller can see; others read as 'does not exist'."""

    def get_queryset(self):
        request = self.context.get("request")
        qs = super().get_queryset()
        return qs.restrict(request.user, "view") if request is not None else qs.none()


class ScopedModelViewSet(viewsets.ModelViewSet):
    """Subclasses set ``queryset`` and implement ``create_record`` / ``update_record`` with services."""

    def base_queryset(self):
        return self.queryset.model._default_manager.all()

    def handle_exception(self, exc):
        if isinstance(exc, params.BadParameter):  # a bad query parameter: 400 naming it
            exc = ValidationError({exc.name: [exc.message]})
        return super().handle_exception(exc)

    def get_queryset(self):
        qs = self.base_queryset()
        return qs.restrict(self.request.user, "view") if hasattr(qs, "restrict") else tenancy.restrict(qs, self.request.user)

    def get_object(self):
        obj = tenancy.get_for_user(
            self.base_queryset(), self.request.user, self.kwargs[self.lookup_url_kwarg or self.lookup_field],
            ACTIONS.get(self.action, "view"),
        )
        return obj

    def perform_create(self, serializer):
        try:
            serializer.instance = self.create_record(serializer.validated_data)
        except DjangoValidationError as exc:
            raise as_api_error(exc)

    def perform_update(self, serializer):
        try:
            serializer.instance = self.update_record(serializer.instance, serializer.validated_data)
        except DjangoValidationError as exc:
            raise as_api_error(exc)

    def perform_destroy(self, instance):
        try:
            services.record_delete(actor=self.request.user, obj=instance)
        except DjangoValidationError as exc:
            raise as_api_error(exc)

    def create_record(self, data):  # pragma: no cover - abstract
        raise NotImplementedError

    def update_record(self, instance, data):  # pragma: no cover - abstract
        raise NotImplementedError
