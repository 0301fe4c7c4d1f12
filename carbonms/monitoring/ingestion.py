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
import re
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop as N_

from . import storage
from .models import DirtyDay, Gateway, IngestBatch, Meter, ReadingConflict, RejectedMessage
from .timeutil import day_ordinal, to_dt

MAX_READINGS = 100_000
MAX_REQUEST_BYTES = 32 * 1024 * 1024  # HTTP body and MQTT payload (settings MAX_REQUEST_BYTES, MAX_MESSAGE_BYTES)
MAX_ERRORS_LOGGED = 1000
EARLIEST = dt.datetime(2000, 1, 1, tzinfo=dt.UTC).timestamp()  # no reading is older (setting EARLIEST_TIMESTAMP)
DEFAULT_MAX_FUTURE = 3600  # seconds a gateway clock may run ahead (setting MAX_FUTURE_SECONDS); the quality
# flags mark a smaller skew (CLOCK_SKEW_SECONDS, 120 s) as a clock_skew anomaly of an accepted reading
DEFAULT_MAX_VALUE = 1e12  # no reading's magnitude is larger (setting MAX_VALUE; a meter may set a lower bound)
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
                "errors": [{k: v for k, v in e.items() if k not in ("msgid", "params")} for e in self.errors]}


# --- Parsing ----------------------------------------------------------------------------------

MAX_JSON_DEPTH = 16  # {"readings": [{...}]} is 3 deep
MAX_NUMBER_CHARS = 32  # a number written with more characters is refused (never converted)
MAX_INT_BITS = 106  # ~32 decimal digits: a larger integer given to the service directly is refused the same way
_KEEP_STRUCTURE = bytes(b for b in range(256) if b not in b'[]{}"')  # deleted by translate: all but these
_STRING = re.compile(rb'"[^"]*"')
_PAIR = re.compile(rb"\[\]")


class LongNumber(str):
    """A JSON number written with too many characters: kept as its text, refused by validation."""


def _int(text: str):
    return int(text) if len(text) <= MAX_NUMBER_CHARS else LongNumber(text)


def _float(text: str):
    return float(text) if len(text) <= MAX_NUMBER_CHARS else LongNumber(text)


def json_depth_exceeds(body: bytes, limit: int = MAX_JSON_DEPTH) -> bool:
    """Does the JSON text nest arrays/objects deeper than ``limit``? A linear pre-scan with no recursion
    (C-speed byte operations, a fraction of the parse time): escaped backslashes and quotes are dropped,
    everything but quotes and brackets is deleted, then the strings (``""`` pairs first, the rest by a
    regular expression) with the brackets they hold; every bracket becomes ``[`` or ``]`` and innermost
    pairs are removed ``limit`` times: whatever nesting is left goes deeper than the limit. Unbalanced text
    is left for the parser to refuse; its leftover openers count as depth."""
    s = body.replace(b"\\\\", b"").replace(b'\\"', b"").translate(None, _KEEP_STRUCTURE).replace(b'""', b"")
    s = _STRING.sub(b"", s).translate(bytes.maketrans(b"{}", b"[]"))
    for passes in range(limit):
        if not s:
            return False
        t = _PAIR.sub(b"", s)
        if len(t) == len(s):  # only "]]][[[" is left: the openers would nest further
            return t.count(b"[") + passes > limit
        s = t
    return bool(s)


