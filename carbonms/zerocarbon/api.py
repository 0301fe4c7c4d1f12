"""REST endpoints of the zero-carbon plan and the technology positive list (issue 14 items 1–2), under the same
tenancy, services and workflow as the pages.

``/api/v1/zero-carbon/plans/`` (the plan versions; ``…/{id}/transition/`` approves or starts the next version) and
``…/plan-targets/`` (yearly targets of a draft plan); ``…/infrastructure/``; ``…/renewable-supply/`` (POST records
supply; a certificate ID already claimed is refused with the other claim named); ``…/indicator-values/``;
``…/technologies/``, ``…/technology-evaluations/``, ``…/demonstrations/``; ``…/renewable-supply/share/?park=&year=``
(the computed share with what it was made from).
"""
from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_view
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
from carbonms.common.query import IdFilter
from carbonms.common.tenancy import PARK_REACH
from carbonms.organizations.models import Enterprise, Park

from . import selectors, services
from .models import (
    DemonstrationProject,
    IndicatorValue,
    Infrastructure,
    PlanTarget,
    RenewableSupply,
    Technology,
    TechnologyEvaluation,
    ZeroCarbonPlan,
)

READ_WRITE = ["get", "post", "put", "patch", "head", "options"]
APPEND = ["get", "post", "head", "options"]


class ZeroCarbonFilterSerializer(ScopedSerializer):
    park = IdFilter()
    year = serializers.IntegerField(required=False, min_value=1900, max_value=2100)


def _filtered(qs, request, *, year=True):
    spec = {"park": params.ID, **({"year": params.YEAR} if year else {})}
    return qs.filter(**{("park_id" if k == "park" else k): v for k, v in params.read(request.query_params, spec).items()})


class _Viewset(ScopedModelViewSet):
    def _call(self, fn, **kw):
        try:
            return fn(actor=self.request.user, **kw)
        except DjangoValidationError as exc:
            raise as_api_error(exc)


# -- plans ----------------------------------------------------------------------------------------------------------
class ZeroCarbonTargetSerializer(ScopedModelSerializer):
    plan = ScopedRelatedField(queryset=ZeroCarbonPlan.objects.all())
    unit = serializers.CharField(read_only=True)

    class Meta:
        model = PlanTarget
        fields = ["id", "plan", "year", "indicator", "value", "unit"]
        validators = []

    def record_scope(self, attrs):
        plan = attrs.get("plan")
        return tenancy.Scope.of(plan) if plan is not None else super().record_scope(attrs)


class ZeroCarbonPlanSerializer(ScopedModelSerializer):
    park = ScopedRelatedField(queryset=Park.objects.all())
    targets = ZeroCarbonTargetSerializer(many=True, read_only=True)

    class Meta:
        model = ZeroCarbonPlan
        fields = ["id", "park", "version", "title", "first_year", "last_year", "summary", "status", "drafted_by",
                  "approved_by", "approved_at", "supersedes", "targets"]
        read_only_fields = ["version", "status", "drafted_by", "approved_by", "approved_at", "supersedes", "targets"]
        validators = []


@extend_schema_view(list=extend_schema(parameters=[ZeroCarbonFilterSerializer]))
class PlanViewSet(WorkflowViewSetMixin, _Viewset):
    """Versions of the park's zero-carbon energy and infrastructure plan (T/CSES 6.3.3)."""

    queryset = ZeroCarbonPlan.objects.all()
    serializer_class = ZeroCarbonPlanSerializer
    http_method_names = READ_WRITE

    def base_queryset(self):
        return ZeroCarbonPlan.objects.prefetch_related("targets")

    def get_queryset(self):
        return _filtered(super().get_queryset(), self.request, year=False)

    def create_record(self, data):
        return self._call(services.plan_save, park=data.pop("park"), data=data)

    def update_record(self, instance, data):
        data.pop("park", None)
        return self._call(services.plan_save, plan=instance, data=data)


class PlanTargetViewSet(_Viewset):
    """Yearly targets of a plan; POST sets the target of an indicator and year of a draft plan."""

    queryset = PlanTarget.objects.all()
    serializer_class = ZeroCarbonTargetSerializer
    http_method_names = APPEND

    def base_queryset(self):
        return PlanTarget.objects.select_related("plan")

    def create_record(self, data):
        return self._call(services.target_save, plan=data.pop("plan"), data=data)


