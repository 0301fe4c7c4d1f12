"""Login throttling: two limits, per user name and address, and per address across user names.

django-axes compares the largest failure count over its lockout combinations
(``AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "ip_address"]``) with one limit. To hold
the pair to ``LOGIN_FAILURE_LIMIT`` and the address to the higher ``LOGIN_IP_FAILURE_LIMIT`` (an office
behind one address shares it), :func:`failure_limit` is axes' ``AXES_FAILURE_LIMIT`` callable: once the
pair has reached its own limit it answers that limit, otherwise the address limit. Since the address
count is always at least the pair count, the client is locked out exactly when
``pair ≥ LOGIN_FAILURE_LIMIT`` or ``address ≥ LOGIN_IP_FAILURE_LIMIT``.
"""
from __future__ import annotations

from axes.helpers import get_client_ip_address, get_client_username
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum


def failure_limit(request, credentials=None) -> int:
    pair_limit = settings.LOGIN_FAILURE_LIMIT
    ip = getattr(request, "axes_ip_address", None) or get_client_ip_address(request)
    username = get_client_username(request, credentials)
    pair = AccessAttempt.objects.filter(username=username, ip_address=ip).aggregate(n=Sum("failures_since_start"))["n"]
    if (pair or 0) >= pair_limit:
        return pair_limit
    return max(settings.LOGIN_IP_FAILURE_LIMIT, pair_limit)
