"""Labels of the per-reading and per-message refusal codes (the ``code`` of an ingestion error), shown in
the user's language on the rejected-message pages; the stored message gives the detail."""
from __future__ import annotations

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

REASON_LABELS = {
    "malformed": _("Malformed"),
    "too_deep": _("JSON nested too deep"),
    "too_large": _("Too large"),
    "wrong_park": _("Another park"),
    "bad_meter": _("Meter not given as a code"),
    "unknown_meter": _("Unknown meter"),
    "wrong_unit": _("Wrong unit"),
    "not_a_number": _("Not a number"),
    "too_many_digits": _("Too many digits"),
    "out_of_range": _("Beyond the meter's range"),
    "negative": _("Negative value"),
    "bad_timestamp": _("Bad timestamp"),
    "future": _("In the future"),
    "before_installation": _("Before installation"),
    "after_removal": _("After removal"),
    "internal_error": _("Could not be processed"),
}


def message(reason: dict) -> str:
    """The detail of a stored reason in the reader's language: from its ``msgid`` and ``params`` when the
    ingestion service stored them, else the words stored (older rows, whole-message refusals)."""
    msgid = reason.get("msgid")
    if isinstance(msgid, str) and msgid:
        params = reason.get("params") or {}
        try:
            return gettext(msgid) % params if params else gettext(msgid)
        except (KeyError, TypeError, ValueError):
            pass
    return reason.get("message", "")


def reason_rows(reasons: list, *, limit: int) -> list[dict]:
    """Stored reasons for display: the code's label in the viewer's language beside index, field and detail."""
    out = []
    for r in (reasons or [])[:limit]:
        if not isinstance(r, dict):
            continue
        code = r.get("code")
        out.append({"label": REASON_LABELS.get(code, code), "index": r.get("index"), "field": r.get("field"),
                    "meter": r.get("meter"), "message": message(r)})
    return out
