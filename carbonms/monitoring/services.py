"""Writes of the monitoring records: gateways and their tokens, meters and their feeds, conflict and
anomaly review. Keyword-only, actor first, atomic, permission through ``carbonms.common.tenancy``.
(Readings are written only by :func:`carbonms.monitoring.ingestion.ingest`.)"""
from __future__ import annotations

import hashlib
import hmac
import secrets
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from carbonms.accounting import units
from carbonms.common import tenancy
from carbonms.common.tenancy import require

from . import storage
from .models import (
    Anomaly,
    DirtyDay,
    Gateway,
    IngestBatch,
    Meter,
    MeterDay,
    MeterFeed,
    ReadingConflict,
    RejectedMessage,
    validate_service_time,
)
from .timeutil import day_ordinal
from .workflows import ANOMALY, READING_CONFLICT

DOMAIN = "data"
METER_FIELDS = ("code", "name", "meter_type", "unit", "multiplier", "reading_kind", "interval_minutes", "rollover_at",
                "instrument", "gateway", "installed_at", "removed_at", "max_value", "status")
UNIT_OK_WITHOUT_PINT = {"%", "Nm3/h", "mg/m3", "m3/h", "t/h"}


def _require(actor, enterprise, action: str) -> None:
    require(actor, DOMAIN, action, park_id=enterprise.park_id, enterprise_id=enterprise.pk)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def gateway_save(*, actor, data: dict[str, Any], enterprise=None, gateway: Gateway | None = None) -> tuple[Gateway, str | None]:
    """Create (with a new token, returned once in clear) or edit a gateway."""
    enterprise = enterprise or gateway.enterprise
    _require(actor, enterprise, "add" if gateway is None else "change")
    token = None
    if gateway is None:
        gateway = Gateway(enterprise=enterprise, park_id=enterprise.park_id)
        token = _new_token(gateway)
    for f in ("code", "name", "rate_limit_per_minute", "is_active"):
        if f in data:
            setattr(gateway, f, data[f])
    gateway.full_clean()
    gateway.save()
    return gateway, token


def _new_token(gateway: Gateway) -> str:
    prefix = secrets.token_hex(4)
    token = f"gw_{prefix}_{secrets.token_urlsafe(32)}"
    gateway.token_prefix, gateway.token_hash = prefix, hash_token(token)
    return token


@transaction.atomic
def gateway_rotate_token(*, actor, gateway: Gateway) -> str:
    _require(actor, gateway.enterprise, "change")
    token = _new_token(gateway)
    gateway.save()
    return token


def gateway_for_token(token: str) -> Gateway | None:
    """The active gateway a token belongs to, or None (constant-time comparison of the hash)."""
    parts = (token or "").split("_")
    if len(parts) < 3 or parts[0] != "gw":
        return None
    for gw in Gateway.objects.filter(token_prefix=parts[1], is_active=True).select_related("park"):
        if hmac.compare_digest(gw.token_hash, hash_token(token)):
            return gw
    return None


def _check_meter(meter: Meter) -> None:
    if meter.unit not in UNIT_OK_WITHOUT_PINT and not units.is_known(meter.unit):
        raise ValidationError({"unit": _("Unknown unit “%(unit)s”.") % {"unit": meter.unit}})
    if meter.instrument_id and meter.instrument.enterprise_id != meter.enterprise_id:
        raise ValidationError({"instrument": _("This measuring equipment belongs to another enterprise.")})
    if meter.gateway_id and meter.gateway.enterprise_id != meter.enterprise_id:
        raise ValidationError({"gateway": _("This gateway belongs to another enterprise.")})
    cems = meter.meter_type in (Meter.MeterType.CEMS_CO2, Meter.MeterType.CEMS_FLOW)
    if cems != (meter.reading_kind == Meter.ReadingKind.INSTANT):
        raise ValidationError({"reading_kind": _("CEMS meters give instantaneous values; other meters give registers or intervals.")})
    if meter.removed_at is not None and meter.installed_at is not None and meter.removed_at < meter.installed_at:
        raise ValidationError({"removed_at": _("The removal cannot be before the installation (%(at)s).")
                               % {"at": meter.installed_at.isoformat()}})
    if meter.interval_minutes not in (1, 5, 10, 15, 30, 60):
        raise ValidationError({"interval_minutes": _("Use an interval of 1, 5, 10, 15, 30 or 60 minutes.")})
    qs = Meter.objects.filter(park_id=meter.park_id, code=meter.code).exclude(pk=meter.pk)
    if qs.exists():
        raise ValidationError({"code": _("Another meter of this park has the code %(code)s.") % {"code": meter.code}})


