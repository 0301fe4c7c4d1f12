from django.contrib.contenttypes.models import ContentType
from rest_framework import serializers, viewsets

from carbonms.common import tenancy
from carbonms.common.api import ScopedModelSerializer

from .models import ChangeRecord
from .tracking import redact


class ChangeRecordSerializer(ScopedModelSerializer):
    model = serializers.SerializerMethodField()
    changes = serializers.SerializerMethodField()

    class Meta:
        model = ChangeRecord
        fields = ["id", "time", "user_name", "source_kind", "source_id", "model", "object_id", "object_repr", "action",
                  "changes", "park_id", "enterprise_id"]

    def get_model(self, obj) -> str:
        return f"{obj.content_type.app_label}.{obj.content_type.model}"

    def get_changes(self, obj) -> dict:
        """The stored changes, secrets hidden (also in records written before secrets were redacted)."""
        return redact(ContentType.objects.get_for_id(obj.content_type_id).model_class(), obj.changes)


class ChangeRecordViewSet(viewsets.ReadOnlyModelViewSet):
    """The change history within the caller's scope; read only, for everybody."""

    serializer_class = ChangeRecordSerializer

    def get_queryset(self):
        return ChangeRecord.objects.restrict(self.request.user).select_related("content_type")

    def get_object(self):
        return tenancy.get_for_user(ChangeRecord.objects.select_related("content_type"), self.request.user, self.kwargs["pk"])
