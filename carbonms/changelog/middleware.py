"""Marks every request as the source of the changes it makes, with a request id. GET, HEAD and OPTIONS
requests are read-only sources: the records they load are not snapshotted (see changelog.tracking)."""
from __future__ import annotations

import uuid

from .context import change_source

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class ChangeContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request_id = request.headers.get("X-Request-ID", "")[:64] or uuid.uuid4().hex
        request.request_id = request_id
        with change_source("request", request_id, request=request, remote_addr=request.META.get("REMOTE_ADDR", ""),
                           read_only=request.method in SAFE_METHODS):
            response = self.get_response(request)
        response["X-Request-ID"] = request_id
        return response
