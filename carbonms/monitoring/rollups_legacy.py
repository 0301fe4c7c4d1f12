"""The per-meter rollup (the implementation before issue 16), kept as the reference of the set-based one.

:func:`refresh_per_meter` recomputes the dirty (meter, day) pairs one at a time in Python with
:func:`carbonms.monitoring.quality.analyse_day`. The equivalence tests (tests/monitoring/test_rollup_equivalence.py)
and the benchmark (bench/monitoring_rollup.py) compare :func:`carbonms.monitoring.rollups.refresh_dirty` with it.
Production code does not call it.
"""
from __future__ import annotations

import datetime as dt
import time

from django.db import connection, transaction

from . import quality, storage
from .ingestion import setting
from .models import Anomaly, DirtyDay, Meter, MeterDay
from .timeutil import LOCAL_TZ, day_bounds


def conf() -> dict:
    return {k: setting(k, v) for k, v in quality.DEFAULTS.items()}


def analyse(meter: Meter, day: dt.date, now: float | None = None) -> quality.DayResult:
    start, end = day_bounds(day)
    readings = storage.fetch(meter.pk, start, end, with_received=True)
    baseline = storage.last_before(meter.pk, start) if meter.reading_kind == Meter.ReadingKind.CUMULATIVE else None
    return quality.analyse_day(
        readings, start=start, kind=meter.reading_kind, interval_minutes=meter.interval_minutes,
        multiplier=float(meter.multiplier), rollover=float(meter.rollover_at) if meter.rollover_at else None,
        baseline=baseline, conf=conf(), now=time.time() if now is None else now)


def recompute_day(meter: Meter, day: dt.date, now: float | None = None) -> MeterDay | None:
    res = analyse(meter, day, now)
    today = dt.datetime.fromtimestamp(time.time() if now is None else now, LOCAL_TZ).date()
    if res.n_readings == 0 and day >= today:
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


def refresh_per_meter(limit: int = 500, *, now: float | None = None) -> int:
    """Recompute up to ``limit`` dirty meter-days per transaction, one by one, until none is left."""
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
                    recompute_day(meters[d.meter_id], d.day, now)
            done += len(claimed)
