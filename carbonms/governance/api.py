"""REST endpoints of the governance app (same tenancy, services and workflows as the pages; OpenAPI at /api/schema/).

* ``/api/v1/governance/applications/`` — project applications: POST creates (planned energy and emissions computed; a
  draft is changed on its page); ``…/{id}/transition/`` screens (``screen``), records the committee's decision (``decide``
  with ``decision``, ``decided_on``, votes, ``conditions``, ``entry_date``) and the post-operation check;
* ``/api/v1/governance/schemes/``, ``…/rounds/`` (POST opens a round; ``…/{id}/transition/``: compute, submit,
  approve), ``…/assessments/`` (with their scores; read-only: scores are given on the pages);
* ``/api/v1/governance/service-requests/`` — an enterprise's needs (POST files one);
* ``/api/v1/governance/procurement-criteria/`` — the park's green procurement criteria (read by its enterprises; POST
  adds one), ``…/procurement-evaluations/`` — purchases evaluated against them (T/CSES 6.3.6 a); the park's own: POST
  evaluates one, significance computed from the criterion's threshold).
"""
from __future__ import annotations

from rest_framework import serializers

from carbonms.common.api import ScopedModelSerializer, ScopedModelViewSet, WorkflowViewSetMixin
from carbonms.common.files import ScopedFileField

from . import assessment, services
from .models import (
    AssessmentRound,
    AssessmentScheme,
    Criterion,
    EnterpriseAssessment,
    ProcurementCriterion,
    ProcurementEvaluation,
    ProjectApplication,
    Score,
    ServiceRequest,
)


class _ParkRecordViewSet(ScopedModelViewSet):
    """A park's record created by a service that takes the park apart from the other fields (``create_service``)."""

    http_method_names = ["get", "post", "head", "options"]
    create_service = None

    def create_record(self, data):
        data = dict(data)
        park = data.pop("park")
        return type(self).create_service(actor=self.request.user, park=park, data=data)


class ApplicationSerializer(ScopedModelSerializer):
    energy_report = ScopedFileField("governance:application_energy_report", "energy_report")
    carbon_report = ScopedFileField("governance:application_carbon_report", "carbon_report")

    class Meta:
        model = ProjectApplication
        fields = ["id", "park", "number", "project", "applicant", "credit_code", "industry_code", "products", "capacity",
                  "capacity_unit", "planned_output", "benchmark", "operation_year", "planned_activity",
                  "planned_energy_tce", "planned_emissions_t", "calculation", "renewable_share_pct", "energy_report",
                  "carbon_report", "status", "screening", "screened_at", "decision", "conditions", "decided_on",
                  "votes_for", "votes_against", "votes_abstain", "entry_date", "enterprise", "provisional_allocation_t",
                  "actual_emissions_t", "post_check"]
        read_only_fields = ["number", "planned_energy_tce", "planned_emissions_t", "calculation", "status", "screening",
                            "screened_at", "decision", "conditions", "decided_on", "votes_for", "votes_against",
                            "votes_abstain", "entry_date", "enterprise", "provisional_allocation_t",
                            "actual_emissions_t", "post_check"]


class ApplicationViewSet(WorkflowViewSetMixin, _ParkRecordViewSet):
    """Project applications of the parks the caller is staff of (no PATCH: a record that an enterprise's users may
    not even see would answer them 404, not 403)."""

    queryset = ProjectApplication.objects.all()
    serializer_class = ApplicationSerializer
    create_service = services.application_save


class CriterionSerializer(ScopedModelSerializer):
    class Meta:
        model = Criterion
        fields = ["id", "code", "name", "group", "max_points", "source", "rule", "position"]


class SchemeSerializer(ScopedModelSerializer):
    criteria = CriterionSerializer(many=True, read_only=True)

    class Meta:
        model = AssessmentScheme
        fields = ["id", "park", "title", "version", "status", "excellent_min", "good_min", "pass_min",
                  "missed_target_cap", "rewards", "penalties", "in_force_from", "criteria"]


class SchemeViewSet(ScopedModelViewSet):
    queryset = AssessmentScheme.objects.all()
    serializer_class = SchemeSerializer
    http_method_names = ["get", "head", "options"]

    def base_queryset(self):
        return super().base_queryset().prefetch_related("criteria")


class RoundSerializer(ScopedModelSerializer):
    class Meta:
        model = AssessmentRound
        fields = ["id", "park", "year", "scheme", "status", "self_assessment_due", "approved_on", "published_at"]
        read_only_fields = ["scheme", "status", "approved_on", "published_at"]


