"""Requests that would break request parsing or the database are answered 400 before any view runs:
a malformed ``Content-Length`` header, a NUL character in the query string."""
from __future__ import annotations

import re

from django.http import HttpResponseBadRequest
from django.utils.translation import gettext as _

# A non-negative decimal length, at most 15 digits (about a petabyte): Django reads the header with
# int() in several places, where "abc", "1e3" or a 30-digit value raise a server error.
_LENGTH = re.compile(r"\d{1,15}")


class RequestHeadersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        length = request.META.get("CONTENT_LENGTH")
        if length not in (None, "") and not _LENGTH.fullmatch(str(length).strip()):
            return HttpResponseBadRequest(_("The Content-Length header is not a valid length."),
                                          content_type="text/plain; charset=utf-8")
        if "%00" in request.META.get("QUERY_STRING", "") or "\x00" in request.META.get("QUERY_STRING", ""):
            # PostgreSQL refuses NUL characters in text: a filter holding one would be a server error.
            return HttpResponseBadRequest(_("The query string contains a NUL character."),
                                          content_type="text/plain; charset=utf-8")
        return self.get_response(request)