@transaction.atomic
def meter_save(*, actor, data: dict[str, Any], enterprise=None, meter: Meter | None = None,
               feeds: list[tuple[Any, Decimal]] | None = None) -> Meter:
    """Create or edit a meter; ``feeds`` (source, share) replaces the sources it feeds when given."""
    enterprise = enterprise or meter.enterprise
    _require(actor, enterprise, "add" if meter is None else "change")
    meter = meter or Meter(enterprise=enterprise, park_id=enterprise.park_id)
    for f in METER_FIELDS:
        if f in data:
            setattr(meter, f, data[f])
    if meter.status == Meter.Status.RETIRED and meter.removed_at is None:
        meter.removed_at = timezone.now()  # retired through the form or API: its service life ends now
    meter.full_clean(validate_constraints=False)
    _check_meter(meter)
    tenancy.require_related_of(meter, "instrument", "gateway")
    meter.save()
    if feeds is not None:
        meter_feeds_set(actor=actor, meter=meter, feeds=feeds)
    return meter


@transaction.atomic
def meter_feeds_set(*, actor, meter: Meter, feeds: list[tuple[Any, Decimal]]) -> list[MeterFeed]:
    _require(actor, meter.enterprise, "change")
    total = sum((Decimal(str(s)) for _src, s in feeds), Decimal(0))
    if total > 1:
        raise ValidationError({"feeds": _("The shares of a meter add up to %(total)s; they cannot exceed 1.") % {"total": total}})
    for src, share in feeds:
        if src.enterprise_id != meter.enterprise_id:
            raise ValidationError({"feeds": _("Source %(code)s belongs to another enterprise.") % {"code": src.code}})
        if Decimal(str(share)) <= 0:
            raise ValidationError({"feeds": _("A share must be above zero.")})
    keep = {src.pk for src, _s in feeds}
    for f in meter.feeds.exclude(source_id__in=keep):
        f.delete()
    out = []
    for src, share in feeds:
        f = meter.feeds.filter(source=src).first() or MeterFeed(meter=meter, source=src)
        f.share = Decimal(str(share))
        f.full_clean(validate_constraints=False)
        f.save()
        out.append(f)
    return out


@transaction.atomic
def conflict_resolve(*, actor, conflict: ReadingConflict, keep_stored: bool, note: str = "") -> ReadingConflict:
    """Keep the stored value, or replace it by the re-sent value (the day's rollup is recomputed)."""
    READING_CONFLICT.check(actor, conflict, "keep" if keep_stored else "replace")
    if not keep_stored:
        storage.replace_value(conflict.meter_id, conflict.ts, conflict.new_value)
        o = day_ordinal(conflict.ts.timestamp())
        import datetime as dt

        for day in {dt.date.fromordinal(o), dt.date.fromordinal(o + 1)}:
            DirtyDay.objects.get_or_create(meter_id=conflict.meter_id, day=day)
        # other open conflicts of the same reading now compare against another stored value
        ReadingConflict.objects.filter(meter_id=conflict.meter_id, ts=conflict.ts, status=ReadingConflict.Status.OPEN) \
            .exclude(pk=conflict.pk).update(stored_value=conflict.new_value)
    conflict.status = ReadingConflict.Status.KEPT if keep_stored else ReadingConflict.Status.REPLACED
    conflict.resolved_by, conflict.resolved_at, conflict.note = actor, timezone.now(), note
    conflict.save()
    return conflict


@transaction.atomic
def anomaly_acknowledge(*, actor, anomaly: Anomaly, note: str) -> Anomaly:
    ANOMALY.check(actor, anomaly, "acknowledge")
    if not (note or "").strip():
        raise ValidationError({"note": _("Say what was found.")})
    anomaly.status, anomaly.reviewed_by, anomaly.note = Anomaly.Status.ACKNOWLEDGED, actor, note.strip()
    anomaly.save()
    return anomaly


def _require_delete(actor, obj) -> None:
    park_id, enterprise_id = obj.scope_ids()
    require(actor, DOMAIN, "delete", park_id=park_id, enterprise_id=enterprise_id)


