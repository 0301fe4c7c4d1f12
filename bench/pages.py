"""Benchmark: pages and API endpoints of a 1,000-enterprise park (issue 16, "Pages and API that stay fast").

Builds the park of bench/inventory_recalc.py (1,000 enterprises, ≈ 50,000 sources, ≈ 600,000 monthly values)
and one calculation run of it, or reuses them; adds meters with a year of daily rollups (default 3 per
enterprise, 365 days each, COPY) and change-log entries, and a park administrator. Then requests each page
in-process through the whole Django stack (middleware, templates) as that administrator, and prints p50,
p95, the number of queries and the size of each answer against the 200 ms target. No assertion: it reports.

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/carbonms_pagesbench .venv/bin/python bench/pages.py
    options: --repeat N (timed requests per page, default 20) --meters-per-enterprise M --changes C --only SUBSTRING
"""
from __future__ import annotations

import argparse
import datetime as dt
import io
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "carbonms.config.settings")
os.environ.setdefault("DEBUG", "1")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

TARGET_MS = 200


def ensure_park(year: int, enterprises: int = 1000):
    from bench.inventory_recalc import PARK, generate
    from carbonms.accounts.models import User
    from carbonms.inventory.models import CalculationRun
    from carbonms.inventory.services import run_calculation
    from carbonms.organizations.models import Park

    park = Park.objects.filter(name=PARK).first()
    if park is None:
        t = time.perf_counter()
        park = generate(enterprises, year)
        print(f"park generated in {time.perf_counter() - t:.1f} s")
    if not CalculationRun.objects.filter(park=park, enterprise=None, year=year).exists():
        t = time.perf_counter()
        run_calculation(actor=User.objects.get(username="bench"), park=park, year=year, reason="pages benchmark")
        print(f"park run computed in {time.perf_counter() - t:.1f} s")
        with connection.cursor() as cur:  # as autovacuum would after a large insert
            cur.execute("ANALYZE inventory_runresult")
    return park


def ensure_meters(park, per_enterprise: int, year: int) -> None:
    """``per_enterprise`` meters for each enterprise with a daily rollup for every day of ``year`` (COPY)."""
    from carbonms.monitoring.models import Meter, MeterDay
    from carbonms.organizations.models import Enterprise

    if Meter.objects.filter(park=park).exists():
        return
    t = time.perf_counter()
    installed = dt.datetime(year - 1, 1, 1, tzinfo=dt.UTC)
    meters = [Meter(park=park, enterprise_id=e, code=f"M{e}-{j}", name=f"表{e}-{j}", meter_type="electricity", unit="kWh",
                    reading_kind="interval", interval_minutes=15, installed_at=installed)
              for e in Enterprise.objects.filter(park=park).values_list("pk", flat=True) for j in range(per_enterprise)]
    meters = Meter.objects.bulk_create(meters, batch_size=2000)
    now = timezone.now().isoformat()
    days = [dt.date(year, 1, 1) + dt.timedelta(days=i) for i in range(365)]
    cols = ["meter_id", "day", "measured", "substituted", "n_readings", "n_expected", "completeness", "flags", "computed_at"]
    buf = io.StringIO()
    for m in meters:
        for i, d in enumerate(days):
            buf.write(f"{m.pk}\t{d.isoformat()}\t{100 + (m.pk * 7 + i) % 50}\t0\t96\t96\t1\t[]\t{now}\n")
    buf.seek(0)
    with connection.cursor() as cur, cur.cursor.copy(f"COPY {MeterDay._meta.db_table} ({', '.join(cols)}) FROM STDIN") as cp:
        while chunk := buf.read(1 << 20):
            cp.write(chunk)
    with connection.cursor() as cur:
        cur.execute(f"ANALYZE {MeterDay._meta.db_table}")
    print(f"{len(meters)} meters × {len(days)} daily rollups in {time.perf_counter() - t:.1f} s")


def ensure_changes(park, n: int) -> None:
    """``n`` change-log entries spread over the park's enterprises (bulk insert)."""
    from django.contrib.contenttypes.models import ContentType

    from carbonms.changelog.models import ChangeRecord
    from carbonms.organizations.models import Enterprise

    have = ChangeRecord.objects.filter(park_id=park.pk).count()
    if have >= n:
        return
    t = time.perf_counter()
    ct = ContentType.objects.get_for_model(Enterprise)
    ents = list(Enterprise.objects.filter(park=park).values_list("pk", "name"))
    rows = [ChangeRecord(source_kind="command", source_id="bench", content_type=ct, object_id=str(ents[i % len(ents)][0]),
                         object_repr=ents[i % len(ents)][1], action="update", changes={"name": ["旧", "新"]},
                         park_id=park.pk, enterprise_id=ents[i % len(ents)][0], user_name="bench")
            for i in range(n - have)]
    ChangeRecord.objects.bulk_create(rows, batch_size=5000)
    with connection.cursor() as cur:
        cur.execute(f"ANALYZE {ChangeRecord._meta.db_table}")
    print(f"{n - have} change-log entries in {time.perf_counter() - t:.1f} s")


