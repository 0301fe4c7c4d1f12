"""Navigation entries of the carbon data pages (group "accounting")."""
from __future__ import annotations


def register_items() -> None:
    pass