# -- the register, supply, indicators -------------------------------------------------------------------------------
class InfrastructureSerializer(ScopedModelSerializer):
    park = ScopedRelatedField(queryset=Park.objects.all())
    enterprise = ScopedRelatedField(queryset=Enterprise.objects.all())
    unit = serializers.CharField(read_only=True)
    scope_fields = ("park",)
    scope_reach = {"enterprise": PARK_REACH}

    class Meta:
        model = Infrastructure
        fields = ["id", "park", "enterprise", "kind", "name", "capacity", "unit", "commissioned_on", "retired_on", "notes"]
        validators = []


@extend_schema_view(list=extend_schema(parameters=[ZeroCarbonFilterSerializer]))
class InfrastructureViewSet(_Viewset):
    """The zero-carbon infrastructure register: PV, wind, storage, heat networks, charging points, buildings."""

    queryset = Infrastructure.objects.all()
    serializer_class = InfrastructureSerializer
    http_method_names = READ_WRITE

    def get_queryset(self):
        return _filtered(super().get_queryset(), self.request, year=False)

    def create_record(self, data):
        return self._call(services.infrastructure_save, park=data.pop("park"), data=data)

    def update_record(self, instance, data):
        data.pop("park", None)
        return self._call(services.infrastructure_save, item=instance, data=data)


class RenewableShareSerializer(ScopedSerializer):
    year = serializers.IntegerField()
    share = serializers.DecimalField(max_digits=6, decimal_places=2, allow_null=True)
    purchased_mwh = serializers.DecimalField(max_digits=16, decimal_places=3, allow_null=True)
    onsite_mwh = serializers.DecimalField(max_digits=16, decimal_places=3)
    bought_mwh = serializers.DecimalField(max_digits=16, decimal_places=3)
    statement = serializers.IntegerField(allow_null=True)


class RenewableShareQuerySerializer(ScopedSerializer):
    park = serializers.IntegerField(min_value=1)
    year = serializers.IntegerField(min_value=1900, max_value=2100)
    enterprise = IdFilter()


class RenewableSupplySerializer(ScopedModelSerializer):
    park = ScopedRelatedField(queryset=Park.objects.all())
    enterprise = ScopedRelatedField(queryset=Enterprise.objects.all(), required=False, allow_null=True)
    infrastructure = ScopedRelatedField(queryset=Infrastructure.objects.all(), required=False, allow_null=True)
    certificate_ids = serializers.ListField(child=serializers.CharField(max_length=64), required=False)
    scope_fields = ("park",)
    scope_reach = {"enterprise": PARK_REACH, "infrastructure": PARK_REACH}

    class Meta:
        model = RenewableSupply
        fields = ["id", "park", "enterprise", "year", "kind", "use", "mwh", "infrastructure", "reference", "supplier",
                  "certificate_ids"]
        validators = []


@extend_schema_view(list=extend_schema(parameters=[ZeroCarbonFilterSerializer]))
class SupplyViewSet(_Viewset):
    """Renewable electricity claimed by the park or an enterprise; a certificate is claimed once."""

    queryset = RenewableSupply.objects.all()
    serializer_class = RenewableSupplySerializer
    http_method_names = APPEND

    def get_queryset(self):
        return _filtered(super().get_queryset(), self.request)

    def create_record(self, data):
        return self._call(services.supply_save, park=data.pop("park"), data=data)

    @extend_schema(parameters=[RenewableShareQuerySerializer], responses=RenewableShareSerializer)
    @action(detail=False, methods=["get"])
    def share(self, request):
        """The renewable share of the park (or ``enterprise``) in ``year``: (on-site + instruments) / electricity
        used, the electricity from the statement in force."""
        q = params.read(request.query_params, {"park": params.ID, "year": params.YEAR, "enterprise": params.ID})
        missing = [k for k in ("park", "year") if k not in q]
        if missing:
            raise ValidationError({k: [_("This parameter is required.")] for k in missing})
        # a park or enterprise outside the caller's scope is answered like a missing one: 400 naming the parameter
        park = Park.objects.restrict(request.user).filter(pk=q["park"]).first()
        if park is None or ("enterprise" not in q and not tenancy.is_park_member(request.user, park.pk)):
            raise ValidationError({"park": [_("No such park in your scope.")]})
        enterprise = None
        if "enterprise" in q:
            enterprise = Enterprise.objects.restrict(request.user).filter(pk=q["enterprise"], park=park).first()
            if enterprise is None:
                raise ValidationError({"enterprise": [_("No such enterprise of this park in your scope.")]})
        got = selectors.renewable_share(park, q["year"], enterprise)
        return Response(RenewableShareSerializer({**got, "statement": got["statement"].pk if got["statement"] else None}).data)


