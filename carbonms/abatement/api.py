"""REST endpoints of the abatement app (``/api/v1/abatement/…``): opportunities, action-plan lines, scenarios and
the pathway of a system. Same tenancy as the pages (``ScopedModelViewSet``); writes call the same services. The
entity a new record belongs to is given by ``park`` and ``enterprise`` (empty: the park)."""
from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from carbonms.common.api import (
    ScopedModelSerializer,
    ScopedSerializer,
)
from carbonms.management import system as systems
from carbonms.management.api import SystemSerializer, SystemViewSet

from . import selectors, services
from .models import ActionLine, Opportunity, Scenario

ESTIMATE_READ_ONLY = ["annual_reduction_t", "estimate"]


class OpportunitySerializer(SystemSerializer):
    class Meta:
        model = Opportunity
        fields = ["id", "park", "enterprise", "code", "title", "description", "category", "stage", "sources", "units",
                  "activity_before", "activity_after", "gwp_set", "factor_year", "annual_reduction_t", "estimate", "capex",
                  "delta_opex", "lifetime_years", "discount_rate_pct", "crf", "cost_per_t", "payback_years", "maturity",
                  "co_benefits", "owner", "status"]
        read_only_fields = [*ESTIMATE_READ_ONLY, "crf", "cost_per_t", "payback_years"]
        validators = []


class ActionLineSerializer(SystemSerializer):
    class Meta:
        model = ActionLine
        fields = ["id", "park", "enterprise", "code", "measure", "technical_content", "kind", "path_method", "target",
                  "opportunity", "sources", "units", "department", "responsible", "resources", "budget", "start_date",
                  "end_date", "stage_results", "verification_method", "activity_before", "activity_after", "gwp_set",
                  "factor_year", "annual_reduction_t", "estimate", "verified_reduction_t", "verified_on",
                  "verification_note", "status"]
        read_only_fields = ESTIMATE_READ_ONLY
        validators = []
        extra_kwargs = {"verification_method": {"required": False, "allow_blank": True},
                        "responsible": {"required": False, "allow_null": True}}


class ScenarioSerializer(SystemSerializer):
    class Meta:
        model = Scenario
        fields = ["id", "park", "enterprise", "name", "kind", "horizon", "growth_pct", "intensity_change_pct",
                  "uncertainty_pp", "include_action_plans", "extra_reductions", "sinks", "note"]


class PromoteSerializer(ScopedModelSerializer):
    class Meta:
        model = ActionLine
        fields = ["target", "department", "responsible", "path_method", "resources", "start_date", "end_date",
                  "stage_results", "verification_method"]
        extra_kwargs = {"verification_method": {"required": False, "allow_blank": True},
                        "responsible": {"required": False, "allow_null": True}}


class _ScopedPromote(PromoteSerializer):
    """The promote payload, its relations checked against the opportunity's entity."""

    def record_scope(self, attrs):
        from carbonms.common import tenancy

        opp = self.context["opportunity"]
        return tenancy.Scope(opp.park_id, opp.enterprise_id)


class PromoteStateSerializer(ScopedSerializer):
    status = serializers.CharField()
    promotable = serializers.BooleanField()


class _OwnedViewSet(SystemViewSet):
    """Writes through ``save`` (a service taking ``actor``, ``data`` and ``park``/``enterprise`` or ``instance``)."""

    save = None
    http_method_names = ["get", "post", "patch", "head", "options"]

    def create_with(self, data, park, enterprise):
        return type(self).save(actor=self.request.user, data=data, park=park, enterprise=enterprise)

    def update_with(self, instance, data):
        return type(self).save(actor=self.request.user, data=data, instance=instance)


