"""How a change record reads on the history pages: field labels, choice labels and related records'
names instead of raw field names, ids and Python dicts; secrets hidden, also in records stored before
they were redacted at write time.

:func:`describe` turns a page of records into display rows with one query per related model, through
the tenancy: a related record the viewer may not see is shown by its number only, never its name.
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from .tracking import REDACTED, redact

_MAX_TEXT = 300


@dataclass
class FieldChange:
    label: str
    before: str | None = None
    after: str | None = None
    text: str | None = None  # a change that is not a before/after pair (many-to-many additions…)


def _fields(model) -> dict[str, models.Field]:
    by_key: dict[str, models.Field] = {}
    if model is None:
        return by_key
    for f in model._meta.get_fields():
        if f.concrete or f.many_to_many:
            by_key[f.name] = f
            by_key[getattr(f, "attname", f.name)] = f
    return by_key


def _related_model(field):
    if field is not None and field.is_relation and (field.many_to_one or field.one_to_one or field.many_to_many):
        return field.related_model
    return None


def _ids(change) -> list:
    if isinstance(change, dict):
        return [i for v in change.values() if isinstance(v, list) for i in v]
    if isinstance(change, list | tuple):
        return [v for v in change if v is not None]
    return []


def _names(model, ids: set, user) -> dict[str, str]:
    """``{str(pk): name}`` of the ``ids`` the viewer may see."""
    clean = {str(i) for i in ids if isinstance(i, int | str) and str(i).isdigit()}
    if not clean:
        return {}
    if model is get_user_model():
        # People named in a record the viewer can see (owner, author…): shown by their name.
        return {str(u.pk): u.get_full_name() or u.username for u in model._default_manager.filter(pk__in=clean)}
    manager = model._default_manager
    if not hasattr(model, "scope_domain"):
        return {}
    from carbonms.common.tenancy import restrict

    return {str(o.pk): str(o) for o in restrict(manager.filter(pk__in=clean), user, "view")}


def _text(value) -> str:
    """A stored JSON value as readable text: ``key: value; …`` for objects, ``a, b`` for lists."""
    if isinstance(value, dict):
        out = "; ".join(f"{k}: {_text(v)}" for k, v in value.items())
    elif isinstance(value, list | tuple):
        out = ", ".join(_text(v) for v in value)
    elif isinstance(value, bool):
        out = _("Yes") if value else _("No")
    elif value is None:
        out = "—"
    else:
        out = str(value)
    return out if len(out) <= _MAX_TEXT else out[: _MAX_TEXT - 1] + "…"


def _value(field, value, names: dict) -> str | None:
    if value is None or value == "":
        return None
    if value == REDACTED:
        return _("(hidden)")
    if field is None:
        return _text(value)
    if _related_model(field) is not None:
        return names.get(str(value)) or f"#{value}"
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(field, models.BooleanField):
        return _("Yes") if value else _("No")
    if isinstance(field, models.DateTimeField) and isinstance(value, str):
        parsed = parse_datetime(value)
        if parsed is not None:
            if timezone.is_aware(parsed):
                parsed = timezone.localtime(parsed)
            return parsed.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, dt.date):
        return value.isoformat()
    return _text(value)


def _verb(key: str) -> str:
    return {"added": pgettext("change history", "added"), "removed": pgettext("change history", "removed"),
            "cleared": pgettext("change history", "cleared")}.get(key, key)


def describe(records, user) -> None:
    """Set ``record.display`` (a list of :class:`FieldChange`) on every record of ``records``."""
    records = list(records)
    wanted: dict[type, set] = defaultdict(set)
    plans = []
    for r in records:
        model = ContentType.objects.get_for_id(r.content_type_id).model_class()  # cached, no query per row
        fields = _fields(model)
        changes = redact(model, r.changes) if isinstance(r.changes, dict) else {}
        plans.append((r, fields, changes))
        for key, change in changes.items():
            related = _related_model(fields.get(key))
            if related is not None:
                wanted[related].update(_ids(change))
    names = {m: _names(m, ids, user) for m, ids in wanted.items()}
    for r, fields, changes in plans:
        rows = []
        for key, change in changes.items():
            field = fields.get(key)
            label = capfirst(str(field.verbose_name)) if field is not None else key
            known = names.get(_related_model(field), {})
            if isinstance(change, list | tuple) and len(change) == 2:
                before, after = _value(field, change[0], known), _value(field, change[1], known)
                if before is not None or after is not None:
                    rows.append(FieldChange(label, before, after))
            elif isinstance(change, dict) and field is not None and field.many_to_many:
                parts = [f"{_verb(k)}: " + ", ".join(known.get(str(i)) or f"#{i}" for i in v)
                         if isinstance(v, list) and v else _verb(k) for k, v in change.items()]
                rows.append(FieldChange(label, text="; ".join(parts)))
            else:
                rows.append(FieldChange(label, text=_value(field, change, known)))
        r.display = rows
