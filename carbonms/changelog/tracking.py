"""Automatic field-level change records for every change-logged model.

A model opts in by inheriting :class:`ChangeLoggedMixin` (all ``ScopedModel`` subclasses do). On write
paths (a POST, a service called from a command or a job) the values loaded from the database are
remembered on the instance (``from_db``), so an update is diffed without an extra query. On read-only
paths (GET, HEAD and OPTIONS requests, see changelog.context) nothing is snapshotted when loading, as a
page may load thousands of records; a record saved there anyway is compared with its stored row, read
just before the save (one query). Create, update and delete each write one ``ChangeRecord`` in the same
transaction as the change itself.
"""
from __future__ import annotations

import datetime as dt
import decimal
import re
import uuid
from functools import cache

from django.db import models
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save

from .context import is_read_only

#: Stored in the history in place of a secret's value (a token hash, a password…). ``None`` stays
#: ``None``, so that a secret being set, changed or cleared remains visible without its value.
REDACTED = "[redacted]"
# Field names that hold secrets whether or not the model declares them (a safety net for new models).
_SECRET_NAME = re.compile(r"(^|_)(password|secret|token|hash)$")


@cache
def redacted_fields(model) -> frozenset[str]:
    """Names and attnames of ``model``'s fields whose values never enter the history: those the model
    lists in ``changelog_redact`` and those whose name says they hold a secret."""
    declared = set(getattr(model, "changelog_redact", ()))
    names: set[str] = set()
    for f in model._meta.get_fields():
        attname = getattr(f, "attname", f.name)
        if f.name in declared or attname in declared or _SECRET_NAME.search(f.name):
            names |= {f.name, attname}
    return frozenset(names)


def redact(model, changes: dict) -> dict:
    """``changes`` with the values of ``model``'s secret fields replaced by :data:`REDACTED`."""
    if model is None or not isinstance(changes, dict):
        return changes
    secret = redacted_fields(model)
    out = {}
    for key, change in changes.items():
        if key not in secret:
            out[key] = change
        elif isinstance(change, list | tuple):
            out[key] = [None if v is None else REDACTED for v in change]
        else:
            out[key] = REDACTED
    return out


def _json_value(value):
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, list | tuple):
        return [_json_value(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _json_value(v) for k, v in value.items()}
    return str(value)


def snapshot(instance: models.Model) -> dict:
    data = {}
    for f in instance._meta.concrete_fields:
        if f.name in getattr(instance, "changelog_exclude", ()):
            continue
        data[f.attname] = _json_value(getattr(instance, f.attname))
    return data


class ChangeLoggedMixin(models.Model):
    """Records every create, update and delete of the model in the change history."""

    changelog_exclude: tuple[str, ...] = ("created_at", "updated_at")
    #: Fields whose values are secrets (token hashes, passwords…): the history records that they changed,
    #: never their values (see :func:`redacted_fields`; names like ``*_hash`` are redacted anyway).
    changelog_redact: frozenset[str] = frozenset()

    class Meta:
        abstract = True

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        # A record loaded on a read-only path, or with deferred fields (a snapshot would load each of them,
        # and each load would snapshot again), is snapshotted from the stored row if it is ever saved.
        if is_read_only() or len(field_names) < len(cls._meta.concrete_fields):
            instance._changelog_lazy = True
        else:
            instance._changelog_loaded = snapshot(instance)
        return instance


def _stored_snapshot(instance) -> dict | None:
    """The snapshot of ``instance``'s row as stored now (None: no such row)."""
    stored = type(instance)._base_manager.using(instance._state.db or "default").filter(pk=instance.pk).first()
    return None if stored is None else snapshot(stored)


def _on_pre_save(sender, instance, raw=False, **kwargs):
    if raw or not isinstance(instance, ChangeLoggedMixin):
        return
    if getattr(instance, "_changelog_lazy", False) and not hasattr(instance, "_changelog_loaded") and instance.pk is not None:
        loaded = _stored_snapshot(instance)
        if loaded is not None:
            instance._changelog_loaded = loaded


def _record(instance, action: str, changes: dict) -> None:
    from .models import ChangeRecord

    ChangeRecord.record(instance, action, changes)


def _saved(instance, created: bool) -> tuple[str, dict, dict]:
    """(action, changes, state after) of a save of ``instance``; no changes: nothing to record."""
    after = snapshot(instance)
    if created:
        return "create", {k: [None, v] for k, v in after.items() if v is not None}, after
    before = getattr(instance, "_changelog_loaded", None)
    if before is None:
        # Saved without having been loaded (e.g. built by hand with a pk): compare with the stored row is
        # impossible now, so record the full state.
        return "update", {k: [None, v] for k, v in after.items()}, after
    return "update", {k: [before.get(k), v] for k, v in after.items() if before.get(k) != v}, after


def _on_save(sender, instance, created, raw=False, **kwargs):
    if raw or not isinstance(instance, ChangeLoggedMixin):
        return
    action, changes, after = _saved(instance, created)
    if created or changes:
        _record(instance, action, changes)
    instance._changelog_loaded = after


def record_bulk(instances, *, created: bool) -> int:
    """The change records of a ``bulk_create`` (``created``) or ``bulk_update``, which send no signals.

    Writes exactly the entries a ``save()`` of each instance would have written, in one insert; call it
    in the same transaction as the bulk write. Returns how many were written.
    """
    from .models import ChangeRecord

    items = []
    for instance in instances:
        action, changes, after = _saved(instance, created)
        if created or changes:
            items.append((instance, action, changes))
        instance._changelog_loaded = after
    ChangeRecord.record_many(items)
    return len(items)


def _on_pre_delete(sender, instance, **kwargs):
    if isinstance(instance, ChangeLoggedMixin):
        # Keep the scope ids while the related rows still exist.
        instance._changelog_scope = _scope_ids(instance)


def _on_delete(sender, instance, **kwargs):
    if not isinstance(instance, ChangeLoggedMixin):
        return
    before = snapshot(instance)
    _record(instance, "delete", {k: [v, None] for k, v in before.items() if v is not None})


def _on_m2m(sender, instance, action, model, pk_set, **kwargs):
    if not isinstance(instance, ChangeLoggedMixin) or action not in {"post_add", "post_remove", "post_clear"}:
        return
    field_name = next(
        (f.name for f in instance._meta.many_to_many if f.remote_field.through is sender), sender.__name__
    )
    verb = {"post_add": "added", "post_remove": "removed", "post_clear": "cleared"}[action]
    _record(instance, "update", {field_name: {verb: sorted(pk_set or [])}})


def _scope_ids(instance):
    try:
        return instance.scope_ids()
    except Exception:  # a broken relation must never stop the change itself
        return (None, None)


def connect_signals() -> None:
    pre_save.connect(_on_pre_save, dispatch_uid="changelog_pre_save")
    post_save.connect(_on_save, dispatch_uid="changelog_save")
    pre_delete.connect(_on_pre_delete, dispatch_uid="changelog_pre_delete")
    post_delete.connect(_on_delete, dispatch_uid="changelog_delete")
    m2m_changed.connect(_on_m2m, dispatch_uid="changelog_m2m")
