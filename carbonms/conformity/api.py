from __future__ import annotations

from carbonms.common.api import ScopedModelSerializer, ScopedModelViewSet

from .models import Task


class TaskSerializer(ScopedModelSerializer):
    class Meta:
        model = Task
        fields = ["id", "kind", "title", "url", "due_on", "done_at", "overdue"]


class TaskViewSet(ScopedModelViewSet):
    """The caller's own reminder tasks."""

    queryset = Task.objects.all()
    serializer_class = TaskSerializer
    http_method_names = ["get", "head", "options"]

    def base_queryset(self):
        return Task.objects.filter(user=self.request.user)