def parse_json(body: bytes | str) -> tuple[list, int | None]:
    """A JSON body: a reading object, a list of them, or {"park": id?, "readings": [...]}.
    Returns (readings, park id named by the payload or None). Nesting deeper than MAX_JSON_DEPTH is
    refused before parsing; numbers with more than MAX_NUMBER_CHARS characters are kept as text and
    refused per reading."""
    raw = body.encode("utf-8", "surrogatepass") if isinstance(body, str) else bytes(body)
    if json_depth_exceeds(raw):
        raise RequestError(_("The JSON nests deeper than %(max)d levels.") % {"max": MAX_JSON_DEPTH}, code="too_deep")
    try:
        data = json.loads(raw, parse_int=_int, parse_float=_float)
    except (ValueError, UnicodeDecodeError) as exc:
        raise RequestError(_("Malformed JSON: %(error)s") % {"error": str(exc)[:200]}, code="malformed")
    except RecursionError:  # cannot happen after the pre-scan; never a server error all the same
        raise RequestError(_("The JSON nests deeper than %(max)d levels.") % {"max": MAX_JSON_DEPTH}, code="too_deep")
    park = None
    if isinstance(data, dict) and "readings" in data:
        park = data.get("park")
        data = data["readings"]
    elif isinstance(data, dict):
        data = [data]
    if not isinstance(data, list):
        raise RequestError(_("The JSON must be a reading, a list of readings or an object with “readings”."), code="malformed")
    if park is not None and (isinstance(park, bool) or not isinstance(park, int | str) or len(str(park)) > 20):
        raise RequestError(_("“park” must be the id of a park."), code="malformed")
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
    removed: float  # math.inf while in service
    max_value: float


def _meters_for(gateway: Gateway) -> dict[str, _MeterInfo]:
    """The gateway's enterprise's meters, retired ones included: a late reading from their service life
    is still accepted; one stamped after the removal is refused with that reason."""
    bound = float(setting("MAX_VALUE", DEFAULT_MAX_VALUE))
    rows = Meter.objects.filter(enterprise_id=gateway.enterprise_id).values_list(
        "id", "code", "unit", "reading_kind", "installed_at", "removed_at", "max_value", "rollover_at", "status")
    out = {}
    for mid, code, unit, kind, inst, removed, max_value, rollover, status in rows:
        limit = min(bound, max_value if max_value is not None else bound,
                    float(rollover) if rollover is not None and kind == Meter.ReadingKind.CUMULATIVE else bound)
        # a meter retired without a removal time (older records) accepts nothing more
        end = removed.timestamp() if removed else (-math.inf if status == Meter.Status.RETIRED else math.inf)
        out[code] = _MeterInfo(mid, unit, kind, inst.timestamp(), end, limit)
    return out


def _fmt_ts(ts: float) -> str:
    try:
        return to_dt(ts).isoformat()
    except (ValueError, OverflowError, OSError):
        return repr(ts)


def _text(value: Any, n: int = 40) -> str:
    """A value as a short text for a message (a dict or a 400-digit number is cut, never echoed whole)."""
    try:
        s = value if isinstance(value, str) else json.dumps(value)[:n + 1]
    except (TypeError, ValueError):
        s = type(value).__name__
    return s if len(s) <= n else s[:n] + "…"


def parse_ts(value: Any) -> float:
    """Epoch seconds of an ISO 8601 timestamp with a time zone, or of epoch seconds (number or text).
    Raises ValueError with the reason; never OverflowError."""
    if isinstance(value, bool | LongNumber):
        raise ValueError(_("not a timestamp"))
    if isinstance(value, int | float):
        ts = value
    elif isinstance(value, str):
        s = value.strip()
        if len(s) > 40:
            raise ValueError(_("“%(value)s” is not an ISO 8601 timestamp or epoch seconds") % {"value": _text(s)})
        try:
            ts = float(s)
        except ValueError:
            try:
                d = dt.datetime.fromisoformat(s)
            except ValueError:
                raise ValueError(_("“%(value)s” is not an ISO 8601 timestamp or epoch seconds") % {"value": _text(s)})
            if d.tzinfo is None:
                raise ValueError(_("the timestamp “%(value)s” has no time zone") % {"value": _text(s)})
            try:
                ts = d.timestamp()
            except (OverflowError, ValueError):
                raise ValueError(_("the timestamp “%(value)s” is out of range") % {"value": _text(s)})
    else:
        raise ValueError(_("not a timestamp"))
    try:
        ts = float(ts)
    except OverflowError:
        raise ValueError(_("the timestamp %(value)s is out of range") % {"value": _text(value)})
    if not math.isfinite(ts):
        raise ValueError(_("not a timestamp"))
    return ts


