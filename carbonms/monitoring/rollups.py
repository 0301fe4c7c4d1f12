"""Rollups: readings → hourly, daily (stored, ``MeterDay``) and monthly consumption.

``refresh_dirty`` recomputes the (meter, day) pairs the ingestion marked dirty. Several processes may
run it at once: on PostgreSQL each claims its rows with ``FOR UPDATE SKIP LOCKED``; a recompute is a
pure function of the stored readings, so running one twice is harmless. Anomalies found on a day are
kept in step (one per meter, day and kind; an anomaly no longer found and still open is removed).
"""
from __future__ import annotations

import datetime as dt
import time
from collections import defaultdict

from django.db import connection, transaction

from . import quality, storage
from .ingestion import setting
from .models import Anomaly, DirtyDay, Meter, MeterDay
from .timeutil import LOCAL_OFFSET, day_bounds, day_of, month_days

CONF_KEYS = tuple(quality.DEFAULTS)


def conf() -> dict:
    return {k: setting(k, v) for k, v in quality.DEFAULTS.items()}


def analyse(meter: Meter, day: dt.date) -> quality.DayResult:
    start, end = day_bounds(day)
    readings = storage.fetch(meter.pk, start, end, with_received=True)
    baseline = storage.last_before(meter.pk, start) if meter.reading_kind == Meter.ReadingKind.CUMULATIVE else None
    return quality.analyse_day(
        readings, start=start, kind=meter.reading_kind, interval_minutes=meter.interval_minutes,
        multiplier=float(meter.multiplier), rollover=float(meter.rollover_at) if meter.rollover_at else None,
        baseline=baseline, conf=conf(), now=time.time())


def recompute_day(meter: Meter, day: dt.date) -> MeterDay | None:
    res = analyse(meter, day)
    if res.n_readings == 0 and day >= dt.datetime.now(dt.UTC).astimezone(dt.timezone(dt.timedelta(hours=8))).date():
        MeterDay.objects.filter(meter=meter, day=day).delete()
        return None
    fields = {"measured": res.measured, "substituted": res.substituted, "n_readings": res.n_readings,
              "n_expected": res.n_expected, "completeness": res.completeness, "mean_value": res.mean_value,
              "flags": res.flags}
    MeterDay.objects.bulk_create([MeterDay(meter=meter, day=day, **fields)], update_conflicts=True,
                                 unique_fields=["meter", "day"], update_fields=[*fields, "computed_at"])
    _sync_anomalies(meter, day, res.flags)
    return MeterDay.objects.get(meter=meter, day=day)


def _sync_anomalies(meter: Meter, day: dt.date, flags: list[dict]) -> None:
    kinds = {f["kind"]: f for f in flags}
    existing = {a.kind: a for a in Anomaly.objects.filter(meter=meter, day=day)}
    for kind, detail in kinds.items():
        a = existing.get(kind)
        if a is None:
            Anomaly(meter=meter, day=day, kind=kind, detail=detail).save()
        elif a.detail != detail and a.status == Anomaly.Status.OPEN:
            a.detail = detail
            a.save()
    for kind, a in existing.items():
        if kind not in kinds and a.status == Anomaly.Status.OPEN:
            a.delete()


def refresh_dirty(limit: int = 500) -> int:
    """Recompute up to ``limit`` dirty meter-days per transaction until none is left; returns how many."""
    done = 0
    while True:
        with transaction.atomic():
            qs = DirtyDay.objects.order_by("meter_id", "day")
            if connection.vendor == "postgresql":
                qs = qs.select_for_update(skip_locked=True)
            claimed = list(qs[:limit])
            if not claimed:
                return done
            DirtyDay.objects.filter(pk__in=[d.pk for d in claimed]).delete()
            meters = Meter.objects.in_bulk({d.meter_id for d in claimed})
            for d in claimed:
                if d.meter_id in meters:
                    recompute_day(meters[d.meter_id], d.day)
            done += len(claimed)


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


__all__ = ["LOCAL_OFFSET", "day_of", "refresh_dirty", "recompute_day", "month_total", "hourly", "daily", "monthly"]
