"""Rollups: readings → hourly, daily (stored, ``MeterDay``) and monthly consumption.

``refresh_dirty`` recomputes the (meter, day) pairs the ingestion marked dirty, set-based in SQL
(:mod:`.rollups_sql`); ``after_ingest`` decides when (in the background by default). Several processes
may run it at once: on PostgreSQL each claims its rows with ``FOR UPDATE SKIP LOCKED``; a recompute is
a pure function of the stored readings, so running one twice is harmless. Anomalies found on a day are
kept in step (one per meter, day and kind; an anomaly no longer found and still open is removed).
``refresh_per_meter`` is the earlier implementation (:mod:`.rollups_legacy`), kept as the reference.
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db import transaction

from . import quality, rollups_legacy, rollups_sql, storage
from .ingestion import setting
from .models import Meter, MeterDay
from .timeutil import LOCAL_OFFSET, day_bounds, day_of, month_days

CONF_KEYS = tuple(quality.DEFAULTS)


def conf() -> dict:
    return {k: setting(k, v) for k, v in quality.DEFAULTS.items()}


def refresh_dirty(limit: int = 20_000, *, now: float | None = None) -> int:
    """Recompute the dirty meter-days now, in this process (set-based, see :mod:`.rollups_sql`); returns how many."""
    return rollups_sql.refresh_dirty(limit, now=now)


def refresh_per_meter(limit: int = 500, *, now: float | None = None) -> int:
    """The per-meter implementation (reference for the equivalence test and the benchmark)."""
    return rollups_legacy.refresh_per_meter(limit, now=now)


def after_ingest() -> None:
    """Called after readings were stored and their meter-days marked dirty: run the refresh as
    ``MONITORING["ROLLUP"]`` says (docs/monitoring.md):

    * ``"background"`` (default): a Celery task once the transaction commits; without a broker (the
      embedded default, where Celery runs eagerly in-process) a background thread of this process
      runs it, so the request answers without waiting for the rollup;
    * ``"sync"``: right here, before returning (tests, commands, the old inline behaviour);
    * ``"off"``: nothing; a worker, the beat schedule or ``refresh_rollups`` consumes the dirty set.
    """
    mode = setting("ROLLUP", "background")
    if mode == "sync":
        refresh_dirty()
    elif mode == "background":
        transaction.on_commit(_dispatch)


def _dispatch() -> None:
    from django.conf import settings

    if getattr(settings, "CELERY_TASK_ALWAYS_EAGER", False):
        from . import background

        background.kick()
    else:
        from .tasks import refresh_rollups

        refresh_rollups.delay()


def month_total(meter: Meter, year: int, month: int) -> dict:
    """The month's consumption of a meter from its daily rollups, with completeness and substitution."""
    days = month_days(year, month)
    rows = list(MeterDay.objects.filter(meter=meter, day__gte=days[0], day__lte=days[-1]))
    expected = meter.expected_per_day * len(days)
    measured = sum(r.measured for r in rows)
    substituted = sum(r.substituted for r in rows)
    present = sum(min(r.n_readings, r.n_expected) * 1.0 for r in rows)
    return {"measured": measured, "substituted": substituted, "total": measured + substituted,
            "days": len(rows), "completeness": (present / expected) if expected else 0.0,
            "daily": [(r.day, r.measured, r.substituted, r.completeness) for r in rows]}


def hourly(meter: Meter, start: dt.date, end: dt.date) -> list[dict]:
    """Hourly consumption (or mean value for CEMS) over local days start..end, from the readings."""
    lo, _ = day_bounds(start)
    _, hi = day_bounds(end)
    readings = storage.fetch(meter.pk, lo, hi)
    out: dict[float, list] = defaultdict(lambda: [0.0, 0, False])
    if meter.reading_kind == Meter.ReadingKind.INSTANT:
        for ts, v in readings:
            h = out[_hour(ts)]
            h[0] += v
            h[1] += 1
        return [{"t": t, "value": s / n, "n": n, "substituted": False} for t, (s, n, _x) in sorted(out.items())]
    baseline = storage.last_before(meter.pk, lo) if meter.reading_kind == Meter.ReadingKind.CUMULATIVE else None
    res = quality.analyse_day(
        [(t, v, None) for t, v in readings], start=lo, kind=meter.reading_kind, interval_minutes=meter.interval_minutes,
        multiplier=float(meter.multiplier), rollover=float(meter.rollover_at) if meter.rollover_at else None,
        baseline=baseline, conf={**conf(), "SUBSTITUTE_MAX_GAP": 0})
    for ts, d, sub in res.intervals:
        h = out[_hour(ts)]
        h[0] += d
        h[1] += 1
        h[2] = h[2] or sub
    return [{"t": t, "value": s, "n": n, "substituted": sub} for t, (s, n, sub) in sorted(out.items())]


def _hour(ts: float) -> float:
    """The start of the local hour an interval ending at ts falls into (epoch seconds)."""
    return ((ts - 1e-6) // 3600) * 3600


def daily(meter: Meter, start: dt.date, end: dt.date) -> list[MeterDay]:
    return list(MeterDay.objects.filter(meter=meter, day__gte=start, day__lte=end).order_by("day"))


def monthly(meter: Meter, year: int) -> list[dict]:
    out = []
    rows = MeterDay.objects.filter(meter=meter, day__year=year).values_list("day__month", "measured", "substituted")
    sums: dict[int, list[float]] = defaultdict(lambda: [0.0, 0.0])
    for m, meas, sub in rows:
        sums[m][0] += meas
        sums[m][1] += sub
    for m in range(1, 13):
        meas, sub = sums.get(m, (0.0, 0.0))
        out.append({"month": m, "measured": meas, "substituted": sub, "total": meas + sub})
    return out


__all__ = ["LOCAL_OFFSET", "day_of", "refresh_dirty", "refresh_per_meter", "after_ingest", "month_total", "hourly", "daily", "monthly"]