def ensure_statements(park, year: int) -> None:
    """Approved management statements of ``year`` for the park and every enterprise, from the park run's results
    (one INSERT), so that the cockpit has figures of record to show (issue 14 item 6)."""
    from django.db.models import Sum

    from carbonms.accounts.models import User
    from carbonms.inventory.models import CalculationRun, InventoryStatement, RunResult

    if InventoryStatement.objects.filter(park=park, year=year).exists():
        return
    run = CalculationRun.objects.filter(park=park, enterprise=None, year=year).order_by("-id").first()
    user = User.objects.get(username="bench")
    by_ent = RunResult.objects.filter(run=run).values("enterprise_id").annotate(t=Sum("co2e_t"), e=Sum("energy_tce")).order_by()
    rows = [InventoryStatement(park=park, year=year, run=run, gwp_set=run.gwp_set, status="approved", drafted_by=user,
                               totals=dict(run.totals))]
    rows += [InventoryStatement(park=park, enterprise_id=r["enterprise_id"], year=year, run=run, gwp_set=run.gwp_set,
                                status="approved", drafted_by=user, totals={"gross": r["t"], "energy_tce": r["e"]})
             for r in by_ent]
    InventoryStatement.objects.bulk_create(rows, batch_size=2000)


def park_admin(park):
    from carbonms.accounts.models import RoleAssignment, User
    from carbonms.accounts.roles import Role

    user, _ = User.objects.get_or_create(username="bench_park_admin")
    RoleAssignment.objects.get_or_create(user=user, role=Role.PARK_ADMIN, park=park, enterprise=None)
    return user


def backend_cpu_ms() -> float:
    """CPU time (user + system) of this connection's PostgreSQL backend so far, from /proc (same machine)."""
    with connection.cursor() as cur:
        cur.execute("SELECT pg_backend_pid()")
        pid = cur.fetchone()[0]
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return float("nan")
    return (int(fields[11]) + int(fields[12])) * 1000 / os.sysconf("SC_CLK_TCK")


