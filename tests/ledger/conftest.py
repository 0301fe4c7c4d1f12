"""Helpers for the ledger tests."""
from __future__ import annotations

from carbonms.ledger import services


def cea(actor, park, enterprise, vintage: int):
    return services.instrument_save(actor=actor, park=park, enterprise=enterprise, data={"kind": "cea", "vintage": vintage})


def ccer_lot(actor, park, enterprise, prefix: str, first: int, last: int, **extra):
    return services.instrument_save(actor=actor, park=park, enterprise=enterprise, data={
        "kind": "ccer", "vintage": 2024, "project_id": "CCER-P-1", "methodology": "CCER-14-001-V01",
        "registered_on": "2024-06-01", "serial_first": f"{prefix}{first:06d}", "serial_last": f"{prefix}{last:06d}", **extra})


def enter_approved(maker, checker, park, enterprise, **data):
    m = services.movement_enter(actor=maker, park=park, enterprise=enterprise, data=data)
    return services.movement_approve(actor=checker, movement=m)
