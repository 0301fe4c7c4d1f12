"""REST endpoints of the monitoring records (registered by carbonms/api/urls.py)."""
from __future__ import annotations


def register(router) -> None:
    pass


def extra_urls() -> list:
    return []
