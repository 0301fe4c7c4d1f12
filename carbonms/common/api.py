"""The base of every API endpoint: the same tenancy rules as the pages.

Lists are ``Model.objects.restrict(user, "view")``; one object is fetched with the action the HTTP
method needs (404 outside the user's scope, 403 when the role does not allow it). Writes go through
services; a service's ValidationError becomes a 400 with field messages.
"""
from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from . import services, tenancy

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


class ScopedAPIView(APIView):
    """An endpoint that is not one model's CRUD (a chart, a live figure, a rollup): it reads through
    selectors that start from ``restrict(user, …)`` and fetches any record named in the URL with
    ``tenancy.get_for_user``; writes call services. Same authentication and permission as the viewsets."""


class WorkflowViewSetMixin:
    """``GET …/{id}/transition/``: the record's status and the steps the caller may take now (with the
    reason for each other step); ``POST …/{id}/transition/ {"step": …, <inputs>}`` takes a step through
    the workflow's declaration (carbonms/common/workflow.py) and the same service as the page."""

    @extend_schema(request=OpenApiTypes.OBJECT, responses=OpenApiTypes.OBJECT)
    @action(detail=True, methods=["get", "post"])
    def transition(self, request, pk=None):
        from .workflow import workflow_of

        wf = workflow_of(self.queryset.model)
        obj = tenancy.get_for_user(self.base_queryset(), request.user, pk, "view")
        if request.method == "GET":
            return Response(wf.describe(request.user, obj))
        step = request.data.get("step")
        if step not in wf.names():
            raise ValidationError({"step": [_("Choose one of: %(steps)s.") % {"steps": ", ".join(wf.names())}]})
        wf.require_permission(request.user, obj, step)
        try:
            result = wf.run(step, actor=request.user, obj=obj, data=request.data)
        except DjangoValidationError as exc:
            raise as_api_error(exc)
        result = result if isinstance(result, type(obj)) else obj
        result.refresh_from_db()
        return Response(self.get_serializer(result).data, status=201 if result.pk != obj.pk else 200)