def _error(i: int, item: Any, code: str, field: str | None, msgid: str, params: dict | None = None) -> dict:
    """A refused reading: ``message`` in the language of the request (the gateway's answer); ``msgid`` and
    ``params`` let the rejected-message pages put it into the reader's language (monitoring.reasons)."""
    meter = item.get("meter") if isinstance(item, dict) else None
    params = {k: str(v) if not isinstance(v, (int, float)) else v for k, v in (params or {}).items()}
    return {"index": i, "meter": meter[:60] if isinstance(meter, str) else None, "field": field, "code": code,
            "message": _(msgid) % params if params else _(msgid), "msgid": msgid, "params": params}


def validate(items: list, meters: dict[str, _MeterInfo], now: float):
    """(rows (meter id, ts, value), errors). Per-reading checks; nothing is written.

    The common case (known meter, numeric value in range, epoch timestamp in the meter's service life, no
    unit) takes a fast path; anything else goes through :func:`_check_one`, which gives the reason of a
    refusal."""
    max_future = now + float(setting("MAX_FUTURE_SECONDS", DEFAULT_MAX_FUTURE))
    earliest = float(setting("EARLIEST_TIMESTAMP", EARLIEST))
    rows, errors = [], []
    append, get, instant = rows.append, meters.get, Meter.ReadingKind.INSTANT
    for i, item in enumerate(items):
        if type(item) is dict and len(item) == 3:
            code, raw, ts = item.get("meter"), item.get("value"), item.get("ts")
            info = get(code) if type(code) is str else None
            if (info is not None and type(raw) in (float, int) and type(ts) in (float, int)
                    and (raw >= 0 or info.kind == instant) and -info.max_value <= raw <= info.max_value
                    and earliest <= ts <= max_future and info.installed <= ts <= info.removed):
                append((info.id, float(ts), float(raw)))
                continue
        row, error = _check_one(i, item, meters, max_future, earliest)
        if error is None:
            append(row)
        else:
            errors.append(error)
    return rows, errors


def _check_one(i: int, item: Any, meters: dict[str, _MeterInfo], max_future: float, earliest: float):
    """One reading: ((meter id, ts, value), None) or (None, error)."""
    if not isinstance(item, dict):
        return None, _error(i, item, "malformed", None, N_("A reading must be an object with meter, ts and value."))
    code = item.get("meter")
    if not isinstance(code, str) or not code.strip():
        return None, _error(i, item, "bad_meter", "meter", N_("The meter must be given by its code (a text)."))
    info = meters.get(code)
    if info is None:
        return None, _error(i, item, "unknown_meter", "meter",
                            N_("Unknown meter “%(meter)s” for this gateway."), {"meter": _text(code, 60)})
    unit = item.get("unit")
    if unit not in (None, "") and unit != info.unit:
        return None, _error(i, item, "wrong_unit", "unit", N_("Wrong unit “%(unit)s”: meter %(meter)s reads in %(expected)s."),
                            {"unit": _text(unit, 20), "meter": code, "expected": info.unit})
    raw = item.get("value")
    if (isinstance(raw, LongNumber) or (isinstance(raw, str) and len(raw.strip()) > MAX_NUMBER_CHARS)
            or (isinstance(raw, int) and raw.bit_length() > MAX_INT_BITS)):
        return None, _error(i, item, "too_many_digits", "value",
                            N_("The value has more than %(max)d characters."), {"max": MAX_NUMBER_CHARS})
    try:
        if isinstance(raw, bool) or raw is None:
            raise ValueError
        value = float(raw)
        if not math.isfinite(value):
            raise ValueError
    except (TypeError, ValueError, OverflowError):
        return None, _error(i, item, "not_a_number", "value", N_("The value “%(value)s” is not a number."), {"value": _text(raw)})
    if value < 0 and info.kind != Meter.ReadingKind.INSTANT:
        return None, _error(i, item, "negative", "value", N_("A consumption or register value cannot be negative."))
    if abs(value) > info.max_value:
        return None, _error(i, item, "out_of_range", "value", N_("The value %(value)s is beyond the meter's range (at most %(max)s)."),
                            {"value": _text(raw), "max": f"{info.max_value:g}"})
    try:
        ts = parse_ts(item.get("ts"))
    except ValueError as exc:
        return None, _error(i, item, "bad_timestamp", "ts", N_("Bad timestamp: %(error)s."), {"error": exc})
    if ts > max_future:
        return None, _error(i, item, "future", "ts", N_("The timestamp %(ts)s is in the future."), {"ts": _fmt_ts(ts)})
    if ts < earliest or ts < info.installed:
        return None, _error(i, item, "before_installation", "ts",
                            N_("The timestamp %(ts)s is before the meter was installed."), {"ts": _fmt_ts(ts)})
    if ts > info.removed:
        return None, _error(i, item, "after_removal", "ts",
                            N_("The timestamp %(ts)s is after the meter was removed."), {"ts": _fmt_ts(ts)})
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


