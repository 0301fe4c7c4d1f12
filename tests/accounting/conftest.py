"""Fixtures of the accounting tests. Nothing here touches Django or a database."""

from __future__ import annotations

from typing import Any

import pytest

from carbonms.accounting import default_library, load_gwp


@pytest.fixture
def library():
    """A fresh copy of the shipped library (tests may add versions to it)."""
    return default_library()


@pytest.fixture(scope="session")
def gwp():
    return load_gwp()


def make_row(**fields: Any) -> dict[str, Any]:
    """An input row with harmless defaults for the required columns."""
    base = {"entity": "E1", "period": "2022", "source": "S1", "material": "x", "unit": "t"}
    base.update(fields)
    return base


@pytest.fixture
def row():
    return make_row
