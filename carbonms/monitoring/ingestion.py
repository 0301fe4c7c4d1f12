"""The one ingestion service: the HTTP endpoint and the MQTT consumer both call :func:`ingest`.

A batch of readings from one gateway is validated reading by reading (unknown meter, wrong unit,
non-numeric value, absurd timestamp…: a per-reading error, the rest is accepted), then stored in one
transaction with its ``IngestBatch`` log row:

* idempotent on (meter, timestamp): a re-sent reading with the same value is a duplicate and changes
  nothing; with a different value it becomes a ``ReadingConflict`` for review, never an overwrite;
* the (meter, day) pairs it touches are marked dirty in the same transaction, so the rollups are
  recomputed (late and out-of-order readings included) even if the process stops right after commit.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import json
import math
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from . import storage
from .models import DirtyDay, Gateway, IngestBatch, Meter, ReadingConflict
from .timeutil import day_ordinal, to_dt

MAX_READINGS = 100_000
MAX_ERRORS_LOGGED = 1000
EARLIEST = dt.datetime(2000, 1, 1, tzinfo=dt.UTC).timestamp()
_ORDINAL_CACHE: dict[int, dt.date] = {}


def setting(name: str, default):
    return getattr(settings, "MONITORING", {}).get(name, default)


class RequestError(Exception):
    """The whole request or message is refused (malformed, oversized, wrong park…)."""

    def __init__(self, message: str, *, status: int = 400, code: str = "invalid"):
        super().__init__(message)
        self.message, self.status, self.code = message, status, code


@dataclass
class IngestResult:
    batch_id: int | None
    received: int = 0
    accepted: int = 0
    duplicates: int = 0
    conflicts: int = 0
    rejected: int = 0
    errors: list[dict] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {"batch": self.batch_id, "received": self.received, "accepted": self.accepted,
                "duplicates": self.duplicates, "conflicts": self.conflicts, "rejected": self.rejected,
                "errors": self.errors}


# --- Parsing ----------------------------------------------------------------------------------


def parse_json(body: bytes | str) -> tuple[list, int | None]:
    """A JSON body: a reading object, a list of them, or {"park": id?, "readings": [...]}.
    Returns (readings, park id named by the payload or None)."""
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError) as exc:
        raise RequestError(_("Malformed JSON: %(error)s") % {"error": exc}, code="malformed")
    park = None
    if isinstance(data, dict) and "readings" in data:
        park = data.get("park")
        data = data["readings"]
    elif isinstance(data, dict):
        data = [data]
    if not isinstance(data, list):
        raise RequestError(_("The JSON must be a reading, a list of readings or an object with “readings”."), code="malformed")
    return data, park


def parse_csv(body: bytes | str) -> list[dict]:
    """CSV with a header row: meter,ts,value[,unit]."""
    try:
        text = body.decode("utf-8-sig") if isinstance(body, bytes) else body
    except UnicodeDecodeError:
        raise RequestError(_("The CSV is not UTF-8 text."), code="malformed")
    reader = csv.reader(io.StringIO(text))
    try:
        header = [h.strip().lower() for h in next(reader)]
    except StopIteration:
        return []
    except csv.Error as exc:
        raise RequestError(_("Malformed CSV: %(error)s") % {"error": exc}, code="malformed")
    missing = [c for c in ("meter", "ts", "value") if c not in header]
    if missing:
        raise RequestError(_("The CSV header must name the columns meter, ts and value (missing: %(cols)s).")
                           % {"cols": ", ".join(missing)}, code="malformed")
    try:
        return [dict(zip(header, row, strict=False)) for row in reader if row]
    except csv.Error as exc:
        raise RequestError(_("Malformed CSV: %(error)s") % {"error": exc}, code="malformed")


# --- Validation -------------------------------------------------------------------------------


@dataclass(frozen=True)
class _MeterInfo:
    id: int
    unit: str
    kind: str
    installed: float


def _meters_for(gateway: Gateway) -> dict[str, _MeterInfo]:
    rows = Meter.objects.filter(enterprise_id=gateway.enterprise_id, status=Meter.Status.ACTIVE).values_list(
        "id", "code", "unit", "reading_kind", "installed_at")
    return {code: _MeterInfo(mid, unit, kind, inst.timestamp()) for mid, code, unit, kind, inst in rows}


def parse_ts(value: Any) -> float:
    if isinstance(value, bool):
        raise ValueError(_("not a timestamp"))
    if isinstance(value, int | float):
        ts = float(value)
    elif isinstance(value, str):
        s = value.strip()
        try:
            ts = float(s)
        except ValueError:
            try:
                d = dt.datetime.fromisoformat(s)
            except ValueError:
                raise ValueError(_("“%(value)s” is not an ISO 8601 timestamp or epoch seconds") % {"value": value[:40]})
            if d.tzinfo is None:
                raise ValueError(_("the timestamp “%(value)s” has no time zone") % {"value": value[:40]})
            ts = d.timestamp()
    else:
        raise ValueError(_("not a timestamp"))
    if not math.isfinite(ts):
        raise ValueError(_("not a timestamp"))
    return ts


def _error(i: int, item: Any, code: str, message: str) -> dict:
    meter = item.get("meter") if isinstance(item, dict) else None
    return {"index": i, "meter": meter if isinstance(meter, str | int) else None, "code": code, "message": message}


def validate(items: list, meters: dict[str, _MeterInfo], now: float):
    """(rows (meter id, ts, value), errors). Per-reading checks; nothing is written.

    The common case (known meter, numeric value, epoch timestamp, no unit) takes a fast path; anything
    else goes through :func:`_check_one`, which gives the reason of a refusal."""
    max_future = now + setting("MAX_FUTURE_SECONDS", 86400)
    rows, errors = [], []
    append, get, isfinite, instant = rows.append, meters.get, math.isfinite, Meter.ReadingKind.INSTANT
    for i, item in enumerate(items):
        if type(item) is dict and len(item) == 3:
            info = get(item.get("meter"))
            raw, ts = item.get("value"), item.get("ts")
            if (info is not None and type(raw) in (float, int) and type(ts) in (float, int) and isfinite(raw)
                    and (raw >= 0 or info.kind == instant) and EARLIEST <= ts <= max_future and ts >= info.installed):
                append((info.id, float(ts), float(raw)))
                continue
        row, error = _check_one(i, item, meters, max_future)
        if error is None:
            append(row)
        else:
            errors.append(error)
    return rows, errors


def _check_one(i: int, item: Any, meters: dict[str, _MeterInfo], max_future: float):
    """One reading: ((meter id, ts, value), None) or (None, error)."""
    if not isinstance(item, dict):
        return None, _error(i, item, "malformed", _("A reading must be an object with meter, ts and value."))
    code = item.get("meter")
    info = meters.get(code if isinstance(code, str) else str(code))
    if info is None:
        return None, _error(i, item, "unknown_meter", _("Unknown meter “%(meter)s” for this gateway.") % {"meter": code})
    unit = item.get("unit")
    if unit not in (None, "") and unit != info.unit:
        return None, _error(i, item, "wrong_unit", _("Wrong unit “%(unit)s”: meter %(meter)s reads in %(expected)s.")
                            % {"unit": unit, "meter": code, "expected": info.unit})
    raw = item.get("value")
    try:
        if isinstance(raw, bool) or raw is None:
            raise ValueError
        value = float(raw)
        if not math.isfinite(value):
            raise ValueError
    except (TypeError, ValueError):
        return None, _error(i, item, "not_a_number", _("The value “%(value)s” is not a number.") % {"value": str(raw)[:40]})
    if value < 0 and info.kind != Meter.ReadingKind.INSTANT:
        return None, _error(i, item, "negative", _("A consumption or register value cannot be negative."))
    try:
        ts = parse_ts(item.get("ts"))
    except ValueError as exc:
        return None, _error(i, item, "bad_timestamp", _("Bad timestamp: %(error)s.") % {"error": exc})
    if ts > max_future:
        return None, _error(i, item, "future", _("The timestamp %(ts)s is in the future.") % {"ts": to_dt(ts).isoformat()})
    if ts < EARLIEST or ts < info.installed:
        return None, _error(i, item, "before_installation",
                            _("The timestamp %(ts)s is before the meter was installed.") % {"ts": to_dt(ts).isoformat()})
    return (info.id, ts, value), None


# --- The service ------------------------------------------------------------------------------


def _day(ordinal: int) -> dt.date:
    d = _ORDINAL_CACHE.get(ordinal)
    if d is None:
        d = _ORDINAL_CACHE[ordinal] = dt.date.fromordinal(ordinal)
    return d


def ingest(*, gateway: Gateway, items: list, channel: str, reference: str = "", park_id: int | None = None,
           received_at: dt.datetime | None = None) -> IngestResult:
    """Validate and store one batch of readings of ``gateway``; see the module docstring."""
    if park_id is not None and str(park_id) != str(gateway.park_id):
        raise RequestError(_("This gateway belongs to another park."), status=403, code="wrong_park")
    if len(items) > MAX_READINGS:
        raise RequestError(_("Too many readings: %(n)d in one request (at most %(max)d).")
                           % {"n": len(items), "max": MAX_READINGS}, status=413, code="too_large")
    received_at = received_at or timezone.now()
    meters = _meters_for(gateway)
    cumulative = {i.id for i in meters.values() if i.kind == Meter.ReadingKind.CUMULATIVE}
    rows, errors = validate(items, meters, received_at.timestamp())
    # Within the batch: first occurrence wins; a repeat is a duplicate or (other value) a conflict.
    unique: dict[tuple[int, float], float] = {}
    in_batch_conflicts, in_batch_dupes = [], 0
    for m, t, v in rows:
        prev = unique.get((m, t))
        if prev is None:
            unique[(m, t)] = v
        elif prev == v:
            in_batch_dupes += 1
        else:
            in_batch_conflicts.append((m, t, prev, v))
    clean = [(m, t, v) for (m, t), v in unique.items()]
    storage.ensure_partitions({t for _m, t, _v in clean})
    with transaction.atomic():
        batch = IngestBatch.objects.create(park_id=gateway.park_id, gateway=gateway, channel=channel,
                                           reference=reference[:200], received_at=received_at, n_received=len(items))
        inserted, existing = storage.store(clean, batch_id=batch.pk, received_at=received_at)
        dupes = in_batch_dupes + sum(1 for _m, _t, sv, nv in existing if sv == nv)
        conflicts = [c for c in existing if c[2] != c[3]] + in_batch_conflicts
        if conflicts:
            ReadingConflict.objects.bulk_create([
                ReadingConflict(meter_id=m, ts=to_dt(t), stored_value=sv, new_value=nv, batch=batch)
                for m, t, sv, nv in conflicts], ignore_conflicts=True)
        if inserted:
            stored_keys = {(m, t) for m, t, _sv, _nv in existing}
            dirty = set()
            for m, t, _v in clean:
                if (m, t) not in stored_keys:
                    o = day_ordinal(t)
                    dirty.add((m, o))
                    if m in cumulative:  # the next day's first delta starts from this reading
                        dirty.add((m, o + 1))
            DirtyDay.objects.bulk_create([DirtyDay(meter_id=m, day=_day(o)) for m, o in dirty], ignore_conflicts=True)
        batch.n_accepted, batch.n_duplicate, batch.n_conflict = inserted, dupes, len(conflicts)
        batch.n_rejected, batch.errors = len(errors), errors[:MAX_ERRORS_LOGGED]
        IngestBatch.objects.filter(pk=batch.pk).update(
            n_accepted=inserted, n_duplicate=dupes, n_conflict=len(conflicts), n_rejected=len(errors),
            errors=errors[:MAX_ERRORS_LOGGED])
        # Telemetry, not a business change: not in the change log.
        Gateway.objects.filter(pk=gateway.pk).update(last_seen_at=received_at)
    return IngestResult(batch.pk, len(items), inserted, dupes, len(conflicts), len(errors), errors)


def ingest_message(*, gateway: Gateway, body: bytes, channel: str, reference: str = "") -> IngestResult:
    """An MQTT message body (JSON, same schema as HTTP). A malformed message is logged, not retried."""
    try:
        items, park = parse_json(body)
        return ingest(gateway=gateway, items=items, channel=channel, reference=reference, park_id=park)
    except RequestError as exc:
        batch = IngestBatch.objects.create(
            park_id=gateway.park_id, gateway=gateway, channel=channel, reference=reference[:200],
            received_at=timezone.now(), errors=[{"index": None, "code": exc.code, "message": exc.message}])
        IngestBatch.objects.filter(pk=batch.pk).update(n_rejected=F("n_rejected") + 1)
        return IngestResult(batch.pk, 0, rejected=1, errors=batch.errors)
