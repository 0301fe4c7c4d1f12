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


def require_for(actor, enterprise, action: str) -> None:
    require(actor, DOMAIN, action, park_id=enterprise.park_id, enterprise_id=enterprise.pk)


def record_event(*, actor, enterprise=None, park=None, kind: str, **detail) -> None:
    from ..models import DataEvent

    park = park or enterprise.park
    DataEvent.objects.create(park=park, enterprise=enterprise, kind=kind, actor=actor, detail=detail)
