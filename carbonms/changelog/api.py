from django.contrib.contenttypes.models import ContentType
from rest_framework import serializers

from carbonms.common.api import ScopedModelSerializer, ScopedModelViewSet

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


class ChangeRecordViewSet(ScopedModelViewSet):
    """The change history within the caller's scope; read only, for everybody."""

    queryset = ChangeRecord.objects.all()
    serializer_class = ChangeRecordSerializer
    http_method_names = ["get", "head", "options"]

    def base_queryset(self):
        return ChangeRecord.objects.select_related("content_type")
