"""The permission matrix cases of online monitoring (issue 5).

The gateway endpoint authenticates gateways, not users: a user's session gets 401 like an anonymous
caller (tests/monitoring/test_http.py covers tokens, including a token of another park).
"""
from __future__ import annotations

from .base import Case

CASES: dict[str, Case] = {
    "api:monitoring-ingest": Case(None, set()),
}
