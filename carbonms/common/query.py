"""Query parameters of list endpoints in the OpenAPI schema: a filter serializer names them with their
types and ranges (``extend_schema(parameters=[TheFilterSerializer])``); ``common.params`` validates
them on the request (a bad value is a 400 naming the parameter)."""
from __future__ import annotations

from rest_framework import serializers

# Positive database ids: larger numbers cannot be stored in any of our databases' integer columns.
MAX_ID = 2**63 - 1


def IdFilter(**kw) -> serializers.IntegerField:  # noqa: N802  (reads like a field class)
    return serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID, **kw)
