"""The set-based rollup (carbonms.monitoring.rollups_sql) gives the same daily rollups, flags and anomalies
as the per-meter implementation (rollups_legacy) on random data: registers with rollover and resets,
multipliers, interval meters with gaps to substitute, instantaneous values, spikes, flatlines, readings
off the grid or stamped after they were received, several readings in one interval, a day in progress,
and late readings that arrive after their day was rolled up (with an acknowledged anomaly that must stay).

Both run from the same state (a savepoint is rolled back between them). Sums may differ in the last bits
(the database adds a day's values in its own order); everything else is compared exactly.
"""
from __future__ import annotations

import datetime as dt
import math
import random
from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction

from carbonms.changelog.models import ChangeRecord
from carbonms.monitoring import rollups, storage
from carbonms.monitoring.models import Anomaly, DirtyDay, Meter, MeterDay
from carbonms.monitoring.timeutil import day_of

from .factories import JAN1, MeterFactory

DAYS = 5
NOW = (JAN1 + dt.timedelta(days=DAYS - 1, hours=13, minutes=7, seconds=30)).timestamp()  # day 5 is in progress
T0 = JAN1.timestamp()

METERS = [  # kind, interval minutes, multiplier, rollover
    ("interval", 15, "1.5", None),
    ("interval", 9, "1", None),  # 160 intervals a day: completeness ties that Python rounds on the binary value
    ("interval", 60, "0.25", None),
    ("cumulative", 15, "1", "10000"),
    ("cumulative", 15, "0.3", None),
    ("cumulative", 30, "2", "5000"),
    ("instant", 15, "1", None),
    ("instant", 5, "1", None),
]


def _series(rng: random.Random, kind: str, minutes: int, rollover: float | None, start: float, n: int, reg: list):
    """(ts, value, received) for n intervals from ``start``, with the faults the rules look for."""
    step = minutes * 60
    out = []
    flat_left, flat_value, skip_left = 0, None, 0
    base = rng.choice([0.0, 0.5, 3.0, 17.25])
    for i in range(n):
        if skip_left:
            skip_left -= 1
            continue
        r = rng.random()
        if r < 0.04:
            skip_left = rng.choice([1, 2, 3, 4, 5, 9, 30])  # a gap, short (substituted) or long
            continue
        ts = start + step * (i + 1)
        if rng.random() < 0.03:
            ts += rng.choice([-200, -150, 130, 0.5, 250])  # off the grid
        rec = ts + rng.choice([0, 1, 5, 60])
        if rng.random() < 0.03:
            rec = ts - rng.choice([121, 300, 3600])  # stamped after it was received: clock skew
        if flat_left:
            flat_left -= 1
            v = flat_value
        elif rng.random() < 0.02:
            flat_left, flat_value = rng.randint(6, 14), rng.choice([0.0, 2.5, base or 1.0])
            v = flat_value
        else:
            v = round(base + rng.random() * 4, rng.choice([0, 1, 3]))
            if rng.random() < 0.03:
                v *= rng.choice([8, 20, 100])  # a spike
        if kind == "cumulative":
            if rng.random() < 0.01:
                reg[0] = rng.choice([0.0, 12.0])  # a reset or meter replacement
            reg[0] += v
            if rollover and reg[0] >= rollover:
                reg[0] -= rollover
            value = round(reg[0], 3)
        else:
            value = v
        out.append((ts, value, rec))
        if rng.random() < 0.02:  # a second reading in the same interval
            out.append((ts + rng.choice([10, 30]), value + (0 if kind == "instant" else rng.choice([0, 1])), rec + 30))
    return out


def _store(rows_by_meter: dict[int, list], batch: int) -> None:
    storage.ensure_partitions({ts for rows in rows_by_meter.values() for ts, _v, _r in rows})
    for mid, rows in rows_by_meter.items():
        by_rec: dict[float, list] = {}
        for ts, v, rec in rows:
            by_rec.setdefault(rec, []).append((mid, ts, v))
        with transaction.atomic():
            for rec, chunk in by_rec.items():
                uniq = {(m, t): (m, t, v) for m, t, v in chunk}
                storage.store(list(uniq.values()), batch_id=batch, received_at=dt.datetime.fromtimestamp(rec, dt.UTC))


def _mark(keys) -> None:
    DirtyDay.objects.bulk_create([DirtyDay(meter_id=m, day=d) for m, d in keys], ignore_conflicts=True)


def _state():
    days = {(d.meter_id, d.day): d for d in MeterDay.objects.all()}
    by_pk = {a.pk: (a.meter_id, a.day, a.kind) for a in Anomaly.objects.all()}
    # The change record of each anomaly's creation (the set-based refresh writes them in bulk, or with COPY on
    # PostgreSQL): the same text, values and scope as the one a save() writes.
    logged = {}
    for r in ChangeRecord.objects.filter(content_type=ContentType.objects.get_for_model(Anomaly), action="create"):
        if int(r.object_id) in by_pk:
            changes = {k: v for k, v in r.changes.items() if k != "id"}
            logged[by_pk[int(r.object_id)]] = (r.object_repr, changes, r.park_id, r.enterprise_id, r.source_kind)
    anomalies = {key: (a.detail, a.status, logged.get(key)) for a in Anomaly.objects.all()
                 for key in [(a.meter_id, a.day, a.kind)]}
    return days, anomalies


def _same(a, b) -> bool:
    if isinstance(a, float) or isinstance(b, float):
        return a is not None and b is not None and math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-9)
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    return a == b


