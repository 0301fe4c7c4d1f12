import pytest


@pytest.fixture(autouse=True)
def _english_messages(request):
    """Service messages are asserted in the source language (English); page tests use the default (Chinese)."""
    if "pages" in request.node.nodeid or "users_language" in request.node.nodeid:
        yield
        return
    from django.utils import translation

    with translation.override("en"):
        yield