class RoundViewSet(WorkflowViewSetMixin, ScopedModelViewSet):
    """Assessment rounds: POST opens the round of a year under the scheme in force."""

    queryset = AssessmentRound.objects.all()
    serializer_class = RoundSerializer
    http_method_names = ["get", "post", "head", "options"]

    def create_record(self, data):
        return assessment.round_open(actor=self.request.user, park=data["park"], year=data["year"],
                                     self_assessment_due=data.get("self_assessment_due"))


class ScoreSerializer(ScopedModelSerializer):
    code = serializers.CharField(source="criterion.code", read_only=True)
    max_points = serializers.DecimalField(source="criterion.max_points", max_digits=5, decimal_places=1, read_only=True)

    class Meta:
        model = Score
        fields = ["criterion", "code", "max_points", "computed", "evidence", "self_score", "park_score", "note"]


class AssessmentSerializer(ScopedModelSerializer):
    scores = ScoreSerializer(many=True, read_only=True)
    year = serializers.IntegerField(source="round.year", read_only=True)

    class Meta:
        model = EnterpriseAssessment
        fields = ["id", "round", "year", "park", "enterprise", "self_total", "total", "grade", "target_missed", "rank",
                  "appeal", "appeal_reason", "appeal_outcome", "scores"]


class AssessmentViewSet(ScopedModelViewSet):
    """Enterprise results with their scores (an enterprise's users see their own)."""

    queryset = EnterpriseAssessment.objects.all()
    serializer_class = AssessmentSerializer
    http_method_names = ["get", "head", "options"]

    def base_queryset(self):
        return super().base_queryset().select_related("round").prefetch_related("scores__criterion")


class ServiceRequestSerializer(ScopedModelSerializer):
    class Meta:
        model = ServiceRequest
        fields = ["id", "park", "enterprise", "kind", "description", "quantity", "unit", "needed_by", "status",
                  "response"]
        read_only_fields = ["park", "status", "response"]


class ServiceRequestViewSet(ScopedModelViewSet):
    """Enterprises' needs of renewable power, credits, allowances and low-carbon supply (T/CSES 6.3.6 d) e))."""

    queryset = ServiceRequest.objects.all()
    serializer_class = ServiceRequestSerializer
    http_method_names = ["get", "post", "head", "options"]

    def create_record(self, data):
        data = dict(data)
        enterprise = data.pop("enterprise")
        return services.request_save(actor=self.request.user, enterprise=enterprise, data=data)


class ProcurementCriterionSerializer(ScopedModelSerializer):
    class Meta:
        model = ProcurementCriterion
        fields = ["id", "park", "category", "title", "significance", "evaluation", "threshold_tco2e", "in_force_from"]


class ProcurementCriterionViewSet(_ParkRecordViewSet):
    """Green procurement criteria of the park (its enterprises read them); POST adds one."""

    queryset = ProcurementCriterion.objects.all()
    serializer_class = ProcurementCriterionSerializer
    create_service = services.procurement_save


class ProcurementEvaluationSerializer(ScopedModelSerializer):
    class Meta:
        model = ProcurementEvaluation
        fields = ["id", "park", "criterion", "item", "supplier", "evaluated_on", "impact_tco2e", "basis", "significant",
                  "decision", "conditions", "evaluated_by"]
        read_only_fields = ["evaluated_by"]


class ProcurementEvaluationViewSet(_ParkRecordViewSet):
    """Purchases evaluated against a criterion (the park's own record); POST evaluates one: significant when the
    impact reaches the criterion's threshold either way (the evaluator judges where it has none)."""

    queryset = ProcurementEvaluation.objects.all()
    serializer_class = ProcurementEvaluationSerializer
    create_service = services.procurement_evaluate


def register_routes(router) -> None:
    """Register this app's viewsets on the API router (called from carbonms/api/urls.py)."""
    router.register("governance/applications", ApplicationViewSet, basename="governance-application")
    router.register("governance/schemes", SchemeViewSet, basename="governance-scheme")
    router.register("governance/rounds", RoundViewSet, basename="governance-round")
    router.register("governance/assessments", AssessmentViewSet, basename="governance-assessment")
    router.register("governance/service-requests", ServiceRequestViewSet, basename="governance-request")
    router.register("governance/procurement-criteria", ProcurementCriterionViewSet, basename="governance-procurement-criterion")
    router.register("governance/procurement-evaluations", ProcurementEvaluationViewSet,
                    basename="governance-procurement-evaluation")
