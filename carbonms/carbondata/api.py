"""REST endpoints of the carbon data process, under the same tenancy rules as the pages."""
from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from carbonms.common import params
from carbonms.common.api import (
    ScopedModelSerializer,
    ScopedModelViewSet,
    ScopedRelatedField,
    ScopedSerializer,
    WorkflowStateSerializer,
    WorkflowViewSetMixin,
    as_api_error,
    body,
)
from carbonms.common.files import ScopedFileField
from carbonms.common.numbers import DecimalSerializerField
from carbonms.common.query import IdFilter
from carbonms.common.tenancy import PARK_REACH, get_for_user
from carbonms.organizations.models import EmissionUnit, Enterprise, Equipment

from . import services
from .models import (
    ActivityRecord,
    Calibration,
    DataImport,
    Evidence,
    LabAnalysis,
    MeasuringInstrument,
    MonitoringPlan,
    PlanItem,
    Source,
    UserFactor,
)
from .services import quality
from .workflows import ACTIVITY

READ_ONLY = ["get", "head", "options"]


class SourceSerializer(ScopedModelSerializer):
    enterprise = ScopedRelatedField(queryset=Enterprise.objects.all())
    unit = ScopedRelatedField(queryset=EmissionUnit.objects.all(), allow_null=True, required=False)
    equipment = ScopedRelatedField(queryset=Equipment.objects.all(), allow_null=True, required=False)
    supplier = serializers.PrimaryKeyRelatedField(queryset=Enterprise.objects.all(), allow_null=True, required=False)
    scope_reach = {"supplier": PARK_REACH}  # another enterprise of the park, where the caller may see it

    class Meta:
        model = Source
        fields = ["id", "enterprise", "code", "name", "unit", "equipment", "category", "gases", "method", "method_reason",
                  "material", "factor_key", "activity_unit", "direction", "balance_group", "carbon_fraction", "purity",
                  "calcination_fraction", "steam_enthalpy", "market_share", "market_ef", "data_source", "data_owner_name",
                  "supplier", "plausible_min", "plausible_max", "change_threshold", "effective_from", "effective_to", "status",
                  "retire_reason"]
        read_only_fields = ["status", "retire_reason"]
        validators = []


def _number(**kw):
    """A stock quantity under the platform's number rule (the same as the grid and the workbook)."""
    return DecimalSerializerField(max_digits=20, decimal_places=6, allow_null=True, required=False, **kw)


class ActivitySerializer(ScopedModelSerializer):
    source = ScopedRelatedField(queryset=Source.objects.all())
    amount = serializers.CharField()  # parsed by the service, in the unit given (carbonms.common.numbers)
    opening_stock = _number()
    purchased = _number()
    closing_stock = _number()
    transferred_out = _number()

    class Meta:
        model = ActivityRecord
        fields = ["id", "source", "enterprise", "year", "month", "amount", "unit", "opening_stock", "purchased",
                  "closing_stock", "transferred_out", "note", "version", "previous", "is_current", "correction_reason",
                  "status", "origin", "data_import", "meter_detail", "quality_flags", "entered_by", "submitted_by",
                  "submitted_at", "reviewed_by", "reviewed_at", "review_comment"]
        read_only_fields = [f for f in fields if f not in ("source", "year", "month", "amount", "unit", "note",
                                                           "opening_stock", "purchased", "closing_stock", "transferred_out")]
        extra_kwargs = {"unit": {"required": False}}
        validators = []


class QualityFindingSerializer(ScopedSerializer):
    """One finding of the data-quality checks run at submission (``record``, ``source``, ``period`` when it
    concerns one value or one source-month): its code and parameters as stored, and ``message`` in the
    language of the request (docs/inventory.md, data-quality checks)."""

    code = serializers.CharField()
    params = serializers.DictField(required=False)
    message = serializers.CharField()
    record = serializers.IntegerField(required=False)
    source = serializers.CharField(required=False)
    period = serializers.CharField(required=False)


class ActivitySubmitResultSerializer(ScopedSerializer):
    record = ActivitySerializer()
    findings = QualityFindingSerializer(many=True)


class ActivityApproveSerializer(ScopedSerializer):
    comment = serializers.CharField(required=False, allow_blank=True)


class ActivityCorrectSerializer(ScopedSerializer):
    amount = serializers.CharField()
    reason = serializers.CharField()
    unit = serializers.CharField(required=False, allow_blank=True)


def _without(data, *keys):
    return {k: v for k, v in data.items() if k not in keys}


class SourceRetireSerializer(ScopedSerializer):
    on = serializers.DateField(help_text="the last day the source is in use")
    reason = serializers.CharField()


