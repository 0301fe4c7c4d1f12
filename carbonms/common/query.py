"""Query parameters of list endpoints, validated like a form: a bad value is a 400 naming the parameter,
never a 500 from the database. The same serializer documents the parameters in the OpenAPI schema
(``extend_schema(parameters=[TheFilterSerializer])``)."""
from __future__ import annotations

from rest_framework import serializers
from rest_framework.exceptions import ValidationError

# Positive database ids: larger numbers cannot be stored in any of our databases' integer columns.
MAX_ID = 2**63 - 1


def IdFilter(**kw) -> serializers.IntegerField:  # noqa: N802  (reads like a field class)
    return serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID, **kw)


def validated_query(request, serializer_class) -> dict:
    """The validated, non-empty query parameters named by ``serializer_class``; 400 on a bad one."""
    params = {k: v for k, v in request.query_params.items() if k in serializer_class().fields and v != ""}
    s = serializer_class(data=params)
    if not s.is_valid():
        raise ValidationError(s.errors)
    return {k: v for k, v in s.validated_data.items() if v is not None}
