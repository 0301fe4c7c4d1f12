from __future__ import annotations

from rest_framework import serializers

from carbonms.common.api import ScopedModelSerializer, ScopedModelViewSet

from .models import Task


class TaskSerializer(ScopedModelSerializer):
    title = serializers.CharField(source="display_title", read_only=True,
                                  help_text="In the caller's language (from title_code and title_params when set).")

    class Meta:
        model = Task
        fields = ["id", "kind", "title", "title_code", "title_params", "url", "due_on", "done_at", "overdue"]


class TaskViewSet(ScopedModelViewSet):
    """The caller's own reminder tasks."""

    queryset = Task.objects.all()
    serializer_class = TaskSerializer
    http_method_names = ["get", "head", "options"]

    def base_queryset(self):
        return Task.objects.restrict(self.request.user).filter(user=self.request.user)
