"""Time conventions of the reading stream.

Timestamps travel and are compared as UTC epoch seconds (float) and are stored as timestamptz /
UTC datetimes. A reading's timestamp marks the *end* of its interval. Days are cut at 00:00
Asia/Shanghai, which has been UTC+8 all year since 1991 (no daylight saving), so a reading stamped
exactly 00:00 local belongs to the day before.
"""
from __future__ import annotations

import datetime as dt
import math

LOCAL_OFFSET = 8 * 3600  # Asia/Shanghai
LOCAL_TZ = dt.timezone(dt.timedelta(seconds=LOCAL_OFFSET), "Asia/Shanghai")
UTC = dt.UTC
_EPOCH_ORDINAL = dt.date(1970, 1, 1).toordinal()


def day_of(ts: float) -> dt.date:
    """The local day a reading stamped ``ts`` (end of interval) belongs to."""
    return dt.date.fromordinal(_EPOCH_ORDINAL + math.ceil((ts + LOCAL_OFFSET) / 86400) - 1)


def day_ordinal(ts: float) -> int:
    return _EPOCH_ORDINAL + math.ceil((ts + LOCAL_OFFSET) / 86400) - 1


def day_bounds(day: dt.date) -> tuple[float, float]:
    """(start, end] of a local day as epoch seconds: readings with start < ts <= end belong to it."""
    start = (day.toordinal() - _EPOCH_ORDINAL) * 86400 - LOCAL_OFFSET
    return float(start), float(start + 86400)


def to_dt(ts: float) -> dt.datetime:
    return dt.datetime.fromtimestamp(ts, UTC)


def to_epoch(value) -> float:
    """A database value (aware datetime on PostgreSQL, text on SQLite) as epoch seconds."""
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.timestamp()


def month_days(year: int, month: int) -> list[dt.date]:
    first = dt.date(year, month, 1)
    nxt = dt.date(year + (month == 12), month % 12 + 1, 1)
    return [first + dt.timedelta(days=i) for i in range((nxt - first).days)]
