"""Rendering the phrases stored in a carbon review's frozen JSON (carbonms.carbonreview.sections): message ids
translated when shown, so that a review reads in the reader's language."""
from __future__ import annotations

from django import template
from django.utils.translation import gettext

register = template.Library()


def render_phrase(value) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, dict) and "t" in value:
        params = {k: render_phrase(v) for k, v in (value.get("p") or {}).items()}
        text = gettext(value["t"])
        try:
            return text % params if params else text
        except (KeyError, TypeError, ValueError):
            return text
    if isinstance(value, float):
        return f"{value:,.1f}" if abs(value) >= 100 else f"{value:g}"
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    if isinstance(value, list):
        return "；".join(render_phrase(v) for v in value)
    return str(value)


@register.filter
def phrase(value) -> str:
    """A stored label or value in the reader's language."""
    if isinstance(value, str):
        return gettext(value) if value else "—"
    return render_phrase(value)
