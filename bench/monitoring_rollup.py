"""Rollup benchmarks: refresh throughput (set-based vs per-meter), a 100,000-reading HTTP request with the
rollup in the background vs inline, and query latency over a year.

Usage: .venv/bin/python bench/monitoring_rollup.py [--db postgres|sqlite] [--meters M] [--days D]
       [--request-meters R] [--skip-request] [--queries [--repeat N]]

1. Throughput. A fresh database (PostgreSQL: BENCH_PG_URL, default .../carbonms_bench) with M meters
   (60 % interval, 30 % cumulative registers, 10 % instantaneous CEMS values; 15-minute readings with
   gaps, spikes, flatlines, off-grid and late readings) over D past days: M × D dirty meter-days. The
   per-meter implementation (rollups.refresh_per_meter) and the set-based one (rollups.refresh_dirty)
   each recompute the same dirty set from the same empty state (rollups and anomalies removed in
   between); the results are checked equal in count. Prints meter-days/s of both, their ratio, and the
   machine's load (os.getloadavg()), since the machine is shared. Default 100 × 30 = 3,000 meter-days
   (a couple of minutes); --meters 1000 --days 30 for a larger run.
2. Request. One HTTP request of 100,000 readings (R meters × 100000/R intervals, JSON, gateway token)
   through the Django stack (test client, in-process), timed with MONITORING_ROLLUP = off (the time
   without a rollup), background (the default: the request returns, a thread refreshes; the time until
   the dirty set is empty is printed too), sync (inline, set-based) and inline per-meter (the old
   behaviour).
3. --queries: the earlier latency benchmark (monthly, daily, month total, hourly) of one interval and one
   register meter with a year of readings.
"""
from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import time
from pathlib import Path

from monitoring_common import PG_URL, fresh_database, make_park

LOCAL = dt.timezone(dt.timedelta(hours=8))
T_YEAR = int(dt.datetime(2025, 1, 1, tzinfo=LOCAL).timestamp())  # a whole past year
T_DAYS = int(dt.datetime(2025, 3, 1, tzinfo=LOCAL).timestamp())


def load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f} {five:.2f} {fifteen:.2f} (1/5/15 min), {os.cpu_count() or 0} cores"


def make_meters(n: int):
    gw, token, codes = make_park(n)
    from carbonms.monitoring.models import Meter

    kinds = {}
    for i, code in enumerate(codes):
        kinds[code] = "cumulative" if i % 10 in (1, 4, 7) else "instant" if i % 10 == 9 else "interval"
    for kind in ("cumulative", "instant"):
        Meter.objects.filter(code__in=[c for c, k in kinds.items() if k == kind]).update(reading_kind=kind)
    Meter.objects.filter(code__in=[c for c, k in kinds.items() if k == "cumulative"][::2]).update(rollover_at=100000)
    return gw, token, codes, kinds


def day_items(rng: random.Random, codes, kinds, t0: int, first: int, n: int, registers: dict) -> list[dict]:
    """Readings of intervals first..first+n-1 after t0 for every meter, with some faults."""
    items = []
    for code in codes:
        kind = kinds[code]
        for i in range(first, first + n):
            r = rng.random()
            if r < 0.01:
                continue  # a gap
            v = 1 + (i * 7 + len(code)) % 50 / 10
            if r > 0.998:
                v *= 30  # a spike
            ts = t0 + 900 * (i + 1) + (130 if r < 0.012 else 0)
            if kind == "cumulative":
                registers[code] = (registers.get(code, 99000.0) + v) % 100000
                v = round(registers[code], 2)
            items.append({"meter": code, "ts": ts, "value": v})
    return items


