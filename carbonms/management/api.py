"""REST endpoints of the management system: every register, the policy (with its workflow) and documents.

Same tenancy as the pages (``ScopedModelViewSet``); writes call the same services. The system a new
record belongs to is given by ``park`` and ``enterprise`` (empty: the park's own system).
"""
from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from carbonms.common.api import (
    ScopedModelSerializer,
    ScopedModelViewSet,
    ScopedRelatedField,
    ScopedSerializer,
    as_api_error,
)
from carbonms.common.files import ScopedFileField
from carbonms.common.tenancy import get_for_user
from carbonms.organizations.models import Enterprise, Park

from . import registers, services
from .documents import Document, DocumentVersion
from .models import Policy


class SystemSerializer(ScopedModelSerializer):
    park = ScopedRelatedField(queryset=Park.objects.all())
    enterprise = ScopedRelatedField(queryset=Enterprise.objects.all(), allow_null=True, required=False)

    def get_fields(self):
        fields = super().get_fields()
        if self.instance is not None:
            fields["park"].read_only = fields["enterprise"].read_only = True
        return fields


def _system_data(data: dict) -> tuple[dict, Park, Enterprise | None]:
    data = dict(data)
    return data, data.pop("park", None), data.pop("enterprise", None)


class SystemViewSet(ScopedModelViewSet):
    """Create with the services; ``save`` is ``service(actor=…, data=…, park=…, enterprise=…)`` / ``(…, <instance>)``."""

    def create_record(self, data):
        data, park, enterprise = _system_data(data)
        return self.create_with(data, park, enterprise)

    def update_record(self, instance, data):
        data, _park, _ent = _system_data(data)
        return self.update_with(instance, data)

    def perform_destroy(self, instance):
        try:
            services.register_delete(actor=self.request.user, obj=instance)
        except DjangoValidationError as exc:
            raise as_api_error(exc)


def register_viewset(reg):
    meta = type("Meta", (), {"model": reg.model, "fields": ["id", "park", "enterprise", *reg.fields]
                             + (["significance"] if reg.key == "risks" else []),
                             "read_only_fields": ["significance"] if reg.key == "risks" else []})
    extra = {f: ScopedRelatedField(queryset=reg.model._meta.get_field(f).related_model.objects.all(), allow_null=True,
                                   required=False)
             for f in reg.fields if reg.model._meta.get_field(f).many_to_one
             and hasattr(reg.model._meta.get_field(f).related_model, "scope_domain")}
    serializer = type(f"{reg.model.__name__}Serializer", (SystemSerializer,), {"Meta": meta, "__module__": __name__, **extra})
    save = reg.save or services.register_save

    class ViewSet(SystemViewSet):
        __doc__ = f"{reg.model.__doc__ or reg.model.__name__}"
        queryset = reg.model.objects.all()
        serializer_class = serializer

        def create_with(self, data, park, enterprise):
            return save(actor=self.request.user, model=reg.model, data=data, park=park, enterprise=enterprise)

        def update_with(self, instance, data):
            return save(actor=self.request.user, model=reg.model, data=data, instance=instance)

    ViewSet.__name__ = ViewSet.__qualname__ = f"{reg.model.__name__}ViewSet"
    return ViewSet


REGISTER_VIEWSETS = {key: register_viewset(reg) for key, reg in registers.REGISTERS.items()}


class PolicySerializer(SystemSerializer):
    class Meta:
        model = Policy
        fields = ["id", "park", "enterprise", "title", "version", "text", "commitments", "status", "author", "approved_by",
                  "approved_on", "published_on", "published_to", "reviewed_on", "next_review_on"]
        read_only_fields = ["version", "status", "author", "approved_by", "approved_on", "published_on", "reviewed_on"]


POLICY_STEPS = ["submit", "approve", "publish"]


class PolicyStepsSerializer(ScopedSerializer):
    status = serializers.ChoiceField(choices=Policy.Status.choices)
    steps = serializers.ListField(child=serializers.ChoiceField(choices=POLICY_STEPS))


