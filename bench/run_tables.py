"""What the tables of job-assembled runs cost the queries of RunResult, and what merging them back costs.

Usage: BENCH_PG_URL=postgres://postgres@127.0.0.1:5432/carbonms_runtables .venv/bin/python bench/run_tables.py
       [--children 0,20,200,1000] [--rows 600] [--keep 20]

On PostgreSQL a park recalculation job writes its run's results into a table of its own, attached to
RunResult by inheritance (carbonms.inventory.recalc). Every attached table costs each query of RunResult a
little planning (constraint exclusion looks at each) and a query not filtered by run an index probe per table.
This benchmark drops and recreates the database (default .../carbonms_runtables), puts 200,000 results of 50
runs in RunResult's own table, then attaches run tables of --rows results each with the functions the assembly
uses (create_run_table, attach_run_table) until --children of them exist, timing at each step, with the ORM:
a run in RunResult's table (count), a run in an attached table (count), a result by id, and the results of one
enterprise across runs (count). Then merge_run_tables(keep=--keep) moves all but the newest back into
RunResult's own table; it prints the merge's time and the same queries after it. Medians of 30 repetitions,
in milliseconds, with the machine's load.
"""
from __future__ import annotations

import argparse
import os
import statistics
import time

from monitoring_common import PG_URL, fresh_database

BASE_RUNS, BASE_ROWS = 50, 200_000


def load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f} {five:.2f} {fifteen:.2f} (1/5/15 min), {os.cpu_count() or 0} cores"


def rows_sql(table: str, run_id_sql: str, n: int, first_id_sql: str | None) -> str:
    """An INSERT of ``n`` results (valid for RunResult's checks; RunResult keeps no foreign-key constraints)."""
    from carbonms.inventory.services import RESULT_COLUMNS

    ident = f"{first_id_sql}, " if first_id_sql else ""
    cols = ("id, " if first_id_sql else "") + ", ".join(RESULT_COLUMNS)
    return f"""INSERT INTO {table} ({cols})
        SELECT {ident}now(), now(), {run_id_sql}, 1 + g % 1000, 1 + g % 50000, g, 1, g % 997, 't', 1 + g % 12,
               'stationary_combustion', 'fuel_combustion', 'coal', 'CO2', g * 0.001, g * 0.0021, 0, '', 0, 1, true
        FROM generate_series(1, {n}) g"""


def timed(fn, repeat: int = 30) -> float:
    fn()
    ts = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        ts.append(time.perf_counter() - t)
    return statistics.median(ts) * 1000


def queries(child_run: int | None) -> dict[str, float]:
    from carbonms.inventory.models import RunResult

    out = {
        "run in RunResult's table": timed(lambda: RunResult.objects.filter(run_id=7).count()),
        "result by id": timed(lambda: list(RunResult.objects.filter(pk=12_345))),
        "one enterprise across runs": timed(lambda: RunResult.objects.filter(enterprise_id=7).count()),
    }
    if child_run is not None:
        out["run in its own table"] = timed(lambda: RunResult.objects.filter(run_id=child_run).count())
    return out


def show(label: str, q: dict[str, float], base: dict[str, float]) -> None:
    parts = [f"{k} {v:.2f} ms ({v / base[k]:.1f}×)" if k in base else f"{k} {v:.2f} ms" for k, v in q.items()]
    print(f"  {label:>28}: " + "; ".join(parts), flush=True)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--children", default="0,20,200,1000")
    ap.add_argument("--rows", type=int, default=600)
    ap.add_argument("--keep", type=int, default=20)
    args = ap.parse_args()
    url = os.environ.get("BENCH_PG_URL", PG_URL.rsplit("/", 1)[0] + "/carbonms_runtables")
    if not url.startswith("postgres"):
        raise SystemExit("run tables exist on PostgreSQL only (BENCH_PG_URL=postgres://…)")
    fresh_database(url)
    from django.db import connection, transaction

    from carbonms.inventory import recalc
    from carbonms.inventory.models import RunResult

    print(f"database: {url.rsplit('/', 1)[1]}; {load()}")
    rr = RunResult._meta.db_table
    with connection.cursor() as cur:
        cur.execute(rows_sql(rr, f"1 + g % {BASE_RUNS}", BASE_ROWS, None))
        cur.execute(f"ANALYZE {rr}")
        cur.execute("SELECT pg_get_serial_sequence(%s, 'id')", [rr])
        seq = cur.fetchone()[0]
    print(f"RunResult's own table: {BASE_ROWS:,} results of {BASE_RUNS} runs; attached run tables of {args.rows} results each")
    base = queries(None)
    show("no run table", base, {})
    have, last = 0, None
    for target in (int(x) for x in args.children.split(",")):
        t = time.perf_counter()
        while have < target:
            have += 1
            last = 10_000 + have
            with transaction.atomic(), connection.cursor() as cur:
                child = recalc.create_run_table(cur, last)
                cur.execute(rows_sql(child, str(last), args.rows, f"nextval('{seq}'::regclass)"))
                recalc.attach_run_table(cur, last)
        if have:
            made = time.perf_counter() - t
            show(f"{have} run tables", queries(last), base)
            if made > 1:
                print(f"  ({made:.1f} s to make them)", flush=True)
    if have:
        n_merge = max(0, have - args.keep)
        t = time.perf_counter()
        merged = recalc.merge_run_tables(keep=args.keep)
        s = time.perf_counter() - t
        assert len(merged) == n_merge
        print(f"merge_run_tables(keep={args.keep}): {len(merged)} run tables, {len(merged) * args.rows:,} results, "
              f"in {s:.2f} s ({len(merged) / s if s else 0:,.0f} tables/s); {load()}")
        show(f"after: {len(recalc.run_tables())} run tables", queries(last), base)
    print(f"end: {load()}")


if __name__ == "__main__":
    main()