def measure(client: Client, url: str, repeat: int) -> tuple[list[float], list[float], int, int, int]:
    """Wall times, CPU times (this process + its PostgreSQL backend) in ms, queries, bytes and status."""
    for _ in range(2):  # warm-up (caches, connection)
        client.get(url)
    times, cpu = [], []
    for _ in range(repeat):
        d0 = backend_cpu_ms()
        with CaptureQueriesContext(connection) as ctx:
            c0 = time.process_time()
            t = time.perf_counter()
            resp = client.get(url)
            body = resp.content
            times.append((time.perf_counter() - t) * 1000)
            c1 = time.process_time()
        cpu.append((c1 - c0) * 1000 + backend_cpu_ms() - d0)
    return times, cpu, len(ctx.captured_queries), len(body), resp.status_code


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=20)
    ap.add_argument("--year", type=int, default=2025)
    ap.add_argument("--meters-per-enterprise", type=int, default=3)
    ap.add_argument("--changes", type=int, default=100_000)
    ap.add_argument("--enterprises", type=int, default=1000,
                    help="enterprises of the park generated when the database has none (use a database of its own)")
    ap.add_argument("--no-settle", action="store_true", help="measure without the web process's gc.freeze() at start-up")
    ap.add_argument("--only", default="", help="measure only the pages whose name contains this")
    args = ap.parse_args()
    if connection.vendor != "postgresql":
        print("Set DATABASE_URL to a PostgreSQL database (the benchmark measures PostgreSQL).", file=sys.stderr)
        return 2
    from django.core.management import call_command

    from carbonms.inventory.models import CalculationRun
    from carbonms.monitoring.models import Meter, MeterDay
    from carbonms.organizations.models import Enterprise

    call_command("migrate", verbosity=0)
    park = ensure_park(args.year, args.enterprises)
    ensure_meters(park, args.meters_per_enterprise, args.year)
    ensure_changes(park, args.changes)
    ensure_statements(park, args.year)
    run = CalculationRun.objects.filter(park=park, enterprise=None, year=args.year).order_by("-id").first()
    ent = Enterprise.objects.filter(park=park, kind="enterprise").order_by("pk").first()
    client = Client(HTTP_HOST="localhost")  # DEBUG=1: the development settings (static files from the finders)
    client.force_login(park_admin(park))
    n_meters = Meter.objects.filter(park=park).count()
    print(f"park #{park.pk}: {Enterprise.objects.filter(park=park).count()} enterprises, run #{run.pk} ({run.n_results:,} results), "
          f"{n_meters:,} meters, {MeterDay.objects.filter(meter__park=park).count():,} daily rollups")
    pages = [
        ("(floor: /api/v1/me/)", "/api/v1/me/"),
        ("park overview", f"/parks/{park.pk}/"),
        ("park overview, search", f"/parks/{park.pk}/?q=基准企业09"),
        ("park overview, page 10", f"/parks/{park.pk}/?page=10&sort=-credit_code"),
        ("inventory year page (park)", f"/inventory/parks/{park.pk}/?year={args.year}"),
        ("inventory run page", f"/inventory/runs/{run.pk}/"),
        ("drill-down, whole run", f"/inventory/runs/{run.pk}/results/"),
        ("drill-down, category", f"/inventory/runs/{run.pk}/results/?category=stationary_combustion"),
        ("drill-down, enterprise", f"/inventory/runs/{run.pk}/results/?enterprise={ent.pk}"),
        ("drill-down, whole run page 100", f"/inventory/runs/{run.pk}/results/?page=100"),
        ("change log", "/changes/"),
        ("park source register", f"/data/parks/{park.pk}/sources/"),
        ("meter list", "/monitoring/"),
        ("meter list, page 20", "/monitoring/?page=20&sort=enterprise"),
        ("completeness heat map (30 days)", f"/monitoring/completeness/?start={args.year}-12-01&end={args.year}-12-30"),
        ("conformity index (park)", f"/conformity/park-{park.pk}/"),
        ("conformity standard (park)", f"/conformity/park-{park.pk}/t-cses-2023/"),
        ("API calculation-results", "/api/v1/calculation-results/"),
        ("API calculation-results?run", f"/api/v1/calculation-results/?run={run.pk}&category=purchased_electricity"),
        ("API calculation-runs", "/api/v1/calculation-runs/"),
        ("API enterprises", "/api/v1/enterprises/"),
        ("API sources", "/api/v1/sources/"),
        ("API activity", "/api/v1/activity/"),
        ("API changes", "/api/v1/changes/"),
        ("API meters", "/api/v1/monitoring/meters/"),
        ("cockpit (park)", f"/cockpit/parks/{park.pk}/"),
        ("cockpit ranking, page 50 by intensity", f"/cockpit/parks/{park.pk}/?sort=-intensity&page=50"),
        ("cockpit ranking, filtered", f"/cockpit/parks/{park.pk}/?industry=31&q=基准企业09"),
        ("cockpit (enterprise)", f"/cockpit/enterprises/{ent.pk}/"),
        ("zero-carbon plan (park)", f"/zero-carbon/parks/{park.pk}/"),
    ]
    if connection.vendor == "postgresql":
        # Current statistics, as autovacuum keeps them: a park reused from bench/inventory_recalc.py may hold
        # runs written after the last ANALYZE, and the planner then sorts a whole run for a first page.
        t = time.perf_counter()
        with connection.cursor() as cur:
            cur.execute("ANALYZE")
        print(f"ANALYZE in {time.perf_counter() - t:.1f} s")
    if not args.no_settle:  # as a web process starts (carbonms/config/wsgi.py): views imported, gc.freeze()
        from carbonms.config.wsgi import settle

        settle()
    load = os.getloadavg()
    print(f"gc.freeze after start-up (wsgi.settle): {'no' if args.no_settle else 'yes'}")
    print(f"load average before: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}; {args.repeat} timed requests per page")
    print("wall: p50 and p95 of the request in ms; cpu: median CPU ms of this process and its PostgreSQL backend "
          "(what the request costs without waiting for a core)")
    print(f"{'page':36} {'status':>6} {'p50 ms':>8} {'p95 ms':>8} {'cpu ms':>8} {'queries':>8} {'KB':>8}  target {TARGET_MS} ms")
    for name, url in pages:
        if args.only and args.only not in name:
            continue
        times, cpu, n_queries, size, status = measure(client, url, args.repeat)
        p95 = statistics.quantiles(times, n=20)[-1] if len(times) >= 2 else times[0]
        verdict = "ok" if p95 < TARGET_MS else "OVER"
        print(f"{name:36} {status:>6} {statistics.median(times):8.1f} {p95:8.1f} {statistics.median(cpu):8.1f} {n_queries:8d}"
              f" {size / 1024:8.1f}  {verdict}")
    load = os.getloadavg()
    print(f"load average after: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