def _compare(legacy, setbased) -> int:
    (ld, la), (sd, sa) = legacy, setbased
    assert ld.keys() == sd.keys()
    for key, x in ld.items():
        y = sd[key]
        assert (x.n_readings, x.n_expected, x.completeness) == (y.n_readings, y.n_expected, y.completeness), key
        assert x.flags == y.flags or _same(x.flags, y.flags), (key, x.flags, y.flags)
        for f in ("measured", "substituted", "mean_value"):
            assert _same(getattr(x, f), getattr(y, f)), (key, f, getattr(x, f), getattr(y, f))
    assert la.keys() == sa.keys()
    for key, (detail, status, logged) in la.items():
        assert status == sa[key][1] and _same(detail, sa[key][0]), (key, detail, sa[key])
        assert logged is not None and sa[key][2] is not None, key
        assert logged[0] == sa[key][2][0] and logged[2:] == sa[key][2][2:], (key, logged, sa[key][2])
        assert _same(logged[1], sa[key][2][1]), (key, logged, sa[key][2])
    return len(ld)


def _both() -> tuple:
    """Run the per-meter and then the set-based refresh from the same state; the set-based result stays."""
    sid = transaction.savepoint()
    rollups.refresh_per_meter(now=NOW)
    legacy = _state()
    transaction.savepoint_rollback(sid)
    assert DirtyDay.objects.exists()
    rollups.refresh_dirty(limit=7, now=NOW)  # small chunks: several claim/compute rounds
    assert not DirtyDay.objects.exists()
    return legacy, _state()


def _meters(world) -> list[Meter]:
    out = []
    for kind, minutes, mult, roll in METERS:
        out.append(MeterFactory(enterprise=world.e1.enterprise, reading_kind=kind, interval_minutes=minutes,
                                multiplier=Decimal(mult), rollover_at=Decimal(roll) if roll else None))
    return out


def _run(world, seed: int) -> None:
    rng = random.Random(seed)
    meters = _meters(world)
    first: dict[int, list] = {}
    registers = {m.pk: [rng.choice([0.0, 9000.0, 4990.0])] for m in meters}
    for m in meters:
        roll = float(m.rollover_at) if m.rollover_at else None
        per_day = 1440 // m.interval_minutes
        first[m.pk] = _series(rng, m.reading_kind, m.interval_minutes, roll, T0, per_day * DAYS, registers[m.pk])
    # Hold some readings back: they arrive late, after their day was rolled up.
    late: dict[int, list] = {}
    for mid, rows in first.items():
        keep = []
        for row in rows:
            (late.setdefault(mid, []) if rng.random() < 0.05 else keep).append(row)
        first[mid] = keep
    _store(first, batch=1)
    all_days = [(m.pk, JAN1.date() + dt.timedelta(days=i)) for m in meters for i in range(DAYS)]
    # A stored rollup of a future day that has no readings: removed, as before.
    future = JAN1.date() + dt.timedelta(days=DAYS + 1)
    MeterDay.objects.create(meter=meters[0], day=future, n_readings=3)
    _mark([*all_days, (meters[0].pk, future)])
    n = _compare(*_both())
    assert n == len(all_days)
    # the data reach every rule, so that the comparison covers each of them
    kinds = {f["kind"] for flags in MeterDay.objects.values_list("flags", flat=True) for f in flags}
    assert kinds >= {"gap", "low_completeness", "clock_skew", "rollover", "spike", "flatline"}, kinds
    assert not MeterDay.objects.filter(day=future).exists()
    # Reviewers acknowledge some anomalies; then the late readings arrive (gaps filled, deltas changed).
    for a in Anomaly.objects.order_by("id")[::3]:
        Anomaly.objects.filter(pk=a.pk).update(status=Anomaly.Status.ACKNOWLEDGED)
    _store(late, batch=2)
    touched = set()
    for mid, rows in late.items():
        cumulative = Meter.objects.get(pk=mid).reading_kind == Meter.ReadingKind.CUMULATIVE
        for ts, _v, _r in rows:
            touched.add((mid, day_of(ts)))
            if cumulative:
                touched.add((mid, day_of(ts) + dt.timedelta(days=1)))
    _mark(touched)
    _compare(*_both())


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_set_based_rollup_equals_per_meter_sqlite_or_any(world, seed):
    _run(world, seed)


@pytest.mark.postgres
def test_set_based_rollup_equals_per_meter_postgres(world):
    if connection.vendor != "postgresql":
        pytest.skip("runs on the PostgreSQL run of the suite (DATABASE_URL=postgres://…)")
    for seed in (11, 12):
        _run(world, seed)
        MeterDay.objects.all().delete()
        Anomaly.objects.all().delete()


def test_round4_follows_python_on_binary_ties(db):
    """Completeness k/n rounded to 4 places in SQL equals Python's round(k / n, 4) for every k ≤ n ≤ 1440."""
    from carbonms.monitoring.rollups_sql import _d, _round4

    pairs = [(k, n) for n in (32, 96, 160, 288, 480, 800, 1440, 7, 33, 625) for k in range(n + 1)]
    with connection.cursor() as cur:
        cur.execute("CREATE TEMP TABLE r4 (k integer, n integer)")
        cur.executemany("INSERT INTO r4 VALUES (%s, %s)", pairs)
        cur.execute(f"SELECT k, n, {_round4(_d(), 'k', 'n')} FROM r4", [])
        got = {(k, n): float(v) for k, n, v in cur.fetchall()}
        cur.execute("DROP TABLE r4")
    wrong = {p: (v, round(p[0] / p[1], 4)) for p, v in got.items() if v != round(p[0] / p[1], 4)}
    assert not wrong
