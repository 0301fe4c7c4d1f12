from django.http import JsonResponse
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from carbonms.common import tenancy
from carbonms.common.api import ScopedAPIView, ScopedSerializer


class RoleSerializer(ScopedSerializer):
    role = serializers.CharField()
    role_display = serializers.CharField()
    park = serializers.IntegerField()
    enterprise = serializers.IntegerField(allow_null=True)
    valid_until = serializers.DateTimeField(allow_null=True)


class MeSerializer(ScopedSerializer):
    username = serializers.CharField()
    full_name = serializers.CharField()
    roles = RoleSerializer(many=True)


class MeView(ScopedAPIView):
    """The caller and the roles in force for them (what the API will let them see and do)."""

    @extend_schema(responses=MeSerializer)
    def get(self, request):
        roles = [
            {"role": a.role, "role_display": str(a.get_role_display()), "park": a.park_id, "enterprise": a.enterprise_id,
             "valid_until": a.valid_until}
            for a in tenancy.active_assignments(request.user)
        ]
        return Response(MeSerializer({"username": request.user.username, "full_name": request.user.full_name, "roles": roles}).data)


@csrf_exempt  # it changes nothing; a refused CSRF check would answer the HTML 403 page instead
def not_found(request, *args, **kwargs):
    """The API's answer to an address it does not have: JSON, like every other API answer, not the 404 page."""
    return JsonResponse({"detail": str(NotFound.default_detail)}, status=404)
