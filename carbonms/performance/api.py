"""REST endpoints of the performance app: baselines, triggers and decisions, targets with their progress, and
allocations (same scope rules and services as the pages; workflows through ``/{id}/transition/``)."""
from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from carbonms.common import tenancy
from carbonms.common.api import (
    ScopedModelSerializer,
    ScopedModelViewSet,
    WorkflowViewSetMixin,
    as_api_error,
)

from . import services, triggers
from .models import Baseline, BaselineAdjustment, BaselineTrigger, Target, TargetAllocation, TargetProgress

CATEGORY = serializers.ListField(child=serializers.CharField(max_length=24), allow_empty=False)


class _OfBaseline:
    """A new trigger or decision lives in its baseline's scope."""

    def record_scope(self, attrs):
        b = attrs.get("baseline")
        return tenancy.Scope.of(b) if self.instance is None and b is not None else super().record_scope(attrs)


class BaselineSerializer(ScopedModelSerializer):
    """A baseline version. POST drafts one for the park (``enterprise`` empty), an enterprise or a unit; the
    static factors are taken as a snapshot and the optional ``regression_input`` is fitted
    (``carbonms planning baseline`` format)."""

    categories = CATEGORY
    regression_input = serializers.JSONField(required=False)

    class Meta:
        model = Baseline
        fields = ["id", "park", "enterprise", "unit", "name", "version", "previous", "status", "metric", "period_start",
                  "period_end", "base_year", "value", "unit_label", "categories", "gwp_set", "counting_basis", "statement",
                  "static_factors", "regression_input", "regression", "threshold_pct", "rationale", "author", "approved_by",
                  "approved_at", "created_at"]
        read_only_fields = ["version", "previous", "status", "static_factors", "regression", "author", "approved_by",
                            "approved_at", "created_at"]
        extra_kwargs = {"base_year": {"required": False}}


class TriggerSerializer(_OfBaseline, ScopedModelSerializer):
    """An adjustment trigger. POST records one (e.g. an error found); PATCH enters its signed base-year effect
    (``dismiss``: no effect)."""

    dismiss = serializers.BooleanField(required=False, write_only=True)
    evidence_note = serializers.CharField(required=False, write_only=True, allow_blank=True, max_length=400)

    class Meta:
        model = BaselineTrigger
        fields = ["id", "baseline", "kind", "change_kind", "description", "base_year_effect", "evidence", "status", "raised_by",
                  "adjustment", "created_at", "dismiss", "evidence_note"]
        read_only_fields = ["change_kind", "evidence", "status", "raised_by", "adjustment", "created_at"]


class BaselineViewSet(WorkflowViewSetMixin, ScopedModelViewSet):
    """Baselines (T/CSES 6.5). ``/{id}/transition/ {"step": "approve"}``; ``POST /{id}/detect/`` raises the
    platform's adjustment triggers."""

    queryset = Baseline.objects.all()
    serializer_class = BaselineSerializer
    http_method_names = ["get", "post", "patch", "head", "options"]

    def create_record(self, data):
        data = dict(data)
        park, enterprise, unit = data.pop("park"), data.pop("enterprise", None), data.pop("unit", None)
        return services.baseline_save(actor=self.request.user, park=park, enterprise=enterprise, unit=unit, data=data)

    def update_record(self, instance, data):
        data = {k: v for k, v in data.items() if k not in ("park", "enterprise", "unit")}
        return services.baseline_save(actor=self.request.user, park=instance.park, baseline=instance, data=data)

    @extend_schema(methods=["GET"], responses=TriggerSerializer(many=True))
    @extend_schema(methods=["POST"], request=None, responses=TriggerSerializer(many=True))
    @action(detail=True, methods=["get", "post"])
    def detect(self, request, pk=None):
        """GET: the baseline's triggers; POST: check the static factors and raise the new triggers."""
        if request.method == "GET":
            b = tenancy.get_for_user(Baseline.objects.all(), request.user, pk, "view")
            return Response(TriggerSerializer(b.triggers.all(), many=True, context=self.get_serializer_context()).data)
        b = tenancy.get_for_user(Baseline.objects.all(), request.user, pk, "change")
        try:
            raised = triggers.detect(b)
        except DjangoValidationError as exc:
            raise as_api_error(exc)
        return Response(TriggerSerializer(raised, many=True, context=self.get_serializer_context()).data)


class TriggerViewSet(ScopedModelViewSet):
    queryset = BaselineTrigger.objects.all()
    serializer_class = TriggerSerializer
    http_method_names = ["get", "post", "patch", "head", "options"]

    def create_record(self, data):
        return services.trigger_add(actor=self.request.user, baseline=data["baseline"], kind=data["kind"],
                                    description=data.get("description", ""), base_year_effect=data.get("base_year_effect"))

    def update_record(self, instance, data):
        return services.trigger_estimate(actor=self.request.user, trigger=instance, base_year_effect=data.get("base_year_effect"),
                                         evidence_note=data.get("evidence_note", ""), dismiss=data.get("dismiss", False))


class AdjustmentSerializer(_OfBaseline, ScopedModelSerializer):
    """The recalculation-or-not decision. POST ``{"baseline", "evidence"}`` proposes it from the open triggers;
    ``/{id}/transition/ {"step": "approve"}`` (top management, not the proposer)."""

    class Meta:
        model = BaselineAdjustment
        fields = ["id", "baseline", "after", "status", "cumulative_pct", "threshold_pct", "recalculate", "value_before",
                  "value_after", "result", "evidence", "proposed_by", "approved_by", "approved_at", "effective_on", "created_at"]
        read_only_fields = ["after", "status", "cumulative_pct", "threshold_pct", "recalculate", "value_before", "value_after",
                            "result", "proposed_by", "approved_by", "approved_at", "effective_on", "created_at"]


