"""Requests that would break request parsing or the database are answered 400 before any view runs:
a malformed ``Content-Length`` header, a NUL character in the query string.

A view that reads the raw body itself and answers a bad length in its own documented format (the
meter-readings endpoint) declares it with :func:`reads_own_body`.
"""
from __future__ import annotations

import re

from django.http import HttpResponseBadRequest, JsonResponse
from django.utils.translation import gettext as _

# A non-negative decimal length, at most 15 digits (about a petabyte): Django reads the header with
# int() in several places, where "abc", "1e3" or a 30-digit value raise a server error.
_LENGTH = re.compile(r"\d{1,15}")


def reads_own_body(view):
    """Mark ``view`` as checking ``Content-Length`` itself (it never touches ``request.body``/``POST``)."""
    view.reads_own_body = True
    return view


def _bad_request(request, message: str):
    """A 400 in the format of the address: JSON ``{"detail": …}`` under /api/ (as the API documents its
    refusals), plain text elsewhere."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": str(message)}, status=400)
    return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")


class RequestHeadersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        # Runs before every other middleware's process_view (CSRF reads request.POST there); the answer
        # still passes through the other middleware (security headers, CSP).
        query = request.META.get("QUERY_STRING", "")
        if "%00" in query or "\x00" in query:
            # PostgreSQL refuses NUL characters in text: a filter holding one would be a server error.
            return _bad_request(request, _("The query string contains a NUL character."))
        if getattr(view_func, "reads_own_body", False):
            return None
        length = request.META.get("CONTENT_LENGTH")
        if length not in (None, "") and not _LENGTH.fullmatch(str(length).strip()):
            return _bad_request(request, _("The Content-Length header is not a valid length."))
        return None