def _payload_text(payload: bytes | str | list) -> tuple[str, int, bool]:
    """(text kept, size in bytes, cut?) of a refused payload: at most RejectedMessage.MAX_PAYLOAD characters."""
    if isinstance(payload, list):
        text = json.dumps(payload, ensure_ascii=False, default=str)
    elif isinstance(payload, bytes | bytearray):
        text = bytes(payload[:RejectedMessage.MAX_PAYLOAD * 4]).decode("utf-8", "replace")
    else:
        text = payload
    size = len(payload) if isinstance(payload, bytes | bytearray) else len(text.encode("utf-8", "replace"))
    keep = text[:RejectedMessage.MAX_PAYLOAD]
    return keep.replace("\x00", "\ufffd"), size, len(keep) < len(text) or len(keep.encode("utf-8", "replace")) < size


def record_rejected(*, gateway: Gateway, topic: str, payload: bytes | str | list, reasons: list[dict],
                    n_rejected: int, n_accepted: int = 0, batch_id: int | None = None, channel: str = "mqtt",
                    received_at: dt.datetime | None = None) -> RejectedMessage:
    """Keep the refused part of a message (or all of it) with its reasons for review. Written by the
    consumer before it acknowledges the message."""
    text, size, cut = _payload_text(payload)
    return RejectedMessage.objects.create(
        gateway=gateway, channel=channel, topic=topic[:200], payload=text, payload_bytes=size, payload_truncated=cut,
        reasons=reasons[:MAX_ERRORS_LOGGED], n_rejected=n_rejected, n_accepted=n_accepted, batch_id=batch_id,
        received_at=received_at or timezone.now())


@transaction.atomic
def reject_message(*, gateway: Gateway, topic: str, body: bytes, error: RequestError | None = None,
                   reason: dict | None = None, reference: str = "") -> RejectedMessage:
    """A message refused as a whole (unreadable, too deep, too large, another park, or one that failed
    unexpectedly): logged as a refused ``IngestBatch`` and kept as a ``RejectedMessage``."""
    if reason is None:
        reason = {"index": None, "field": None, "code": error.code, "message": error.message}
    batch = IngestBatch.objects.create(
        park_id=gateway.park_id, gateway=gateway, channel=IngestBatch.Channel.MQTT, reference=reference[:200],
        received_at=timezone.now(), n_rejected=1, errors=[reason])
    return record_rejected(gateway=gateway, topic=topic, payload=body, reasons=[reason], n_rejected=1, batch_id=batch.pk)