class SourceViewSet(ScopedModelViewSet):
    """Emission sources. DELETE removes a source entered by mistake; a source with data answers 400 and is
    retired instead: POST ``/{id}/retire/`` with ``{"on": "YYYY-MM-DD", "reason": …}``."""

    queryset = Source.objects.all()
    serializer_class = SourceSerializer

    def base_queryset(self):
        return Source.objects.select_related("enterprise")

    def create_record(self, data):
        return services.source_save(actor=self.request.user, enterprise=data["enterprise"], data=_without(data, "enterprise"))

    def update_record(self, instance, data):
        return services.source_save(actor=self.request.user, source=instance, data=_without(data, "enterprise"))

    def perform_destroy(self, instance):
        try:
            services.source_delete(actor=self.request.user, source=instance)
        except DjangoValidationError as exc:
            raise as_api_error(exc)

    def http_method_not_allowed(self, request, *args, **kwargs):
        # A GET on the POST-only retire action: a source outside the caller's scope is still 404.
        if "pk" in kwargs:
            self.get_object()
        return super().http_method_not_allowed(request, *args, **kwargs)

    @extend_schema(request=SourceRetireSerializer, responses=SourceSerializer)
    @action(detail=True, methods=["post"])
    def retire(self, request, pk=None):
        source = get_for_user(Source, request.user, pk, "change")
        form = SourceRetireSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        try:
            source = services.source_retire(actor=request.user, source=source, **form.validated_data)
        except DjangoValidationError as exc:
            raise as_api_error(exc)
        return Response(SourceSerializer(source, context={"request": request}).data)


class ActivityFilterSerializer(ScopedSerializer):
    year = serializers.IntegerField(required=False, min_value=1900, max_value=2100)
    month = serializers.IntegerField(required=False, min_value=1, max_value=12)
    status = serializers.ChoiceField(required=False, choices=ActivityRecord.Status.choices)
    enterprise = IdFilter()
    source = IdFilter()


