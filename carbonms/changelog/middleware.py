"""Marks every request as the source of the changes it makes, with a request id."""
from __future__ import annotations

import uuid

from .context import change_source


class ChangeContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request_id = request.headers.get("X-Request-ID", "")[:64] or uuid.uuid4().hex
        request.request_id = request_id
        with change_source("request", request_id, request=request, remote_addr=request.META.get("REMOTE_ADDR", "")):
            response = self.get_response(request)
        response["X-Request-ID"] = request_id
        return response
