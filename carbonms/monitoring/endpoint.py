"""The HTTP bulk endpoint of the gateways: ``POST /api/v1/monitoring/readings/``.

Authorization: ``Gateway <token>`` (or ``Bearer <token>``). Body: JSON (``application/json``) or CSV
(``text/csv``), at most 100,000 readings and 32 MB (``MONITORING["MAX_REQUEST_BYTES"]``). Answers 200 with the per-reading errors and the
counts; the whole request is refused with 400 (malformed), 401 (no or bad token), 403 (the payload
names another park), 413 (too large), 415 (other content type) or 429 (rate limit of the gateway).
"""
from __future__ import annotations

import time

from django.core.cache import cache
from django.http import JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from carbonms.common.middleware import reads_own_body

from . import rollups
from .ingestion import MAX_REQUEST_BYTES, RequestError, ingest, parse_csv, parse_json, setting
from .services import gateway_for_token


def max_body_bytes() -> int:
    return int(setting("MAX_REQUEST_BYTES", MAX_REQUEST_BYTES))


def _too_large(limit: int) -> JsonResponse:
    return _error(_("The request is larger than %(mb)s MB.") % {"mb": f"{limit / 1048576:g}"}, 413, "too_large")


def _error(message: str, status: int, code: str) -> JsonResponse:
    return JsonResponse({"error": {"code": code, "message": message}}, status=status)


def rate_limited(gateway) -> bool:
    """Fixed one-minute window per gateway in the Django cache (use a shared cache, e.g. Redis or the
    database cache, when several web processes serve the endpoint; see docs/monitoring.md)."""
    key = f"monitoring:rl:{gateway.pk}:{int(time.time() // 60)}"
    cache.add(key, 0, 90)
    try:
        n = cache.incr(key)
    except ValueError:
        cache.set(key, 1, 90)
        n = 1
    return n > gateway.rate_limit_per_minute


@reads_own_body  # answers a bad Content-Length itself, in this endpoint's error format
@csrf_exempt
def ingest_view(request):
    auth = request.headers.get("Authorization", "")
    scheme, _sep, token = auth.partition(" ")
    gateway = gateway_for_token(token.strip()) if scheme.lower() in ("gateway", "bearer", "token") else None
    if gateway is None:
        return _error(_("A valid gateway token is required (Authorization: Gateway <token>)."), 401, "unauthorized")
    if request.method != "POST":
        return _error(_("Send the readings with POST."), 405, "method_not_allowed")
    if rate_limited(gateway):
        resp = _error(_("Too many requests from this gateway; retry in a minute."), 429, "rate_limited")
        resp["Retry-After"] = "60"
        return resp
    # The body is read here, never through request.body/POST (whose DATA_UPLOAD_MAX_MEMORY_SIZE, 2.5 MB by
    # default, is meant for forms): at most the limit plus one byte, whatever Content-Length claims.
    limit = max_body_bytes()
    declared = request.META.get("CONTENT_LENGTH") or "0"
    if not (declared.isascii() and declared.isdigit()):
        return _error(_("The Content-Length header is not a number."), 400, "malformed")
    if int(declared) > limit:
        return _too_large(limit)
    body = request.read(limit + 1)
    if len(body) > limit:
        return _too_large(limit)
    ctype = request.content_type or ""
    try:
        if ctype == "application/json":
            items, park = parse_json(body)
        elif ctype in ("text/csv", "application/csv"):
            items, park = parse_csv(body), request.GET.get("park")
        else:
            return _error(_("Send application/json or text/csv."), 415, "unsupported_media_type")
        result = ingest(gateway=gateway, items=items, channel="http", park_id=park,
                        reference=request.headers.get("X-Request-ID", ""))
    except RequestError as exc:
        return _error(exc.message, exc.status, exc.code)
    rollups.after_ingest()  # the rollup of the dirty meter-days, in the background by default
    return JsonResponse(result.as_dict(), status=200)
