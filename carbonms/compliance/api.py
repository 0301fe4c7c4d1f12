"""REST endpoints of the compliance app (docs/compliance.md): compliance records with the live position and the
surrender, offset projects, and neutrality claims with their workflow (assess, determine, declare)."""
from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from carbonms.common import params, tenancy
from carbonms.common.api import (
    ScopedModelSerializer,
    ScopedModelViewSet,
    ScopedRelatedField,
    ScopedSerializer,
    WorkflowViewSetMixin,
    as_api_error,
)
from carbonms.common.files import ScopedFileField
from carbonms.organizations.models import Enterprise

from . import position, services
from .models import ComplianceRecord, NeutralityClaim, OffsetProject


class ComplianceRecordSerializer(ScopedModelSerializer):
    class Meta:
        model = ComplianceRecord
        fields = ["id", "park", "enterprise", "year", "statement", "obligation_t", "surrendered_t", "ccer_surrendered_t", "status",
                  "deadline", "settled_on", "position", "surrenders", "note", "created_at"]
        read_only_fields = fields


class PositionQuerySerializer(ScopedSerializer):
    """The query of ``position/``: ids, not records (the view fetches the enterprise through the tenancy)."""

    scope_fields = ()
    enterprise = serializers.IntegerField(min_value=1, max_value=params.MAX_ID)
    year = serializers.IntegerField(min_value=1900, max_value=2100)
    price = serializers.DecimalField(required=False, max_digits=10, decimal_places=2, min_value=Decimal(0),
                                     help_text="CNY per tCO₂ for the cost to close and the penalty exposure")


class SurrenderSerializer(ScopedSerializer):
    enterprise = ScopedRelatedField(queryset=Enterprise.objects.all())
    year = serializers.IntegerField(min_value=2019, max_value=2100)
    quantities = serializers.DictField(child=serializers.DecimalField(max_digits=14, decimal_places=0, min_value=Decimal(0)),
                                       help_text="lot id (from the position's lots) → tonnes to surrender")


class ComplianceRecordViewSet(ScopedModelViewSet):
    """履约记录 per covered enterprise and compliance year (read only; written by the surrender). ``position/`` gives the
    live position; ``surrender/`` surrenders lots with the cap and eligibility checked."""

    queryset = ComplianceRecord.objects.all()
    serializer_class = ComplianceRecordSerializer
    http_method_names = ["get", "post", "head", "options"]

    def create(self, request, *args, **kwargs):
        raise ValidationError({"detail": ["A compliance record is written by the surrender: POST …/surrender/."]})

    @extend_schema(parameters=[PositionQuerySerializer], responses={
        200: OpenApiTypes.OBJECT, 400: OpenApiTypes.OBJECT,
        404: OpenApiResponse(description="the enterprise is outside the caller's scope")})
    @action(detail=False, methods=["get"])
    def position(self, request):
        """The position of a covered enterprise and year (obligation, lots by eligibility, CCER cap and headroom,
        shortfall, surplus, cost to close, deadlines, penalty exposure, rule and its source)."""
        q = PositionQuerySerializer(data=request.query_params, context={"request": request})
        q.is_valid(raise_exception=True)
        ent = tenancy.get_for_user(Enterprise.objects.all(), request.user, q.validated_data["enterprise"], "view")
        tenancy.require(request.user, "assets", "view", park_id=ent.park_id, enterprise_id=ent.pk)
        try:
            pos = position.compute(ent, q.validated_data["year"], price=q.validated_data.get("price"))
        except DjangoValidationError as exc:
            raise as_api_error(exc)
        return Response(position.jsonable(pos))

    @extend_schema(request=SurrenderSerializer, responses=ComplianceRecordSerializer)
    @action(detail=False, methods=["post"])
    def surrender(self, request):
        s = SurrenderSerializer(data=request.data, context={"request": request})
        s.is_valid(raise_exception=True)
        d = s.validated_data
        try:
            rec = services.surrender(actor=request.user, enterprise=d["enterprise"], year=d["year"], quantities=d["quantities"])
        except DjangoValidationError as exc:
            raise as_api_error(exc)
        return Response(ComplianceRecordSerializer(rec, context={"request": request}).data, status=201)


class OffsetProjectSerializer(ScopedModelSerializer):
    class Meta:
        model = OffsetProject
        fields = ["id", "park", "enterprise", "kind", "name", "methodology", "location", "local", "forestry", "area_mu", "started_on",
                  "baseline", "additionality", "estimated_annual_t", "stage", "registration_no", "registered_on", "issued_t",
                  "created_at"]
        read_only_fields = ["park", "stage", "registration_no", "registered_on", "issued_t", "created_at"]
        extra_kwargs = {"enterprise": {"required": True, "allow_null": False}}


class OffsetProjectViewSet(ScopedModelViewSet):
    """CCER and carbon-sink projects (T/CIECCPA 8.3.3): POST creates one in development; stages are recorded on the page."""

    queryset = OffsetProject.objects.all()
    serializer_class = OffsetProjectSerializer
    http_method_names = ["get", "post", "head", "options"]

    def create_record(self, data):
        ent = data.pop("enterprise")
        return services.project_save(actor=self.request.user, enterprise=ent, data=data)


class NeutralityClaimSerializer(ScopedModelSerializer):
    determination_report = ScopedFileField("compliance:claim_report", "determination_report")
    conclusion = serializers.ChoiceField(choices=NeutralityClaim.Conclusion.choices, allow_blank=True, read_only=True)

    class Meta:
        model = NeutralityClaim
        fields = ["id", "park", "enterprise", "year", "statement", "gas_basis", "categories", "emissions_t", "window_months", "status",
                  "result", "priority_justification", "maintained_until", "drafted_by", "assessed_at", "verifier", "verifier_body",
                  "determined_on", "conclusion", "determination_notes", "determination_report", "declared_by", "declared_at",
                  "created_at"]
        read_only_fields = ["park", "statement", "categories", "emissions_t", "status", "result", "priority_justification",
                            "maintained_until", "drafted_by", "assessed_at", "verifier", "verifier_body", "determined_on",
                            "conclusion", "determination_notes", "determination_report", "declared_by", "declared_at", "created_at"]
        extra_kwargs = {"enterprise": {"required": True, "allow_null": False}, "year": {"min_value": 2000, "max_value": 2100},
                        "window_months": {"min_value": 0, "max_value": 36}}


class NeutralityClaimViewSet(WorkflowViewSetMixin, ScopedModelViewSet):
    """Carbon-neutrality claims (T/CIECCPA 8.4). POST drafts one from the statement in force (refused on a draft);
    ``/{id}/transition/`` takes ``assess`` (``priority_justification``), ``determine`` (the appointed external
    verifier: ``conclusion``, ``determined_on``, ``verifier_body``, ``determination_notes``) and ``declare`` (top
    management: ``maintained_until``)."""

    queryset = NeutralityClaim.objects.all()
    serializer_class = NeutralityClaimSerializer
    http_method_names = ["get", "post", "head", "options"]

    def create_record(self, data):
        return services.claim_create(actor=self.request.user, enterprise=data["enterprise"], year=data["year"],
                                     gas_basis=data.get("gas_basis") or NeutralityClaim.GasBasis.CO2E,
                                     window_months=data.get("window_months", 12))


def register_routes(router) -> None:
    """Register this app's viewsets on the API router (called from carbonms/api/urls.py)."""
    router.register("compliance-records", ComplianceRecordViewSet, basename="compliance-record")
    router.register("offset-projects", OffsetProjectViewSet, basename="offset-project")
    router.register("neutrality-claims", NeutralityClaimViewSet, basename="neutrality-claim")
