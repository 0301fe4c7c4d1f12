"""The base of every API endpoint: the same tenancy rules as the pages.

Lists are ``Model.objects.restrict(user, "view")``; one object is fetched with the action the HTTP
method needs (404 outside the user's scope, 403 when the role does not allow it). Writes go through
services; a service's ValidationError becomes a 400 with field messages.
"""
from __future__ import annotations

from collections.abc import Mapping

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from . import params, services, tenancy
from .pagination import local_ordering

ACTIONS = {
    "list": "view", "retrieve": "view", "create": "add", "update": "change", "partial_update": "change",
    "destroy": "delete",
}


def body(request) -> Mapping:
    """The request's body as a mapping (the fields of a workflow step or an action); any other JSON (a list, a
    number) is a 400 naming the problem, not an ``AttributeError`` on ``.get``."""
    if not isinstance(request.data, Mapping):
        raise ValidationError({"non_field_errors": [_("The body must be a JSON object of fields.")]})
    return request.data


def as_api_error(exc: DjangoValidationError) -> ValidationError:
    if hasattr(exc, "error_dict"):
        return ValidationError({k: [str(m) for e in v for m in e.messages] for k, v in exc.error_dict.items()})
    return ValidationError({"non_field_errors": [str(m) for m in exc.messages]})


class ScopedRelatedField(serializers.PrimaryKeyRelatedField):
    """A foreign key that accepts only records the caller can see; others read as 'does not exist'.

    ``ScopedModelSerializer`` restricts every relation field this way; declaring a field with this class is
    only needed to override the model field's options (``allow_null``, ``required``…).
    """

    def get_queryset(self):
        request = self.context.get("request")
        qs = super().get_queryset()
        return tenancy.related_queryset(qs, request.user) if request is not None else qs.none()


def _writable_relations(fields) -> dict:
    """name -> (field, related field) of every writable relation (many-to-many: its child relation)."""
    out = {}
    for name, field in fields.items():
        if field.read_only:
            continue
        if isinstance(field, serializers.ManyRelatedField):
            out[name] = (field, field.child_relation)
        elif isinstance(field, serializers.RelatedField):
            out[name] = (field, field)
    return out


class ScopedSerializerMixin:
    """Every writable relation field holds only records the caller may see, and only the record's scope.

    At bind time (``get_fields``), each ``PrimaryKeyRelatedField`` / ``SlugRelatedField`` / many-related field
    is narrowed with ``tenancy.related_queryset(qs, request.user)``: a foreign id is answered "does not
    exist", exactly like a missing one. In ``validate`` every related record is checked against the record's
    scope (the instance's, or the ``enterprise`` / ``park`` given), with the same answer. Relations that reach
    the whole park are listed in ``scope_reach``; there is no request, there are no choices.
    """

    scope_reach: dict[str, str] = {}
    #: fields that give the scope of a new record, in order of precedence
    scope_fields: tuple[str, ...] = ("enterprise", "park")

    def get_fields(self):
        fields = super().get_fields()
        request = self.context.get("request") if hasattr(self, "context") else None
        user = getattr(request, "user", None)
        for _outer, field in _writable_relations(fields).values():
            if isinstance(field, ScopedRelatedField):
                continue
            if field.queryset is not None:
                field.queryset = tenancy.related_queryset(field.queryset, user)
        return fields

    def record_scope(self, attrs) -> tenancy.Scope | None:
        if self.instance is not None and hasattr(self.instance, "scope_ids"):
            return tenancy.Scope.of(self.instance)
        for name in self.scope_fields:
            value = attrs.get(name)
            if value is not None:
                return tenancy.Scope.of(value)
        return None

    def validate(self, attrs):
        attrs = super().validate(attrs)
        scope = self.record_scope(attrs)
        if scope is None:
            return attrs
        errors = {}
        park, enterprise = attrs.get("park"), attrs.get("enterprise")
        if park is not None and enterprise is not None and enterprise.park_id != park.pk:
            errors["enterprise"] = [self.fields["enterprise"].error_messages["does_not_exist"].format(pk_value=enterprise.pk)]
        for name, (outer, field) in _writable_relations(self.fields).items():
            key = outer.source or name
            if name in self.scope_fields or attrs.get(key) is None:
                continue
            value = attrs[key]
            values = list(value) if isinstance(value, (list, tuple, set)) else [value]
            reach = self.scope_reach.get(name, tenancy.ENTERPRISE_REACH)
            for v in values:
                if not tenancy.in_scope(v, scope, reach=reach):
                    msg = field.error_messages.get("does_not_exist", "{pk_value}")
                    errors[name] = [msg.format(pk_value=getattr(v, "pk", v), slug_name="pk", value=getattr(v, "pk", v))]
                    break
        if errors:
            raise ValidationError(errors, code="does_not_exist")
        return attrs