class OpportunityViewSet(_OwnedViewSet):
    """Abatement opportunities (T/CSES 6.3.1 a); T/CIECCPA 8.1): the annual abatement is computed by the accounting
    core from ``activity_before`` / ``activity_after``, the CRF, levelised cost and payback by the MACC core.
    ``/{id}/promote/`` makes an action-plan line from it."""

    queryset = Opportunity.objects.all()
    serializer_class = OpportunitySerializer
    save = staticmethod(services.opportunity_save)

    @extend_schema(methods=["GET"], responses=PromoteStateSerializer)
    @extend_schema(methods=["POST"], request=PromoteSerializer, responses={201: ActionLineSerializer})
    @action(detail=True, methods=["get", "post"])
    def promote(self, request, pk=None):
        """GET: may the caller promote this opportunity now? POST: make the action-plan line (201)."""
        from django.core.exceptions import ValidationError as DjangoValidationError

        from carbonms.common import tenancy
        from carbonms.common.api import as_api_error

        if request.method == "GET":
            opp = tenancy.get_for_user(Opportunity.objects.all(), request.user, pk, "view")
            may = tenancy.can(request.user, "planning", "add", park_id=opp.park_id, enterprise_id=opp.enterprise_id)
            return Response({"status": opp.status, "promotable": may and opp.status == Opportunity.Status.OPEN})
        opp = tenancy.get_for_user(Opportunity.objects.all(), request.user, pk, "change")
        tenancy.require(request.user, "planning", "add", park_id=opp.park_id, enterprise_id=opp.enterprise_id)
        ser = _ScopedPromote(data=request.data, context={**self.get_serializer_context(), "opportunity": opp})
        ser.is_valid(raise_exception=True)
        try:
            line = services.opportunity_promote(actor=request.user, opportunity=opp, data=ser.validated_data)
        except DjangoValidationError as exc:
            raise as_api_error(exc) from None
        return Response(ActionLineSerializer(line, context=self.get_serializer_context()).data, status=201)


class ActionLineViewSet(_OwnedViewSet):
    """Action-plan lines (T/CSES 6.2.2, 6.3 a)–e); T/CPQS 7.2 a)–f)): a responsible person and a verification
    method are required; the expected annual reduction is computed by the accounting core."""

    queryset = ActionLine.objects.all()
    serializer_class = ActionLineSerializer
    save = staticmethod(services.action_save)


class PathwaySerializer(ScopedSerializer):
    history = serializers.DictField(child=serializers.FloatField())
    scenarios = serializers.ListField(child=serializers.DictField())
    targets = serializers.ListField(child=serializers.DictField())
    plans = serializers.DictField(child=serializers.FloatField())


class ScenarioViewSet(_OwnedViewSet):
    """Pathway scenarios (T/CSES 6.3.1 b)); ``pathway/?owner=park-<id>|ent-<id>`` (default: the caller's own) gives the history from the
    statements in force, each scenario's projection (gross, net, band), peak and net-zero year, and the target
    milestones."""

    queryset = Scenario.objects.all()
    serializer_class = ScenarioSerializer
    save = staticmethod(services.scenario_save)

    @extend_schema(parameters=[OpenApiParameter("owner", OpenApiTypes.STR, required=False,
                                                description="park-<id> or ent-<id>; default: the caller's own")],
                   responses=PathwaySerializer)
    @action(detail=False, methods=["get"])
    def pathway(self, request):
        owner = request.query_params.get("owner", "")
        if owner:
            kind, _sep, pk = owner.partition("-")
            if kind not in ("park", "ent") or not pk.isdigit() or len(pk) > 12:
                raise ValidationError({"owner": ["park-<id> or ent-<id>"]})
            system = systems.resolve(request.user, owner)
        else:
            system = systems.home_system(request.user)
            if system is None:
                return Response({"history": {}, "scenarios": [], "targets": [], "plans": {}})
        data = selectors.pathway(request.user, system)
        out = {"history": {str(y): v for y, v in data["history"].items()},
               "scenarios": [{"id": r["scenario"].pk, "name": r["scenario"].name, "kind": r["scenario"].kind,
                              "years": r["years"], "peak": r["peak"], "neutrality_year": r["neutrality_year"]}
                             for r in data["scenarios"]],
               "targets": [{**t, "milestones": {str(y): v for y, v in t["milestones"].items()}} for t in data["targets"]],
               "plans": {str(y): v for y, v in data["plans"].items()}}
        return Response(out)


def register_routes(router) -> None:
    """Register this app's viewsets on the API router (called from carbonms/api/urls.py)."""
    router.register("abatement/opportunities", OpportunityViewSet, basename="abatement-opportunity")
    router.register("abatement/action-lines", ActionLineViewSet, basename="abatement-action-line")
    router.register("abatement/scenarios", ScenarioViewSet, basename="abatement-scenario")