class ZeroCarbonIndicatorValueSerializer(ScopedModelSerializer):
    park = ScopedRelatedField(queryset=Park.objects.all())

    class Meta:
        model = IndicatorValue
        fields = ["id", "park", "year", "indicator", "value", "source"]
        validators = []


@extend_schema_view(list=extend_schema(parameters=[ZeroCarbonFilterSerializer]))
class IndicatorValueViewSet(_Viewset):
    """Measured values of the zero-carbon park indicators (reuse rates, clean-energy share); POST sets a year's."""

    queryset = IndicatorValue.objects.all()
    serializer_class = ZeroCarbonIndicatorValueSerializer
    http_method_names = APPEND

    def get_queryset(self):
        return _filtered(super().get_queryset(), self.request)

    def create_record(self, data):
        return self._call(services.indicator_value_save, park=data.pop("park"), data=data)


# -- technologies --------------------------------------------------------------------------------------------------
class TechnologySerializer(ScopedModelSerializer):
    park = ScopedRelatedField(queryset=Park.objects.all())
    industries = serializers.ListField(child=serializers.CharField(max_length=4), required=False)

    class Meta:
        model = Technology
        fields = ["id", "park", "name", "category", "industries", "description", "abatement_potential", "cost_low",
                  "cost_high", "maturity", "reference_catalogue", "listed_on", "retired_on", "evaluation_due_on", "owner"]
        validators = []


@extend_schema_view(list=extend_schema(parameters=[ZeroCarbonFilterSerializer]))
class TechnologyViewSet(_Viewset):
    """The technology positive list (技术正面清单, T/CSES 6.3.4): read by the park's enterprises, kept by the park."""

    queryset = Technology.objects.all()
    serializer_class = TechnologySerializer
    http_method_names = READ_WRITE

    def get_queryset(self):
        return _filtered(super().get_queryset(), self.request, year=False)

    def create_record(self, data):
        return self._call(services.technology_save, park=data.pop("park"), data=data)

    def update_record(self, instance, data):
        data.pop("park", None)
        return self._call(services.technology_save, technology=instance, data=data)


class TechnologyEvaluationSerializer(ScopedModelSerializer):
    technology = ScopedRelatedField(queryset=Technology.objects.all())

    class Meta:
        model = TechnologyEvaluation
        fields = ["id", "technology", "evaluated_on", "conclusion", "findings", "next_due_on", "evaluated_by"]
        read_only_fields = ["evaluated_by"]
        validators = []

    def record_scope(self, attrs):
        t = attrs.get("technology")
        return tenancy.Scope.of(t) if t is not None else super().record_scope(attrs)


class EvaluationViewSet(_Viewset):
    queryset = TechnologyEvaluation.objects.all()
    serializer_class = TechnologyEvaluationSerializer
    http_method_names = APPEND

    def create_record(self, data):
        return self._call(services.technology_evaluate, technology=data.pop("technology"), data=data)


class DemonstrationProjectSerializer(ScopedModelSerializer):
    technology = ScopedRelatedField(queryset=Technology.objects.all())
    enterprise = ScopedRelatedField(queryset=Enterprise.objects.all())
    scope_fields = ()
    scope_reach = {"enterprise": PARK_REACH}

    class Meta:
        model = DemonstrationProject
        fields = ["id", "technology", "enterprise", "name", "status", "started_on", "investment_10k_yuan", "abatement_t",
                  "results"]
        validators = []


class DemonstrationViewSet(_Viewset):
    queryset = DemonstrationProject.objects.all()
    serializer_class = DemonstrationProjectSerializer
    http_method_names = APPEND

    def create_record(self, data):
        return self._call(services.demonstration_save, technology=data.pop("technology"), data=data)


def register_routes(router) -> None:
    """Register this app's viewsets on the API router (called from carbonms/api/urls.py)."""
    router.register("zero-carbon/plans", PlanViewSet, basename="zc-plan")
    router.register("zero-carbon/plan-targets", PlanTargetViewSet, basename="zc-plan-target")
    router.register("zero-carbon/infrastructure", InfrastructureViewSet, basename="zc-infrastructure")
    router.register("zero-carbon/renewable-supply", SupplyViewSet, basename="zc-supply")
    router.register("zero-carbon/indicator-values", IndicatorValueViewSet, basename="zc-indicator-value")
    router.register("zero-carbon/technologies", TechnologyViewSet, basename="zc-technology")
    router.register("zero-carbon/technology-evaluations", EvaluationViewSet, basename="zc-technology-evaluation")
    router.register("zero-carbon/demonstrations", DemonstrationViewSet, basename="zc-demonstration")