def meter_data(meter: Meter) -> dict[str, int]:
    """What a meter holds: readings, rollups, feeds, conflicts, anomalies (counts; empty ones left out)."""
    counts = {"readings": storage.count([meter.pk]), "days": MeterDay.objects.filter(meter=meter).count(),
              "feeds": meter.feeds.count(), "conflicts": meter.conflicts.count(), "anomalies": meter.anomalies.count()}
    return {k: v for k, v in counts.items() if v}


@transaction.atomic
def meter_delete(*, actor, meter: Meter) -> None:
    """Delete a meter that never held data (e.g. one entered by mistake). A meter with readings, rollups,
    feeds, conflicts or anomalies is refused with the reason: retire it instead (:func:`meter_retire`)."""
    _require_delete(actor, meter)
    held = meter_data(meter)
    if held:
        labels = {"readings": _("readings"), "days": _("daily rollups"), "feeds": _("sources fed"),
                  "conflicts": _("reading conflicts"), "anomalies": _("anomalies")}
        raise ValidationError(
            _("Meter %(code)s holds data (%(what)s) and cannot be deleted; retire it instead.")
            % {"code": meter.code, "what": "、".join(f"{labels[k]} {n}" for k, n in held.items())}, code="has_data")
    DirtyDay.objects.filter(meter=meter).delete()
    meter.delete()


@transaction.atomic
def meter_retire(*, actor, meter: Meter, removed_at=None) -> Meter:
    """End a meter's service life: status retired, removal time set (default: now). Readings stamped up to
    the removal are still accepted (late data); later ones are refused. Everything it holds is kept."""
    _require(actor, meter.enterprise, "change")
    removed_at = removed_at or timezone.now()
    try:
        validate_service_time(removed_at)
    except ValidationError as exc:
        raise ValidationError({"removed_at": exc.messages}) from exc
    if removed_at < meter.installed_at:
        raise ValidationError({"removed_at": _("The removal cannot be before the installation (%(at)s).")
                               % {"at": meter.installed_at.isoformat()}})
    last = storage.last_before(meter.pk, timezone.now().timestamp() + 366 * 86400)
    if last is not None and last[0] > removed_at.timestamp():
        from .timeutil import to_dt

        raise ValidationError({"removed_at": _("The meter has readings up to %(at)s; the removal cannot be earlier.")
                               % {"at": to_dt(last[0]).isoformat()}})
    meter.status, meter.removed_at = Meter.Status.RETIRED, removed_at
    meter.full_clean(validate_constraints=False)
    meter.save()
    return meter


@transaction.atomic
def gateway_delete(*, actor, gateway: Gateway) -> None:
    """Delete a gateway that never sent anything and serves no meter; otherwise refused: retire it."""
    _require_delete(actor, gateway)
    if gateway.meters.exists() or IngestBatch.objects.filter(gateway=gateway).exists() or gateway.rejected_messages.exists():
        raise ValidationError(_("Gateway %(code)s has meters or received data and cannot be deleted; retire it instead.")
                              % {"code": gateway.code}, code="has_data")
    gateway.delete()


@transaction.atomic
def gateway_retire(*, actor, gateway: Gateway) -> Gateway:
    """Retire a gateway: inactive, its token and MQTT topic no longer accepted; its meters and log kept."""
    _require(actor, gateway.enterprise, "change")
    gateway.is_active = False
    gateway.save()
    return gateway


@transaction.atomic
def rejected_acknowledge(*, actor, message: RejectedMessage, note: str) -> RejectedMessage:
    """Mark a rejected message as reviewed (e.g. the gateway was fixed and resent the readings)."""
    park_id, enterprise_id = message.scope_ids()
    require(actor, DOMAIN, "change", park_id=park_id, enterprise_id=enterprise_id)
    if message.status != RejectedMessage.Status.OPEN:
        raise ValidationError(_("This message has already been reviewed."))
    if not (note or "").strip():
        raise ValidationError({"note": _("Say what was found.")})
    message.status, message.reviewed_by, message.reviewed_at = RejectedMessage.Status.ACKNOWLEDGED, actor, timezone.now()
    message.note = note.strip()[:300]
    message.save(update_fields=["status", "reviewed_by", "reviewed_at", "note"])
    return message