class PolicyTransitionSerializer(ScopedSerializer):
    step = serializers.ChoiceField(choices=POLICY_STEPS)
    published_to = serializers.CharField(required=False, allow_blank=True, help_text="where it was published (publish)")


class PolicyViewSet(SystemViewSet):
    """Policy versions. POST drafts a version; ``/{id}/transition/`` (POST ``{"step": "submit" | "approve" |
    "publish", "published_to": …}``) moves it on; GET there lists the steps."""

    queryset = Policy.objects.all()
    serializer_class = PolicySerializer
    http_method_names = ["get", "post", "patch", "head", "options"]

    def create_with(self, data, park, enterprise):
        return services.policy_save(actor=self.request.user, data=data, park=park, enterprise=enterprise)

    def update_with(self, instance, data):
        return services.policy_save(actor=self.request.user, data=data, policy=instance)

    @extend_schema(methods=["GET"], responses=PolicyStepsSerializer)
    @extend_schema(methods=["POST"], request=PolicyTransitionSerializer, responses=PolicySerializer)
    @action(detail=True, methods=["get", "post"])
    def transition(self, request, pk=None):
        policy = get_for_user(Policy, request.user, pk, "view")
        if request.method == "GET":
            return Response({"status": policy.status, "steps": POLICY_STEPS})
        step = request.data.get("step")
        try:
            if step == "submit":
                policy = services.policy_submit(actor=request.user, policy=policy)
            elif step == "approve":
                policy = services.policy_approve(actor=request.user, policy=policy)
            elif step == "publish":
                policy = services.policy_publish(actor=request.user, policy=policy,
                                                 published_to=request.data.get("published_to", ""))
            else:
                raise DjangoValidationError({"step": "submit, approve or publish"})
        except DjangoValidationError as exc:
            raise as_api_error(exc)
        return Response(PolicySerializer(policy, context={"request": request}).data)


class DocumentSerializer(SystemSerializer):
    class Meta:
        model = Document
        fields = ["id", "park", "enterprise", "identifier", "title", "kind", "owner", "distribution", "access",
                  "retention_years", "next_review_on"]
        validators = []


class DocumentViewSet(SystemViewSet):
    queryset = Document.objects.all()
    serializer_class = DocumentSerializer

    def create_with(self, data, park, enterprise):
        return services.document_save(actor=self.request.user, data=data, park=park, enterprise=enterprise)

    def update_with(self, instance, data):
        return services.document_save(actor=self.request.user, data=data, document=instance)


class DocumentVersionSerializer(ScopedModelSerializer):
    file = ScopedFileField("management:version_file")

    class Meta:
        model = DocumentVersion
        fields = ["id", "document", "version", "file", "sha256", "change_note", "author", "reviewer", "approver",
                  "approved_on", "effective_on", "obsolete_on", "status"]


class DocumentVersionViewSet(ScopedModelViewSet):
    """Document versions (read only here; versions are added, approved and put in force on the pages)."""

    queryset = DocumentVersion.objects.all()
    serializer_class = DocumentVersionSerializer
    http_method_names = ["get", "head", "options"]


def register_routes(router) -> None:
    """Every endpoint of the management system under ``ms/`` (called from carbonms/api/urls.py)."""
    from carbonms.audits import api as audits
    from carbonms.conformity.api import TaskViewSet

    for key, viewset in REGISTER_VIEWSETS.items():
        router.register(f"ms/{key}", viewset, basename=f"ms-{key}")
    for prefix, viewset in [
        ("policies", PolicyViewSet), ("documents", DocumentViewSet), ("document-versions", DocumentVersionViewSet),
        ("audits", audits.AuditViewSet), ("findings", audits.FindingViewSet),
        ("nonconformities", audits.NonconformityViewSet), ("corrective-actions", audits.CorrectiveActionViewSet),
        ("reviews", audits.ManagementReviewViewSet), ("review-outputs", audits.ReviewOutputViewSet), ("tasks", TaskViewSet),
    ]:
        router.register(f"ms/{prefix}", viewset, basename=f"ms-{prefix}")
