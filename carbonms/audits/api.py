"""REST endpoints of audits, nonconformities and management reviews (same tenancy and services as the pages)."""
from __future__ import annotations

from carbonms.carbondata.models import ActivityRecord
from carbonms.common.api import ScopedModelSerializer, ScopedModelViewSet, ScopedRelatedField
from carbonms.common.files import ScopedFileField
from carbonms.management.api import SystemSerializer, SystemViewSet
from carbonms.management.system import System

from . import services
from .models import Audit, CorrectiveAction, Finding, ManagementReview, Nonconformity, ReviewOutput


def _system(park, enterprise) -> System:
    return System(park, enterprise)


class AuditSerializer(SystemSerializer):
    report_file = ScopedFileField("audits:audit_report_file", "report_file")

    class Meta:
        model = Audit
        fields = ["id", "park", "enterprise", "programme", "title", "kind", "standard", "objective", "criteria", "areas",
                  "scope", "lead", "team", "external_body", "planned_start", "planned_end", "status", "overview",
                  "conclusion", "reported_on", "report_file", "report_sha256"]
        read_only_fields = ["status", "overview", "conclusion", "reported_on", "report_sha256"]


class AuditViewSet(SystemViewSet):
    """Audits: POST plans one (independence of the auditors is enforced)."""

    queryset = Audit.objects.all()
    serializer_class = AuditSerializer
    http_method_names = ["get", "post", "patch", "head", "options"]

    def create_with(self, data, park, enterprise):
        return services.audit_plan(actor=self.request.user, system=_system(park, enterprise), data=data)

    def update_with(self, instance, data):
        return services.audit_plan(actor=self.request.user, audit=instance, data=data)


class FindingSerializer(ScopedModelSerializer):
    class Meta:
        model = Finding
        fields = ["id", "audit", "item", "kind", "description", "evidence", "evidence_version", "evidence_url", "recorded_by"]


class FindingViewSet(ScopedModelViewSet):
    queryset = Finding.objects.all()
    serializer_class = FindingSerializer
    http_method_names = ["get", "head", "options"]


class NonconformitySerializer(SystemSerializer):
    activity_record = ScopedRelatedField(queryset=ActivityRecord.objects.all(), allow_null=True, required=False)

    class Meta:
        model = Nonconformity
        fields = ["id", "park", "enterprise", "number", "title", "source", "finding", "description", "activity_record", "detected_on", "owner",
                  "correction", "correction_on", "five_whys", "fishbone", "eight_d", "root_cause", "effectiveness_review",
                  "effective", "reviewed_on", "status", "closed_on"]
        read_only_fields = ["number", "finding", "effectiveness_review", "effective", "reviewed_on", "status", "closed_on"]


class NonconformityViewSet(SystemViewSet):
    queryset = Nonconformity.objects.all()
    serializer_class = NonconformitySerializer
    http_method_names = ["get", "post", "patch", "head", "options"]

    def create_with(self, data, park, enterprise):
        return services.nc_save(actor=self.request.user, system=_system(park, enterprise), data=data)

    def update_with(self, instance, data):
        return services.nc_save(actor=self.request.user, nc=instance, data=data)


class CorrectiveActionSerializer(ScopedModelSerializer):
    class Meta:
        model = CorrectiveAction
        fields = ["id", "nonconformity", "kind", "description", "owner", "due_on", "done_on", "result", "overdue"]


class CorrectiveActionViewSet(ScopedModelViewSet):
    queryset = CorrectiveAction.objects.all()
    serializer_class = CorrectiveActionSerializer
    http_method_names = ["get", "head", "options"]


class ManagementReviewSerializer(SystemSerializer):
    record_file = ScopedFileField("audits:review_file", "record_file")

    class Meta:
        model = ManagementReview
        fields = ["id", "park", "enterprise", "title", "held_on", "chair", "attendees", "inputs", "inputs_assembled_at",
                  "minutes", "status", "record_file", "record_sha256"]
        read_only_fields = ["inputs", "inputs_assembled_at", "minutes", "status", "record_sha256"]


class ManagementReviewViewSet(SystemViewSet):
    """Management reviews: POST plans one and assembles its inputs from live data."""

    queryset = ManagementReview.objects.all()
    serializer_class = ManagementReviewSerializer
    http_method_names = ["get", "post", "head", "options"]

    def create_with(self, data, park, enterprise):
        return services.review_create(actor=self.request.user, system=_system(park, enterprise), data=data)


class ReviewOutputSerializer(ScopedModelSerializer):
    class Meta:
        model = ReviewOutput
        fields = ["id", "review", "category", "decision", "owner", "due_on", "done_on", "overdue"]


class ReviewOutputViewSet(ScopedModelViewSet):
    queryset = ReviewOutput.objects.all()
    serializer_class = ReviewOutputSerializer
    http_method_names = ["get", "head", "options"]
