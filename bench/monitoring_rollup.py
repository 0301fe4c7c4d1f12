"""Rollup queries for one meter over one year: p50/p95 latency.

Usage: .venv/bin/python bench/monitoring_rollup.py [--db postgres|sqlite] [--repeat R]

Fresh database, one interval meter and one register meter with a year of 15-minute readings
(35,040 each, through the ingestion service), daily rollups computed; then each query R times:
the twelve monthly totals, the 365 daily values, a month of hourly values (from the readings),
a whole year of hourly values, and the monthly total used for activity data.
"""
from __future__ import annotations

import argparse
import datetime as dt
import statistics
import time

from monitoring_common import PG_URL, fresh_database, make_park

T0 = int(dt.datetime(2025, 1, 1, tzinfo=dt.timezone(dt.timedelta(hours=8))).timestamp())  # a whole past year


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--db", choices=["postgres", "sqlite"], default="postgres")
    ap.add_argument("--repeat", type=int, default=50)
    args = ap.parse_args()
    url = PG_URL if args.db == "postgres" else "sqlite:////tmp/carbonms_bench_rollup.sqlite3"
    fresh_database(url)
    gw, _t, codes = make_park(2)
    from carbonms.monitoring import rollups
    from carbonms.monitoring.ingestion import ingest
    from carbonms.monitoring.models import Meter

    reg = Meter.objects.get(code=codes[1])
    reg.reading_kind = "cumulative"
    reg.save()
    n = 365 * 96
    for m, cum in ((codes[0], False), (codes[1], True)):
        total, items = 0.0, []
        for i in range(n):
            v = 1 + (i % 96) / 10
            total += v
            items.append({"meter": m, "ts": T0 + 900 * (i + 1), "value": round(total, 1) if cum else v})
            if len(items) == 50_000:
                ingest(gateway=gw, items=items, channel="other")
                items = []
        ingest(gateway=gw, items=items, channel="other")
    t0 = time.perf_counter()
    days = rollups.refresh_dirty(limit=1000)
    from carbonms.monitoring import storage

    print(f"database: {args.db}; 2 meters × {n} readings ({storage.count()} stored); rollup of {days} meter-days in {time.perf_counter() - t0:.1f} s")
    for m in Meter.objects.order_by("code"):
        queries = {
            "monthly (12 months)": lambda m=m: rollups.monthly(m, 2025),
            "daily (365 days)": lambda m=m: rollups.daily(m, dt.date(2025, 1, 1), dt.date(2025, 12, 31)),
            "month total (activity)": lambda m=m: rollups.month_total(m, 2025, 6),
            "hourly, one month": lambda m=m: rollups.hourly(m, dt.date(2025, 6, 1), dt.date(2025, 6, 30)),
            "hourly, whole year": lambda m=m: rollups.hourly(m, dt.date(2025, 1, 1), dt.date(2025, 12, 31)),
        }
        for name, fn in queries.items():
            times = []
            for _ in range(args.repeat if "year" not in name else max(5, args.repeat // 5)):
                t = time.perf_counter()
                fn()
                times.append((time.perf_counter() - t) * 1000)
            times.sort()
            p95 = times[min(len(times) - 1, int(round(0.95 * len(times))) - 1)]
            print(f"  {m.reading_kind:<10} {name:<24} p50 {statistics.median(times):8.1f} ms   p95 {p95:8.1f} ms   (n={len(times)})")


if __name__ == "__main__":
    main()