class AdjustmentViewSet(WorkflowViewSetMixin, ScopedModelViewSet):
    queryset = BaselineAdjustment.objects.all()
    serializer_class = AdjustmentSerializer
    http_method_names = ["get", "post", "head", "options"]

    def create_record(self, data):
        return services.adjustment_propose(actor=self.request.user, baseline=data["baseline"], evidence=data.get("evidence", ""))


class ProgressSerializer(ScopedModelSerializer):
    class Meta:
        model = TargetProgress
        fields = ["id", "target", "year", "actual", "expected", "progress_pct", "status", "statement", "emissions", "denominator",
                  "detail", "updated_at"]


class TargetSerializer(ScopedModelSerializer):
    """A target. POST drafts one for the park, an enterprise, a unit or key equipment (``parent``: the enterprise
    target it decomposes); base year and value come from ``baseline``; ``target_value`` and ``milestones`` are
    computed unless the method is ``fixed_value``. ``/{id}/transition/``: review, approve, publish, return."""

    categories = CATEGORY

    class Meta:
        model = Target
        fields = ["id", "park", "enterprise", "unit", "equipment", "code", "title", "objective", "metric", "product", "unit_label",
                  "categories", "counting_basis", "gwp_set", "baseline", "base_year", "base_value", "start_year", "target_year",
                  "method", "reduction_pct", "target_value", "milestones", "reserve", "parent", "assigned_by_park", "status",
                  "author", "reviewed_by", "approved_by", "approved_at", "published_at", "published_to", "created_at"]
        read_only_fields = ["milestones", "assigned_by_park", "status", "author", "reviewed_by", "approved_by", "approved_at",
                            "published_at", "published_to", "created_at"]
        extra_kwargs = {f: {"required": False} for f in ("base_year", "base_value", "start_year", "target_value")}


class TargetViewSet(WorkflowViewSetMixin, ScopedModelViewSet):
    queryset = Target.objects.all()
    serializer_class = TargetSerializer
    http_method_names = ["get", "post", "patch", "head", "options"]

    def create_record(self, data):
        data = dict(data)
        kw = {k: data.pop(k, None) for k in ("enterprise", "unit", "equipment", "parent")}
        park = data.pop("park")
        return services.target_save(actor=self.request.user, park=park, data=data, **kw)

    def update_record(self, instance, data):
        data = {k: v for k, v in data.items() if k not in ("park", "enterprise", "unit", "equipment", "parent")}
        return services.target_save(actor=self.request.user, park=instance.park, target=instance, data=data)

    @extend_schema(responses=ProgressSerializer(many=True))
    @action(detail=True, methods=["get"])
    def progress(self, request, pk=None):
        """The progress of the target per year from the statements of record."""
        t = tenancy.get_for_user(Target.objects.all(), request.user, pk, "view")
        return Response(ProgressSerializer(t.progress.all(), many=True, context=self.get_serializer_context()).data)


class AllocationSerializer(ScopedModelSerializer):
    """An allocation of a park target to an enterprise (park staff only). ``allocated_value`` is computed for the
    uniform and benchmark methods. ``/{id}/transition/``: issue (park), accept with ``letter_number`` or return with
    ``return_reason`` (the enterprise's top management)."""

    scope_reach = {"park_target": tenancy.PARK_REACH}

    class Meta:
        model = TargetAllocation
        fields = ["id", "park", "enterprise", "park_target", "method", "baseline", "base_value", "allocated_value",
                  "benchmark_value", "benchmark_output", "benchmark_source", "from_reserve", "note", "status", "target",
                  "issued_by", "issued_at", "letter_number", "accepted_by", "accepted_at", "return_reason", "created_at"]
        read_only_fields = ["park", "status", "target", "issued_by", "issued_at", "letter_number", "accepted_by", "accepted_at",
                            "return_reason", "created_at"]
        extra_kwargs = {"base_value": {"required": False}, "allocated_value": {"required": False}}

    def record_scope(self, attrs):
        ent = attrs.get("enterprise")
        return tenancy.Scope.of(ent) if self.instance is None and ent is not None else super().record_scope(attrs)


class AllocationViewSet(WorkflowViewSetMixin, ScopedModelViewSet):
    queryset = TargetAllocation.objects.all()
    serializer_class = AllocationSerializer
    http_method_names = ["get", "post", "patch", "head", "options"]

    def create_record(self, data):
        data = dict(data)
        pt, ent = data.pop("park_target"), data.pop("enterprise")
        return services.allocation_save(actor=self.request.user, park_target=pt, enterprise=ent, data=data)

    def update_record(self, instance, data):
        data = {k: v for k, v in data.items() if k not in ("enterprise", "park_target")}
        return services.allocation_save(actor=self.request.user, park_target=instance.park_target, enterprise=instance.enterprise,
                                        allocation=instance, data=data)


def register_routes(router) -> None:
    """Register this app's viewsets on the API router (called from carbonms/api/urls.py)."""
    for prefix, viewset in [("targets/baselines", BaselineViewSet), ("targets/triggers", TriggerViewSet),
                            ("targets/adjustments", AdjustmentViewSet), ("targets/allocations", AllocationViewSet),
                            ("targets/targets", TargetViewSet)]:
        router.register(prefix, viewset, basename=prefix.replace("/", "-"))

