"""REST endpoints of calculation runs and results (same scope rules as the pages)."""
from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from carbonms.common import params
from carbonms.common.api import (
    ScopedModelSerializer,
    ScopedModelViewSet,
    ScopedRelatedField,
    ScopedSerializer,
    WorkflowViewSetMixin,
)
from carbonms.common.files import ScopedFileField
from carbonms.common.pagination import CappedLimitOffsetPagination
from carbonms.common.query import IdFilter
from carbonms.organizations.models import GWP_CHOICES, Enterprise, FactorSet, GridScope, GridYearRule, Park

from . import selectors, services, statements
from .diff import run_diff
from .models import CalculationRun, InventoryStatement, RunResult


class RunSerializer(ScopedModelSerializer):
    """A run. On POST, ``gwp_set``, ``grid_scope``, ``grid_year_rule``, ``grid_year`` and ``factor_set`` default to
    the park's factor policy and ``boundary_date`` to the end of the year (today for the current year); the run
    records what it applied in ``policy``, ``boundaries`` and what it holds in ``coverage``."""

    park = ScopedRelatedField(queryset=Park.objects.all())
    enterprise = ScopedRelatedField(queryset=Enterprise.objects.all(), allow_null=True, required=False)
    gwp_set = serializers.ChoiceField(choices=GWP_CHOICES, required=False)
    grid_scope = serializers.ChoiceField(choices=GridScope.choices, required=False, write_only=True)
    grid_year_rule = serializers.ChoiceField(choices=GridYearRule.choices, required=False, write_only=True)
    grid_year = serializers.IntegerField(required=False, allow_null=True, min_value=2000, max_value=2100, write_only=True)
    factor_set = serializers.ChoiceField(choices=FactorSet.choices, required=False, write_only=True)
    boundary_date = serializers.DateField(required=False, allow_null=True, write_only=True)

    class Meta:
        model = CalculationRun
        fields = ["id", "park", "enterprise", "year", "basis", "gwp_set", "fuel_set", "run_by", "reason", "totals", "n_results",
                  "n_records", "timings", "locked_period", "created_at", "policy", "coverage", "boundaries",
                  "grid_scope", "grid_year_rule", "grid_year", "factor_set", "boundary_date"]
        read_only_fields = ["fuel_set", "run_by", "totals", "n_results", "n_records", "timings", "locked_period", "created_at",
                            "policy", "coverage", "boundaries"]


class RunListSerializer(RunSerializer):
    """A run in a list: as its record, except ``totals`` without ``by_enterprise``,
    ``energy_tce_by_enterprise`` and ``drill`` (the drill-down's figures), ``coverage`` without ``by_enterprise``, ``missing`` and
    ``enterprises_without_data`` (``n_missing`` counts them) and ``boundaries`` without ``enterprises``."""

    totals = serializers.JSONField(source="totals_brief", read_only=True)
    coverage = serializers.JSONField(source="coverage_brief", read_only=True)
    boundaries = serializers.JSONField(source="boundaries_brief", read_only=True)


class ResultSerializer(ScopedModelSerializer):
    class Meta:
        model = RunResult
        fields = ["id", "run", "enterprise", "source", "activity", "activity_version", "amount", "unit", "month", "category",
                  "method", "material", "gas", "mass_t", "co2e_t", "energy_tce", "factor_version_id", "factor", "gwp",
                  "counted_in_park"]


class DiffReasonsSerializer(ScopedSerializer):
    data = serializers.ListField(child=serializers.CharField(), required=False)
    factor = serializers.ListField(child=serializers.CharField(), required=False)
    method = serializers.ListField(child=serializers.CharField(), required=False)
    added = serializers.ListField(child=serializers.CharField(), required=False)
    removed = serializers.ListField(child=serializers.CharField(), required=False)


class DiffLineSerializer(ScopedSerializer):
    source_id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()
    enterprise = serializers.CharField(help_text="the enterprise's name")
    old = serializers.FloatField(help_text="t CO2e in the older run")
    new = serializers.FloatField(help_text="t CO2e in this run")
    delta = serializers.FloatField()
    reasons = DiffReasonsSerializer()


class RunDiffSerializer(ScopedSerializer):
    run = serializers.IntegerField()
    against = serializers.IntegerField(allow_null=True, help_text="the run compared with (none: no earlier run)")
    lines = DiffLineSerializer(many=True)


class CalculationRunViewSet(ScopedModelViewSet):
    """Runs. POST computes a run (``enterprise`` empty: the whole park); ``diff`` compares with ``?against=``."""

    queryset = CalculationRun.objects.all()
    serializer_class = RunSerializer
    http_method_names = ["get", "post", "head", "options"]

    def get_serializer_class(self):
        return RunListSerializer if self.action == "list" else RunSerializer

    def get_queryset(self):
        qs = super().get_queryset()
        return selectors.brief_runs(qs) if self.action == "list" else qs

    def create_record(self, data):
        return services.run_calculation(
            actor=self.request.user, park=data["park"], enterprise=data.get("enterprise"), year=data["year"],
            reason=data.get("reason", ""), basis=data.get("basis", CalculationRun.Basis.MANAGEMENT),
            **{k: data.get(k) for k in ("gwp_set", "grid_scope", "grid_year_rule", "grid_year", "factor_set", "boundary_date")})

    @extend_schema(
        parameters=[OpenApiParameter("against", OpenApiTypes.INT,
                                     description="the run to compare with (default: the previous run of the same scope and year)")],
        responses=RunDiffSerializer)
    @action(detail=True, methods=["get"])
    def diff(self, request, pk=None):
        from carbonms.common.tenancy import get_for_user

        run = self.get_object()
        against = params.read(request.query_params, {"against": params.ID}).get("against")
        old = get_for_user(CalculationRun, request.user, against, "view") if against else (
            CalculationRun.objects.restrict(request.user).filter(park=run.park_id, enterprise=run.enterprise_id, year=run.year,
                                                                 created_at__lt=run.created_at).first())
        return Response({"run": run.pk, "against": old.pk if old else None, "lines": run_diff(old, run) if old else []})