def backend_cpu() -> float:
    """CPU seconds of this connection's PostgreSQL backend (user + system; 0 on SQLite or a remote server)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return 0.0
    with connection.cursor() as cur:
        cur.execute("SELECT pg_backend_pid()")
        pid = cur.fetchone()[0]
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def reset_rollups():
    from django.db import connection

    from carbonms.changelog.models import ChangeRecord
    from carbonms.monitoring.models import Anomaly, MeterDay

    with connection.cursor() as cur:  # the change log is append-only through the ORM
        cur.execute(f"DELETE FROM {ChangeRecord._meta.db_table}")
    Anomaly.objects.all().delete()
    MeterDay.objects.all().delete()


def throughput(args) -> None:
    from carbonms.monitoring import rollups
    from carbonms.monitoring.ingestion import ingest
    from carbonms.monitoring.models import Anomaly, DirtyDay, MeterDay

    gw, _token, codes, kinds = make_meters(args.meters)
    rng, registers = random.Random(7), {}
    t = time.perf_counter()
    per_day = 96
    for d in range(args.days):
        items = day_items(rng, codes, kinds, T_DAYS, d * per_day, per_day, registers)
        for i in range(0, len(items), 100_000):
            ingest(gateway=gw, items=items[i:i + 100_000], channel="other")
    dirty = list(DirtyDay.objects.values_list("meter_id", "day"))
    print(f"loaded {args.meters} meters × {args.days} days ({len(dirty)} dirty meter-days) in {time.perf_counter() - t:.1f} s")

    def mark():
        DirtyDay.objects.bulk_create([DirtyDay(meter_id=m, day=d) for m, d in dirty], ignore_conflicts=True, batch_size=5000)

    results = {}
    for name, fn in (("per-meter", rollups.refresh_per_meter), ("set-based", rollups.refresh_dirty)):
        reset_rollups()
        DirtyDay.objects.all().delete()
        mark()
        la = os.getloadavg()[0]
        b0, p0 = backend_cpu(), time.process_time()
        t = time.perf_counter()
        n = fn()
        s = time.perf_counter() - t
        cpu = backend_cpu() - b0 + time.process_time() - p0
        results[name] = (n, s, MeterDay.objects.count(), Anomaly.objects.count(), la, cpu)
        print(f"  {name:<10} {n} meter-days in {s:7.2f} s = {n / s:9,.0f} meter-days/s "
              f"({results[name][2]} rollups, {results[name][3]} anomalies; load {la:.2f} at start); "
              f"CPU {cpu:.2f} s (Python + database backend) = {n / cpu if cpu else 0:,.0f} meter-days per CPU-second")
    mark()
    t = time.perf_counter()
    n = rollups.refresh_dirty()
    s = time.perf_counter() - t
    print(f"  set-based, recompute over existing rollups: {n} meter-days in {s:.2f} s = {n / s:,.0f} meter-days/s")
    (n1, s1, r1, a1, _, c1), (n2, s2, r2, a2, _, c2) = results["per-meter"], results["set-based"]
    same = (r1, a1) == (r2, a2)
    print(f"ratio set-based / per-meter: {(n2 / s2) / (n1 / s1):.1f}× in wall time, "
          f"{(n2 / c2) / (n1 / c1) if c1 and c2 else 0:.1f}× in CPU time (targets: ≥ 3,000 meter-days/s and ≥ 20×); "
          f"same rollup and anomaly counts: {same}")
    if args.workers >= 1:
        workers(args, len(dirty), mark, (r2, a2), n1 / s1)


def _worker(limit: int, out) -> None:
    from django.db import connections

    from carbonms.monitoring import rollups

    connections.close_all()  # a connection of its own, not the parent's
    out.put(rollups.refresh_dirty(limit))


def workers(args, total: int, mark, expected: tuple[int, int], per_meter_rate: float) -> None:
    """The set-based refresh in ``--workers`` processes at once (the deployment: one refresh worker per core,
    claiming chunks with FOR UPDATE SKIP LOCKED), from the same empty state; wall time until all are done."""
    import multiprocessing as mp

    from django.db import connections

    from carbonms.monitoring.models import Anomaly, DirtyDay, MeterDay

    reset_rollups()
    DirtyDay.objects.all().delete()
    mark()
    connections.close_all()
    limit = max(100, -(-total // (args.workers * 4)))  # four chunks per worker: they finish together
    ctx = mp.get_context("fork")
    out = ctx.Queue()
    la = os.getloadavg()[0]
    t = time.perf_counter()
    procs = [ctx.Process(target=_worker, args=(limit, out)) for _ in range(args.workers)]
    for p in procs:
        p.start()
    done = [out.get() for _ in procs]
    for p in procs:
        p.join()
    s = time.perf_counter() - t
    n = sum(done)
    counts = (MeterDay.objects.count(), Anomaly.objects.count())
    print(f"  set-based, {args.workers} refresh workers (chunks of {limit}): {n} meter-days in {s:.2f} s = {n / s:,.0f} "
          f"meter-days/s (per worker {done}; load {la:.2f} at start); {n / s / per_meter_rate:.1f}× the per-meter "
          f"implementation's rate above; same rollup and anomaly counts as one worker: {counts == expected}")


def request(args) -> None:
    from django.conf import settings
    from django.test import Client
    from monitoring_common import body

    from carbonms.monitoring import background, rollups, rollups_sql
    from carbonms.monitoring.models import DirtyDay, Meter

    Meter.objects.all().update(status="retired")
    gw, token, codes, kinds = make_meters_named(args.request_meters)
    per_meter = 100_000 // args.request_meters
    client = Client(HTTP_HOST="127.0.0.1")
    rng, registers = random.Random(9), {}
    variants = [("off (no rollup)", "off", None), ("background (default)", "background", None),
                ("inline, set-based", "sync", None), ("inline, per-meter (old)", "sync", "legacy")]
    t_base = T_DAYS + 86400 * 200
    print(f"one request of {per_meter * args.request_meters:,} readings ({args.request_meters} meters × {per_meter}):")
    for k, (name, mode, impl) in enumerate(variants):
        payload = body(day_items(rng, codes, kinds, t_base, k * per_meter * 2, per_meter, registers))
        settings.MONITORING = {**settings.MONITORING, "ROLLUP": mode}
        original = rollups_sql.refresh_dirty
        if impl == "legacy":
            rollups_sql.refresh_dirty = lambda limit=500, now=None: rollups.refresh_per_meter(limit, now=now)
        try:
            t = time.perf_counter()
            resp = client.post("/api/v1/monitoring/readings/", data=payload, content_type="application/json",
                               HTTP_AUTHORIZATION=f"Gateway {token}")
            s = time.perf_counter() - t
            assert resp.status_code == 200, resp.content[:300]
            extra = ""
            if mode == "background":
                background.wait_idle(600)
                extra = f"; the background rollup had emptied the dirty set {time.perf_counter() - t:.2f} s after the request began"
        finally:
            rollups_sql.refresh_dirty = original
        left = DirtyDay.objects.count()
        print(f"  {name:<24} answered in {s:6.2f} s (accepted {resp.json()['accepted']:,}){extra}; {load()}")
        if mode == "off" and left:
            rollups.refresh_dirty()


def make_meters_named(n: int):
    """A second gateway with n meters (the request benchmark), in the park of the first."""
    from carbonms.monitoring.models import Gateway, Meter
    from carbonms.monitoring.services import _new_token

    first = Gateway.objects.first()
    gw = Gateway(park=first.park, enterprise=first.enterprise, code="bench-req", name="req", rate_limit_per_minute=10**6)
    token = _new_token(gw)
    gw.save()
    codes = [f"R{i:05d}" for i in range(n)]
    kinds = {c: "cumulative" if i % 10 in (1, 4, 7) else "interval" for i, c in enumerate(codes)}
    Meter.objects.bulk_create([Meter(park=gw.park, enterprise=gw.enterprise, gateway=gw, code=c, name=c, meter_type="electricity",
                                     unit="kWh", reading_kind=kinds[c], interval_minutes=15,
                                     installed_at=dt.datetime(2024, 1, 1, tzinfo=dt.UTC)) for c in codes])
    return gw, token, codes, kinds


def queries(args) -> None:
    from carbonms.monitoring import rollups, storage
    from carbonms.monitoring.ingestion import ingest
    from carbonms.monitoring.models import Meter

    gw, _t, codes = make_park(2) if not Meter.objects.exists() else (None, None, None)
    if gw is None:
        print("--queries needs its own run (fresh database)")
        return
    reg = Meter.objects.get(code=codes[1])
    reg.reading_kind = "cumulative"
    reg.save()
    n = 365 * 96
    for m, cum in ((codes[0], False), (codes[1], True)):
        total, items = 0.0, []
        for i in range(n):
            v = 1 + (i % 96) / 10
            total += v
            items.append({"meter": m, "ts": T_YEAR + 900 * (i + 1), "value": round(total, 1) if cum else v})
            if len(items) == 50_000:
                ingest(gateway=gw, items=items, channel="other")
                items = []
        ingest(gateway=gw, items=items, channel="other")
    t0 = time.perf_counter()
    days = rollups.refresh_dirty()
    print(f"2 meters × {n} readings ({storage.count()} stored); rollup of {days} meter-days in {time.perf_counter() - t0:.1f} s")
    for m in Meter.objects.order_by("code"):
        qs = {
            "monthly (12 months)": lambda m=m: rollups.monthly(m, 2025),
            "daily (365 days)": lambda m=m: rollups.daily(m, dt.date(2025, 1, 1), dt.date(2025, 12, 31)),
            "month total (activity)": lambda m=m: rollups.month_total(m, 2025, 6),
            "hourly, one month": lambda m=m: rollups.hourly(m, dt.date(2025, 6, 1), dt.date(2025, 6, 30)),
            "hourly, whole year": lambda m=m: rollups.hourly(m, dt.date(2025, 1, 1), dt.date(2025, 12, 31)),
        }
        for name, fn in qs.items():
            times = []
            for _ in range(args.repeat if "year" not in name else max(5, args.repeat // 5)):
                t = time.perf_counter()
                fn()
                times.append((time.perf_counter() - t) * 1000)
            times.sort()
            p95 = times[min(len(times) - 1, int(round(0.95 * len(times))) - 1)]
            print(f"  {m.reading_kind:<10} {name:<24} p50 {statistics.median(times):8.1f} ms   p95 {p95:8.1f} ms   (n={len(times)})")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--db", choices=["postgres", "sqlite"], default="postgres")
    ap.add_argument("--meters", type=int, default=100)
    ap.add_argument("--days", type=int, default=30)
    ap.add_argument("--request-meters", type=int, default=1000)
    ap.add_argument("--skip-request", action="store_true")
    ap.add_argument("--queries", action="store_true", help="the query latency benchmark instead")
    ap.add_argument("--repeat", type=int, default=50)
    ap.add_argument("--workers", type=int, default=2, help="refresh workers of the run in small chunks (0: none)")
    args = ap.parse_args()
    url = PG_URL if args.db == "postgres" else "sqlite:////tmp/carbonms_bench_rollup.sqlite3"
    os.environ["MONITORING_ROLLUP"] = "off"  # the benchmark decides when rollups run
    fresh_database(url)
    print(f"database: {args.db}; {load()}")
    if args.queries:
        queries(args)
        return
    throughput(args)
    if not args.skip_request:
        request(args)
    print(f"end: {load()}")


if __name__ == "__main__":
    main()