class ScopedModelSerializer(ScopedSerializerMixin, serializers.ModelSerializer):
    """The base of every model serializer of the API (see ``ScopedSerializerMixin``)."""


class ScopedSerializer(ScopedSerializerMixin, serializers.Serializer):
    """The base of every plain serializer of the API (see ``ScopedSerializerMixin``)."""


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
        qs = qs.restrict(self.request.user, "view") if hasattr(qs, "restrict") else tenancy.restrict(qs, self.request.user)
        # Pages are ordered by the model's own, indexed columns: an ordering through a relation would join
        # and sort the whole table before the first page (common.pagination).
        return local_ordering(qs)

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


class WorkflowTransitionSerializer(serializers.Serializer):
    """One declared step of a workflow, as ``GET …/transition/`` lists it."""

    step = serializers.CharField()
    label = serializers.CharField()
    source = serializers.ListField(child=serializers.CharField())
    to = serializers.CharField(allow_null=True, help_text="the status after the step; null when the step keeps the status")
    inputs = serializers.ListField(child=serializers.CharField())
    allowed = serializers.BooleanField()
    reason = serializers.CharField(allow_null=True)

    def get_fields(self):  # "from" is a Python keyword: the field is declared as ``source`` and renamed
        fields = super().get_fields()
        fields["from"] = fields.pop("source")
        return fields


class WorkflowStateSerializer(serializers.Serializer):
    status = serializers.CharField()
    steps = serializers.ListField(child=serializers.CharField(), help_text="the steps the caller may take now")
    transitions = WorkflowTransitionSerializer(many=True)


class WorkflowStepSerializer(serializers.Serializer):
    step = serializers.CharField(help_text="the name of a declared step; the step's own inputs go beside it")


class WorkflowViewSetMixin:
    """``GET …/{id}/transition/``: the record's status and the steps the caller may take now (with the
    reason for each other step); ``POST …/{id}/transition/ {"step": …, <inputs>}`` takes a step through
    the workflow's declaration (carbonms/common/workflow.py) and the same service as the page."""

    @extend_schema(methods=["GET"], responses=WorkflowStateSerializer)
    @extend_schema(methods=["POST"], request=WorkflowStepSerializer,
                   responses={200: OpenApiTypes.OBJECT, 201: OpenApiTypes.OBJECT})
    @action(detail=True, methods=["get", "post"])
    def transition(self, request, pk=None):
        from .workflow import workflow_of

        wf = workflow_of(self.queryset.model)
        obj = tenancy.get_for_user(self.base_queryset(), request.user, pk, "view")
        if request.method == "GET":
            return Response(wf.describe(request.user, obj))
        data = body(request)
        step = data.get("step")
        if step not in wf.names():
            raise ValidationError({"step": [_("Choose one of: %(steps)s.") % {"steps": ", ".join(wf.names())}]})
        wf.require_permission(request.user, obj, step)
        try:
            result = wf.run(step, actor=request.user, obj=obj, data=data)
        except DjangoValidationError as exc:
            raise as_api_error(exc)
        result = result if isinstance(result, type(obj)) else obj
        result.refresh_from_db()
        return Response(self.get_serializer(result).data, status=201 if result.pk != obj.pk else 200)
