from rest_framework import serializers

from carbonms.common.api import ScopedModelSerializer, ScopedModelViewSet

from .models import ChangeRecord


class ChangeRecordSerializer(ScopedModelSerializer):
    model = serializers.SerializerMethodField()

    class Meta:
        model = ChangeRecord
        fields = ["id", "time", "user_name", "source_kind", "source_id", "model", "object_id", "object_repr", "action",
                  "changes", "park_id", "enterprise_id"]

    def get_model(self, obj) -> str:
        return f"{obj.content_type.app_label}.{obj.content_type.model}"


class ChangeRecordViewSet(ScopedModelViewSet):
    """The change history within the caller's scope; read only, for everybody."""

    queryset = ChangeRecord.objects.all()
    serializer_class = ChangeRecordSerializer
    http_method_names = ["get", "head", "options"]

    def base_queryset(self):
        return ChangeRecord.objects.select_related("content_type")
