"""Benchmark: full recalculation of a large park from the database (issue 4, "Benchmark").

Generates a park of N enterprises (default 1,000) with 40–60 sources each and a year of approved
monthly activity data (≈ 600,000 values), then times ``carbonms.inventory.services.run_calculation``
for the whole park: load (queries), compute (accounting core + NumPy totals), store (results with
provenance, PostgreSQL COPY). Prints the total and the split. No assertion on time: it reports.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/carbonms_bench .venv/bin/python bench/inventory_recalc.py
    options: --enterprises N --repeat R --year Y --keep (reuse the generated park)
"""
from __future__ import annotations

import argparse
import datetime as dt
import io
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "carbonms.config.settings")
os.environ.setdefault("DEBUG", "1")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from carbonms.accounts.models import User  # noqa: E402
from carbonms.carbondata.models import ActivityRecord, Source  # noqa: E402
from carbonms.inventory.models import CalculationRun, RunResult  # noqa: E402
from carbonms.inventory.services import run_calculation  # noqa: E402
from carbonms.organizations.credit_code import check_character  # noqa: E402
from carbonms.organizations.models import Enterprise, Park  # noqa: E402

PARK = "基准测试园区"
KINDS = [  # category, method, material, unit, typical monthly amount
    ("stationary_combustion", "fuel_combustion", "天然气", "10^4Nm3", 20),
    ("stationary_combustion", "fuel_combustion", "烟煤", "t", 800),
    ("stationary_combustion", "fuel_combustion", "焦炉煤气", "10^4Nm3", 60),
    ("mobile_combustion", "fuel_combustion", "柴油", "t", 10),
    ("mobile_combustion", "fuel_combustion", "汽油", "t", 2),
    ("process", "emission_factor", "碳酸钙(石灰石)", "t", 500),
    ("purchased_electricity", "emission_factor", "电力", "MWh", 900),
    ("purchased_heat", "emission_factor", "热力", "GJ", 1500),
]


def generate(n_enterprises: int, year: int, seed: int = 1) -> Park:
    rng = random.Random(seed)
    user, _ = User.objects.get_or_create(username="bench", defaults={"is_superuser": True, "is_staff": True})
    park = Park.objects.create(name=PARK, province="320000", city="南通市", zone_type="national_etdz", grid_region="华东")
    ents = []
    for i in range(n_enterprises):
        first17 = f"91320699{i:09d}"
        ents.append(Enterprise(park=park, name=f"基准企业{i:04d}", credit_code=first17 + check_character(first17),
                               industry_code="3120", industry_name="炼钢",
                               kind=Enterprise.Kind.PARK_FACILITIES if i == 0 else Enterprise.Kind.ENTERPRISE))
    ents = Enterprise.objects.bulk_create(ents, batch_size=1000)
    plant = ents[0]
    sources = []
    for e in ents:
        for j in range(rng.randint(40, 60)):
            cat, method, mat, unit, base = KINDS[j % len(KINDS)] if j < len(KINDS) else rng.choice(KINDS)
            sources.append(Source(enterprise=e, code=f"S{j:03d}", name=f"{mat}{j}", category=cat, method=method, material=mat,
                                  activity_unit=unit, data_source="meter", effective_from=dt.date(2020, 1, 1),
                                  supplier=plant if cat == "purchased_heat" and e.pk != plant.pk and j % 2 else None))
    sources = Source.objects.bulk_create(sources, batch_size=5000)
    base_of = {k[2]: k[4] for k in KINDS}
    now = timezone.now().isoformat()
    cols = ["created_at", "updated_at", "source_id", "enterprise_id", "year", "month", "amount", "unit", "note", "version",
            "is_current", "correction_reason", "status", "origin", "meter_detail", "quality_flags", "entered_by_id",
            "review_comment", "reviewed_by_id"]
    buf = io.StringIO()
    for s in sources:
        base = base_of[s.material] * rng.uniform(0.2, 3.0)
        for m in range(1, 13):
            amount = round(base * rng.uniform(0.85, 1.15), 3)
            buf.write(f"{now}\t{now}\t{s.pk}\t{s.enterprise_id}\t{year}\t{m}\t{amount}\t{s.activity_unit}\t\t1\tt\t\tapproved\t"
                      f"manual\t{{}}\t[]\t{user.pk}\t\t{user.pk}\n")
    buf.seek(0)
    with connection.cursor() as cur, cur.cursor.copy(f"COPY {ActivityRecord._meta.db_table} ({', '.join(cols)}) FROM STDIN") as cp:
        while chunk := buf.read(1 << 20):
            cp.write(chunk)
    with connection.cursor() as cur:
        cur.execute(f"ANALYZE {ActivityRecord._meta.db_table}")
        cur.execute(f"ANALYZE {Source._meta.db_table}")
    return park


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--enterprises", type=int, default=1000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--year", type=int, default=2025)
    ap.add_argument("--keep", action="store_true", help="reuse the park generated by an earlier run")
    ap.add_argument("--parts", type=int, default=8, help="parts of the recalculation job")
    ap.add_argument("--workers", type=int, default=0, help="real Celery workers (0: the job runs eagerly in this process)")
    ap.add_argument("--broker", default="amqp://guest:guest@127.0.0.1:5672//")
    args = ap.parse_args()
    if connection.vendor != "postgresql":
        print("Set DATABASE_URL to a PostgreSQL database (the benchmark measures PostgreSQL).", file=sys.stderr)
        return 2
    call_command("migrate", verbosity=0)
    park = Park.objects.filter(name=PARK).first()
    if park is not None and not args.keep:
        with transaction.atomic():
            from carbonms.inventory.models import RecalcJob

            RecalcJob.objects.filter(park=park).delete()
            RunResult.objects.filter(run__park=park).delete()
            CalculationRun.objects.filter(park=park).delete()
            ActivityRecord.objects.filter(enterprise__park=park).delete()
            Source.objects.filter(enterprise__park=park).delete()
            from carbonms.carbondata.models import DataEvent

            DataEvent.objects.filter(park=park).delete()
            Enterprise.objects.filter(park=park).delete()
            park.delete()
        park = None
    if park is None:
        t = time.perf_counter()
        park = generate(args.enterprises, args.year)
        print(f"generated in {time.perf_counter() - t:.1f} s")
    n_ent = Enterprise.objects.filter(park=park).count()
    n_src = Source.objects.filter(enterprise__park=park).count()
    n_rec = ActivityRecord.objects.filter(enterprise__park=park, year=args.year).count()
    print(f"park: {n_ent} enterprises, {n_src} sources, {n_rec} monthly values ({args.year})")
    user = User.objects.get(username="bench")
    procs = _workers(args) if args.workers else []
    try:
        return _measure(args, park, user)
    finally:
        for p in procs:
            p.terminate()


