import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def english():
    """Refusal messages are asserted in English (the source language); the Chinese is checked by the i18n test."""
    with translation.override("en"):
        yield
