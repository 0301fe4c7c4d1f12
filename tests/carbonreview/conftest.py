import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def english():
    """Refusal messages are asserted in English (the source language)."""
    with translation.override("en"):
        yield