def _measure(args, park, user) -> int:
    totals = []
    for i in range(args.repeat):
        t = time.perf_counter()
        run = run_calculation(actor=user, park=park, year=args.year, reason=f"benchmark {i + 1}")
        total = time.perf_counter() - t
        totals.append(total)
        tm = run.timings
        print(f"run {i + 1}: total {total:.2f} s = load {tm['load']:.2f} + compute {tm['compute']:.2f} + store {tm['store']:.2f}"
              f" (+ {total - sum(tm.values()):.2f} bookkeeping); {run.n_results} results; gross {run.totals['gross']:,.0f} tCO2e,"
              f" {run.totals['energy_tce']:,.0f} tce, counted once {run.totals['excluded_double_counting']:,.0f} tCO2e")
    print(f"one transaction (run_calculation): best {min(totals):.2f} s, median {statistics.median(totals):.2f} s; "
          f"{_load()}")
    jobs = []
    for i in range(args.repeat):
        t = time.perf_counter()
        job = _job(user, park, args, i)
        total = time.perf_counter() - t
        jobs.append(total)
        tm = job.run.timings
        parts = sorted(tm["parts"].values())
        print(f"job {i + 1}: total {total:.2f} s, {job.n_parts} parts of {min(parts):.2f}–{max(parts):.2f} s "
              f"(sum {sum(parts):.2f} s) + assembly {tm['assemble']:.2f} s; workers {len(tm['workers'])}; "
              f"{job.run.n_results} results; gross {job.run.totals['gross']:,.0f} tCO2e; {_load()}")
    print(f"split by enterprise ({args.workers or 'in-process, eager'} worker{'s' if args.workers > 1 else ''}, "
          f"{args.parts} parts): best {min(jobs):.2f} s, median {statistics.median(jobs):.2f} s (target < 5 s on an idle "
          f"machine with one worker); one transaction best {min(totals):.2f} s in the same run")
    return 0


def _load() -> str:
    return "load average " + " ".join(f"{x:.2f}" for x in os.getloadavg()) + f" ({os.cpu_count()} cores)"


def _job(user, park, args, i):
    """A recalculation job: eager in this process, or on ``--workers`` real Celery workers (``--broker``)."""
    from carbonms.inventory import recalc
    from carbonms.inventory.models import RecalcJob

    if not args.workers:
        return recalc.start(actor=user, park=park, year=args.year, parts=args.parts, reason=f"benchmark job {i + 1}")
    from celery import Celery
    from django.conf import settings

    sender = Celery(broker=args.broker, set_as_current=False)
    settings.CELERY_TASK_ALWAYS_EAGER = False
    recalc._queue_parts = lambda job_id, n: [sender.send_task("carbonms.inventory.recalc_part", args=[job_id, k],
                                                              queue=QUEUE) for k in range(n)]
    job = recalc.start(actor=user, park=park, year=args.year, parts=args.parts, reason=f"benchmark job {i + 1}")
    while job.status == RecalcJob.Status.RUNNING:
        time.sleep(0.05)
        job.refresh_from_db()
    assert job.status == RecalcJob.Status.DONE, job.error
    return job


QUEUE = f"bench-recalc-{os.getpid()}"


def _workers(args):
    import subprocess

    db = connection.settings_dict
    env = {**os.environ, "CELERY_BROKER_URL": args.broker, "CELERY_TASK_ALWAYS_EAGER": "0", "CELERY_TASK_DEFAULT_QUEUE": QUEUE,
           "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"}
    procs = [subprocess.Popen([sys.executable, "-m", "celery", "-A", "carbonms.config.celery", "worker", "-Q", QUEUE, "-c", "1",
                               "-n", f"bench{k}-{QUEUE}@%h", "--without-gossip", "--without-mingle", "--without-heartbeat",
                               "-l", "WARNING"], cwd=Path(__file__).resolve().parent.parent, env=env)
             for k in range(args.workers)]
    time.sleep(8)  # workers up
    return procs


if __name__ == "__main__":
    raise SystemExit(main())
