"""Navigation entries of the inventory pages (group "accounting")."""
from __future__ import annotations


def register_items() -> None:
    pass
