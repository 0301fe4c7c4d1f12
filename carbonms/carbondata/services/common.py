"""Helpers shared by the carbon data services."""
from __future__ import annotations

from typing import Any

from carbonms.common.tenancy import require

DOMAIN = "data"


def apply(instance, data: dict[str, Any], fields: tuple[str, ...]):
    for name in fields:
        if name in data:
            setattr(instance, name, data[name])
    return instance


def bulk_write(model, records: list, fields: tuple[str, ...]) -> None:
    """Insert the new records and update the changed ones in bulk, with their change records (a batch's save)."""
    from django.utils import timezone

    from carbonms.changelog import tracking

    new = [r for r in records if r.pk is None]
    changed = [r for r in records if r.pk is not None]
    model.objects.bulk_create(new, batch_size=1000)
    now = timezone.now()
    for r in changed:
        r.updated_at = now
    model.objects.bulk_update(changed, fields, batch_size=500)
    tracking.record_bulk(new, created=True)
    tracking.record_bulk(changed, created=False)


def require_for(actor, enterprise, action: str) -> None:
    require(actor, DOMAIN, action, park_id=enterprise.park_id, enterprise_id=enterprise.pk)


def record_event(*, actor, enterprise=None, park=None, kind: str, **detail) -> None:
    from ..models import DataEvent

    park = park or enterprise.park
    DataEvent.objects.create(park=park, enterprise=enterprise, kind=kind, actor=actor, detail=detail)