class ResultFilterSerializer(ScopedSerializer):
    run = IdFilter()
    enterprise = IdFilter()
    source = IdFilter()
    category = serializers.ChoiceField(required=False, choices=RunResult._meta.get_field("category").choices)
    month = serializers.IntegerField(required=False, min_value=1, max_value=12)


class ResultPagination(CappedLimitOffsetPagination):
    """``count`` from the runs' stored counts where they are exact (``selectors.result_count``): counting a
    park's 3 million results for each page cost ≈ 150 ms (issue 16)."""

    known_count: int | None = None

    def get_count(self, queryset):
        return self.known_count if self.known_count is not None else super().get_count(queryset)


@extend_schema_view(list=extend_schema(parameters=[ResultFilterSerializer]))
class RunResultViewSet(ScopedModelViewSet):
    queryset = RunResult.objects.all()
    serializer_class = ResultSerializer
    http_method_names = ["get", "head", "options"]

    pagination_class = ResultPagination

    def filters(self) -> dict:
        spec = {"run": params.ID, "enterprise": params.ID, "source": params.ID,
                "category": params.choice([v for v, _label in RunResult._meta.get_field("category").flatchoices]),
                "month": params.MONTH}
        return params.read(self.request.query_params, spec)

    def get_queryset(self):
        return super().get_queryset().filter(**self.filters())

    def paginate_queryset(self, queryset):
        self.paginator.known_count = selectors.result_count(self.request.user, self.filters())
        page = super().paginate_queryset(queryset)
        if page is not None:
            attach_runs(page)
        return page


def attach_runs(results) -> None:
    """Give each result its run, read once per run on the page (``factor`` reads the run's factor list):
    without it, every row of a page fetched its run again."""
    ids = {r.run_id for r in results}
    runs = CalculationRun.objects.in_bulk(ids) if ids else {}
    cache = RunResult._meta.get_field("run")
    for r in results:
        if r.run_id in runs:
            cache.set_cached_value(r, runs[r.run_id])


class StatementSerializer(ScopedModelSerializer):
    """An inventory statement; POST makes a draft from ``run`` (with ``restatement_reason`` when the year already has
    a statement in force)."""

    run = ScopedRelatedField(queryset=CalculationRun.objects.all())
    verification_report = ScopedFileField("inventory:statement_report", "verification_report")
    restatement_reason = serializers.CharField(required=False, allow_blank=True, max_length=500)
    # empty until the verification is recorded: the schema must admit the blank value
    opinion = serializers.ChoiceField(choices=InventoryStatement.Opinion.choices, allow_blank=True, read_only=True)

    class Meta:
        model = InventoryStatement
        fields = ["id", "park", "enterprise", "year", "basis", "status", "run", "gwp_set", "totals", "coverage", "policy",
                  "boundaries", "intensities", "denominators", "justification", "drafted_by", "approved_by", "approved_at",
                  "close_exceptions", "verified_by", "verified_on", "opinion", "misstatements", "verification_report",
                  "supersedes", "restatement_reason", "created_at"]
        read_only_fields = ["park", "enterprise", "year", "status", "gwp_set", "totals", "coverage", "policy", "boundaries",
                            "intensities", "denominators", "drafted_by", "approved_by", "approved_at", "close_exceptions",
                            "verified_by", "verified_on", "opinion", "misstatements", "verification_report", "supersedes",
                            "created_at"]


class InventoryStatementViewSet(WorkflowViewSetMixin, ScopedModelViewSet):
    """Inventory statements (the figure of record). POST makes a draft from a run; ``/{id}/transition/`` approves it
    (``{"step": "approve", "exceptions": [{"enterprise": id, "reason": …}]}`` for a park closing with exceptions) or
    records the verification (``verify``: multipart with ``opinion``, ``misstatements``, ``verified_on`` and the
    ``verification_report`` file)."""

    queryset = InventoryStatement.objects.all()
    serializer_class = StatementSerializer
    http_method_names = ["get", "post", "head", "options"]

    def create_record(self, data):
        run = data["run"]
        in_force = statements.official_statement(park=run.park, year=run.year, enterprise=run.enterprise,
                                                 basis=data.get("basis") or InventoryStatement.Basis.MANAGEMENT)
        if in_force is not None and (data.get("restatement_reason") or "").strip():
            return statements.statement_restate(actor=self.request.user, statement=in_force, run=run,
                                                reason=data["restatement_reason"], justification=data.get("justification", ""))
        return statements.statement_create(actor=self.request.user, run=run, basis=data.get("basis") or "management",
                                           justification=data.get("justification", ""))
