"""Template filters that name standards and clause topics in the user's language."""
from __future__ import annotations

from functools import lru_cache

from django import template
from django.utils.translation import get_language

from carbonms.standards import catalogue

register = template.Library()


def _en() -> bool:
    return (get_language() or "zh-hans").startswith("en")


@register.filter
def designation(std) -> str:
    """The standard's designation as pages show it (a draft without a number says so)."""
    return std.designation("en" if _en() else "zh")


@lru_cache(maxsize=1)
def _topics() -> dict:
    return catalogue.load_topics()


@register.filter
def topic_label(tag: str) -> str:
    """A clause topic of the catalogue's vocabulary, in the user's language."""
    entry = _topics().get(tag) or {}
    return entry.get("en" if _en() else "zh") or tag
