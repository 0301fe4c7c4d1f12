"""Sustained ingestion of readings through the HTTP endpoint, with zero loss and duplicates rejected.

Usage: .venv/bin/python bench/monitoring_ingest.py [--db postgres|sqlite] [--meters M] [--requests R]
       [--batch B] [--workers W] [--clients C]

Migrates a fresh benchmark database (PostgreSQL: BENCH_PG_URL, default .../carbonms_bench; SQLite: a
file under /tmp), starts gunicorn on 127.0.0.1:8041 with W workers, and POSTs R requests of B readings
each (JSON, gateway token, C concurrent clients; bodies serialised before the clock starts). Then:
zero loss (rows stored == readings sent), duplicates rejected (the first requests are sent again and
must answer all duplicates, and the row count must not change). On PostgreSQL the same rows are then
COPYed raw into an unpartitioned table with the same key: the limit, and the ratio to it.
Rollups are refreshed after the clock stops (MONITORING_ROLLUP=off) and timed separately.
"""
from __future__ import annotations

import argparse
import http.client
import json
import os
import subprocess
import sys
import threading
import time

from monitoring_common import PG_URL, ROOT, body, fresh_database, make_park, readings


def post(port: int, token: str, payload: bytes) -> dict:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
    conn.request("POST", "/api/v1/monitoring/readings/", body=payload,
                 headers={"Content-Type": "application/json", "Authorization": f"Gateway {token}"})
    resp = conn.getresponse()
    data = resp.read()
    conn.close()
    if resp.status != 200:
        raise RuntimeError(f"{resp.status} {data[:300]!r}")
    return json.loads(data)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--db", choices=["postgres", "sqlite"], default="postgres")
    ap.add_argument("--meters", type=int, default=1000)
    ap.add_argument("--requests", type=int, default=10)
    ap.add_argument("--batch", type=int, default=100_000)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--clients", type=int, default=2)
    ap.add_argument("--port", type=int, default=8041)
    args = ap.parse_args()
    url = PG_URL if args.db == "postgres" else "sqlite:////tmp/carbonms_bench.sqlite3"
    fresh_database(url)
    gw, token, codes = make_park(args.meters)
    per_req = args.batch // args.meters
    bodies = [body(readings(codes, r * per_req, per_req)) for r in range(args.requests)]
    total = per_req * args.meters * args.requests
    env = {**os.environ, "DATABASE_URL": url, "DEBUG": "1", "MONITORING_ROLLUP": "off",
           "DJANGO_SETTINGS_MODULE": "carbonms.config.settings"}
    server = subprocess.Popen([sys.executable, "-m", "gunicorn", "carbonms.config.wsgi", "--bind", f"127.0.0.1:{args.port}",
                               "--workers", str(args.workers), "--timeout", "600", "--log-level", "warning"], cwd=ROOT, env=env)
    try:
        for _ in range(100):
            try:
                http.client.HTTPConnection("127.0.0.1", args.port, timeout=1).request("GET", "/accounts/login/")
                break
            except OSError:
                time.sleep(0.2)
        results: list[dict] = []
        queue = list(enumerate(bodies))
        lock = threading.Lock()

        def client():
            while True:
                with lock:
                    if not queue:
                        return
                    _i, b = queue.pop(0)
                r = post(args.port, token, b)
                with lock:
                    results.append(r)

        t0 = time.perf_counter()
        threads = [threading.Thread(target=client) for _ in range(args.clients)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        elapsed = time.perf_counter() - t0
        accepted = sum(r["accepted"] for r in results)
        from carbonms.monitoring import storage

        stored = storage.count()
        t1 = time.perf_counter()
        dup = [post(args.port, token, bodies[i]) for i in range(min(2, len(bodies)))]
        dup_elapsed = time.perf_counter() - t1
        dup_ok = all(d["duplicates"] == per_req * args.meters and d["accepted"] == 0 for d in dup)
        stored_after = storage.count()
    finally:
        server.terminate()
        server.wait()
    from carbonms.monitoring import rollups

    t2 = time.perf_counter()
    days = rollups.refresh_dirty(limit=2000)
    rollup_s = time.perf_counter() - t2
    print(f"database: {args.db}; meters {args.meters}; requests {args.requests} × {per_req * args.meters} readings; "
          f"gunicorn workers {args.workers}; clients {args.clients}")
    print(f"HTTP ingestion: {total} readings in {elapsed:.2f} s = {total / elapsed:,.0f} readings/s")
    print(f"zero loss: accepted {accepted}, rows stored {stored} (expected {total}) -> {'OK' if stored == total == accepted else 'LOSS'}")
    print(f"duplicates: {len(dup)} requests re-sent -> all duplicates {dup_ok}, rows after {stored_after} "
          f"({'unchanged' if stored_after == stored else 'CHANGED'}); {sum(d['duplicates'] for d in dup) / dup_elapsed:,.0f} duplicates/s")
    print(f"rollup refresh afterwards: {days} meter-days in {rollup_s:.1f} s")
    if args.db == "postgres":
        raw_copy(total, elapsed)


def raw_copy(total: int, http_elapsed: float) -> None:
    """COPY the same rows into an unpartitioned table with the same primary key: the limit."""
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("DROP TABLE IF EXISTS bench_copy")
        cur.execute("CREATE TABLE bench_copy (meter_id bigint, ts timestamptz, value double precision, "
                    "received_at timestamptz, batch_id bigint, PRIMARY KEY (meter_id, ts))")
        raw = cur.cursor
        data = bytearray()
        with raw.copy("COPY (SELECT meter_id, ts, value, received_at, batch_id FROM monitoring_reading) TO STDOUT") as cp:
            for chunk in cp:
                data += chunk
        t0 = time.perf_counter()
        with raw.copy("COPY bench_copy (meter_id, ts, value, received_at, batch_id) FROM STDIN") as cp:
            step = 1 << 22
            for i in range(0, len(data), step):
                cp.write(bytes(data[i:i + step]))
        copy_s = time.perf_counter() - t0
        cur.execute("SELECT count(*) FROM bench_copy")
        n = cur.fetchone()[0]
        cur.execute("DROP TABLE bench_copy")
    print(f"raw COPY of the same {n} rows: {copy_s:.2f} s = {n / copy_s:,.0f} rows/s; "
          f"HTTP ingestion reaches {total / http_elapsed / (n / copy_s):.0%} of it")


if __name__ == "__main__":
    main()
