"""REST endpoints of the carbonreview app (same tenancy, services and workflows as the pages)."""
from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from carbonms.common import tenancy
from carbonms.common.api import (
    ScopedModelSerializer,
    ScopedModelViewSet,
    ScopedSerializer,
    WorkflowViewSetMixin,
)
from carbonms.management.api import SystemSerializer, SystemViewSet
from carbonms.management.system import System

from . import indicators, services
from .models import CarbonReview, DeviationInvestigation, Indicator, ReviewSection


class IndicatorSerializer(SystemSerializer):
    unit = serializers.SerializerMethodField()

    class Meta:
        model = Indicator
        fields = ["id", "park", "enterprise", "code", "name", "kind", "numerator", "denominator", "product_code",
                  "relevant_variables", "baseline", "expected_value", "deviation_threshold_pct", "data_source", "owner", "frequency",
                  "active", "unit"]

    def get_unit(self, obj) -> str:
        return indicators.unit_of(obj)


class IndicatorValueSerializer(ScopedSerializer):
    year = serializers.IntegerField()
    statement = serializers.IntegerField(allow_null=True)
    numerator = serializers.DecimalField(max_digits=30, decimal_places=6, allow_null=True, coerce_to_string=True)
    denominator = serializers.DecimalField(max_digits=30, decimal_places=6, allow_null=True, coerce_to_string=True)
    value = serializers.DecimalField(max_digits=30, decimal_places=6, allow_null=True, coerce_to_string=True)
    expected = serializers.DecimalField(max_digits=30, decimal_places=6, allow_null=True, coerce_to_string=True)
    deviation_pct = serializers.DecimalField(max_digits=12, decimal_places=2, allow_null=True, coerce_to_string=True)
    exceeds = serializers.BooleanField()
    note = serializers.CharField(allow_blank=True)


class IndicatorViewSet(SystemViewSet):
    """Performance indicators (T/CSES 6.4; T/CPQS 7.4). ``values``: the value per year from the statements in force."""

    queryset = Indicator.objects.all()
    serializer_class = IndicatorSerializer
    http_method_names = ["get", "post", "patch", "head", "options"]

    def create_with(self, data, park, enterprise):
        return services.indicator_save(actor=self.request.user, system=System(park, enterprise), data=data)

    def update_with(self, instance, data):
        return services.indicator_save(actor=self.request.user, indicator=instance, data=data)

    @extend_schema(responses=IndicatorValueSerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None)
    def values(self, request, pk=None):
        ind = tenancy.get_for_user(self.base_queryset(), request.user, pk, "view")
        rows = [{"year": v.year, "statement": v.statement.pk if v.statement else None, "numerator": v.numerator,
                 "denominator": v.denominator, "value": None if v.value is None else round(v.value, 6), "expected": v.expected,
                 "deviation_pct": v.deviation_pct, "exceeds": v.exceeds, "note": str(v.note)} for v in indicators.series(ind)]
        return Response(IndicatorValueSerializer(rows, many=True).data)


class InvestigationSerializer(ScopedModelSerializer):
    class Meta:
        model = DeviationInvestigation
        fields = ["id", "park", "enterprise", "indicator", "year", "expected", "actual", "deviation_pct", "threshold_pct",
                  "cause_scope", "cause_methodology", "cause_data_missing", "cause_data_unreliable", "cause_offsets",
                  "cause_other", "analysis", "conclusion", "real_change", "nonconformity", "status", "opened_by",
                  "concluded_by", "concluded_on"]
        read_only_fields = [f for f in fields if f not in ("indicator", "year")]
        extra_kwargs = {"indicator": {"required": True, "allow_null": False}, "year": {"required": True}}


class InvestigationViewSet(WorkflowViewSetMixin, ScopedModelViewSet):
    """Deviation investigations: POST {indicator, year} opens one when the deviation exceeds the indicator's threshold;
    the ``conclude`` step records the causes (T/CSES 9.1 b) 1)–5); T/CIECCPA 9.1.2 a)–c)) and the conclusion."""

    queryset = DeviationInvestigation.objects.all()
    serializer_class = InvestigationSerializer
    http_method_names = ["get", "post", "head", "options"]

    def create_record(self, data):
        return services.investigation_open(actor=self.request.user, indicator=data["indicator"], year=data["year"])


class SectionSerializer(ScopedModelSerializer):
    class Meta:
        model = ReviewSection
        fields = ["id", "review", "key", "position", "data", "available", "findings", "conclusion"]
        read_only_fields = ["review", "key", "position", "data", "available"]


class SectionViewSet(ScopedModelViewSet):
    """The items of carbon reviews: PATCH records the findings and the conclusion (draft reviews only)."""

    queryset = ReviewSection.objects.all()
    serializer_class = SectionSerializer
    http_method_names = ["get", "patch", "head", "options"]

    def update_record(self, instance, data):
        return services.section_save(actor=self.request.user, section=instance, findings=data.get("findings", instance.findings),
                                     conclusion=data.get("conclusion", instance.conclusion))


class CarbonReviewSerializer(SystemSerializer):
    class Meta:
        model = CarbonReview
        fields = ["id", "park", "enterprise", "year", "version", "status", "supersedes", "trigger", "criteria", "summary",
                  "assembled_at", "drafted_by", "reviewed_by", "reviewed_at", "approved_by", "approved_at"]
        read_only_fields = ["version", "status", "supersedes", "trigger", "summary", "assembled_at", "drafted_by",
                            "reviewed_by", "reviewed_at", "approved_by", "approved_at"]


class CarbonReviewViewSet(WorkflowViewSetMixin, SystemViewSet):
    """Carbon reviews (T/CSES 6.3; T/CPQS 7.3): POST starts the review of a system and year, every item pre-filled;
    steps: refresh, review, reopen, approve {summary}, update {trigger}."""

    queryset = CarbonReview.objects.all()
    serializer_class = CarbonReviewSerializer
    http_method_names = ["get", "post", "head", "options"]

    def create_with(self, data, park, enterprise):
        return services.review_create(actor=self.request.user, system=System(park, enterprise), year=data["year"],
                                      criteria=data.get("criteria") or "")


def register_routes(router) -> None:
    """Register this app's viewsets on the API router (called from carbonms/api/urls.py)."""
    router.register("indicators", IndicatorViewSet, basename="review-indicator")
    router.register("deviation-investigations", InvestigationViewSet, basename="review-investigation")
    router.register("carbon-reviews", CarbonReviewViewSet, basename="carbon-review")
    router.register("carbon-review-items", SectionViewSet, basename="carbon-review-item")