@extend_schema_view(list=extend_schema(parameters=[ActivityFilterSerializer]))
class ActivityViewSet(ScopedModelViewSet):
    """Activity values. POST enters a draft (the same service as the grid); ``submit`` and ``approve``
    run the workflow; an approved value is changed by ``correct`` (new version)."""

    queryset = ActivityRecord.objects.all()
    serializer_class = ActivitySerializer
    http_method_names = ["get", "post", "head", "options"]

    def get_queryset(self):
        qs = super().get_queryset().select_related("source")
        spec = {"year": params.YEAR, "month": params.MONTH, "status": params.choice(ActivityRecord.Status),
                "enterprise": params.ID, "source": params.ID}
        return qs.filter(**params.read(self.request.query_params, spec))

    def create_record(self, data):
        stock = {k: data.get(k) for k in ("opening_stock", "purchased", "closing_stock", "transferred_out")}
        return services.activity_save(actor=self.request.user, source=data["source"], year=data["year"], month=data["month"],
                                      amount=data["amount"], unit=data.get("unit", ""), note=data.get("note", ""), stock=stock)

    def http_method_not_allowed(self, request, *args, **kwargs):
        # A GET on a POST-only workflow action: a record outside the caller's scope is still 404.
        if "pk" in kwargs:
            self.get_object()
        return super().http_method_not_allowed(request, *args, **kwargs)

    def _step(self, request, pk, step):
        """A step of the value's workflow (carbondata/workflows.py), as on the pages."""
        rec = get_for_user(ActivityRecord, request.user, pk, "view")
        ACTIVITY.require_permission(request.user, rec, step)
        try:
            result = ACTIVITY.run(step, actor=request.user, obj=rec, data=body(request))
        except DjangoValidationError as exc:
            raise as_api_error(exc)
        rec.refresh_from_db()
        return rec, result

    @extend_schema(request=None, responses=ActivitySubmitResultSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        rec = get_for_user(ActivityRecord, request.user, pk, "view")
        ACTIVITY.require_permission(request.user, rec, "submit")
        try:
            findings = services.activity_submit(actor=request.user, records=[rec])
        except DjangoValidationError as exc:
            raise as_api_error(exc)
        rec.refresh_from_db()
        findings = [{**f, "message": quality.describe(f)} for f in findings]  # in the request's language
        return Response({"record": ActivitySerializer(rec).data, "findings": findings})

    @extend_schema(request=ActivityApproveSerializer, responses=ActivitySerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        rec, _r = self._step(request, pk, "approve")
        return Response(ActivitySerializer(rec).data)

    @action(detail=True, methods=["post"], url_path="return", url_name="return")
    def return_(self, request, pk=None):
        rec, _r = self._step(request, pk, "return")
        return Response(ActivitySerializer(rec).data)

    @extend_schema(request=ActivityCorrectSerializer, responses={201: ActivitySerializer})
    @action(detail=True, methods=["post"])
    def correct(self, request, pk=None):
        _rec, new = self._step(request, pk, "correct")
        return Response(ActivitySerializer(new).data, status=201)

    @extend_schema(responses=WorkflowStateSerializer)
    @action(detail=True, methods=["get"])
    def transition(self, request, pk=None):
        """The value's status and the steps the caller may take now (each other step with its reason)."""
        rec = get_for_user(ActivityRecord, request.user, pk, "view")
        return Response(ACTIVITY.describe(request.user, rec))


class PlanItemSerializer(ScopedModelSerializer):
    class Meta:
        model = PlanItem
        fields = ["id", "source", "data_item", "data_source", "min_frequency", "requirements", "evidence_kept", "instrument"]


class PlanSerializer(ScopedModelSerializer):
    items = PlanItemSerializer(many=True, read_only=True)

    class Meta:
        model = MonitoringPlan
        fields = ["id", "enterprise", "version", "status", "basic_information", "boundary_description", "effective_from",
                  "prepared_by", "approved_by", "approved_at", "items"]


class CalibrationSerializer(ScopedModelSerializer):
    certificate = ScopedFileField("carbondata:calibration_certificate", "certificate")

    class Meta:
        model = Calibration
        fields = ["kind", "performed_on", "due_on", "certificate_no", "certificate", "body", "passed"]


class InstrumentSerializer(ScopedModelSerializer):
    calibrations = CalibrationSerializer(many=True, read_only=True)

    class Meta:
        model = MeasuringInstrument
        fields = ["id", "enterprise", "code", "name", "instrument_type", "model_number", "accuracy_class", "location",
                  "sources", "in_service", "calibrations"]


class LabSerializer(ScopedModelSerializer):
    source = ScopedRelatedField(queryset=Source.objects.all())
    value = DecimalSerializerField(max_digits=16, decimal_places=6)
    weight = DecimalSerializerField(max_digits=20, decimal_places=6)

    class Meta:
        model = LabAnalysis
        fields = ["id", "source", "year", "month", "batch", "parameter", "value", "unit", "weight", "laboratory"]
        validators = []


class EvidenceSerializer(ScopedModelSerializer):
    file = ScopedFileField("carbondata:evidence")

    class Meta:
        model = Evidence
        fields = ["id", "enterprise", "activity", "lab_analysis", "data_import", "kind", "file", "original_name", "sha256",
                  "description", "uploaded_by", "created_at"]


class ImportSerializer(ScopedModelSerializer):
    file = ScopedFileField("carbondata:import_file")

    class Meta:
        model = DataImport
        fields = ["id", "enterprise", "year", "file", "original_name", "sha256", "size", "uploaded_by", "status",
                  "template_version", "errors", "n_rows", "created_at"]


class MonitoringPlanViewSet(WorkflowViewSetMixin, ScopedModelViewSet):
    queryset = MonitoringPlan.objects.all()
    serializer_class = PlanSerializer
    http_method_names = READ_ONLY

    def base_queryset(self):
        return MonitoringPlan.objects.prefetch_related("items")


class InstrumentViewSet(ScopedModelViewSet):
    queryset = MeasuringInstrument.objects.all()
    serializer_class = InstrumentSerializer
    http_method_names = READ_ONLY

    def base_queryset(self):
        return MeasuringInstrument.objects.prefetch_related("calibrations", "sources")


class LabAnalysisViewSet(ScopedModelViewSet):
    """Lab results, read only here: they are added on the source page through the service, which keeps the unit
    the lab reported and refuses a unit that cannot describe the source's activity."""

    queryset = LabAnalysis.objects.all()
    serializer_class = LabSerializer
    http_method_names = READ_ONLY


class EvidenceViewSet(ScopedModelViewSet):
    queryset = Evidence.objects.all()
    serializer_class = EvidenceSerializer
    http_method_names = READ_ONLY


class DataImportViewSet(ScopedModelViewSet):
    queryset = DataImport.objects.all()
    serializer_class = ImportSerializer
    http_method_names = READ_ONLY


class UserFactorSerializer(ScopedModelSerializer):
    class Meta:
        model = UserFactor
        fields = ["id", "park", "enterprise", "key", "version", "kind", "material", "ncv", "ncv_unit", "carbon_content",
                  "oxidation_rate", "ef", "ef_unit", "source_document", "year", "status", "note", "created_by", "created_at"]


class UserFactorViewSet(ScopedModelViewSet):
    """User factors with every version (read only here; added on the pages through the same service)."""

    queryset = UserFactor.objects.all()
    serializer_class = UserFactorSerializer
    http_method_names = READ_ONLY
