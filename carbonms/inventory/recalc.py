"""A park recalculation split by enterprise over any number of workers (issue 16, item 4).

:func:`start` checks the run as :func:`carbonms.inventory.services.run_calculation` does, cuts the
park's enterprises (ordered by id) into contiguous parts and queues one Celery task per part
(:func:`carbonms.inventory.tasks.recalc_part`); on the embedded default Celery runs them eagerly,
one after the other, in this process. A part loads, computes and writes its enterprises' results
into the job's own staging table (:func:`stage_table`, created with the job: UNLOGGED and without an
index on PostgreSQL, filled with binary ``COPY`` in batches; a bulk insert on SQLite), with its
parameter sets, totals and coverage. The part that finishes last queues the assembly
(:func:`assemble`), which in one transaction merges the parts in their order (not in the order they
finished: the run is the same whatever the number of workers), creates the one ``CalculationRun``,
writes the staged results with the run's factor numbering and drops the stage. On PostgreSQL the
results go into a table of the run's own (:func:`result_table`), written without an index, then
indexed as ``RunResult`` is and attached to it by table inheritance: building the indexes once costs
less than keeping them up to date row by row. On SQLite they are inserted into ``RunResult``.
Until the assembly commits no run exists and no query of ``RunResult`` reaches its rows, so no page
or API can show a partial run; a failed part fails the job and its stage is dropped. A job that stops
without failing is failed by :func:`sweep`; the tables of older runs go back into ``RunResult``'s own
table (:func:`merge_run_tables`).

Totals are summed per part, then across parts in part order, so they may differ from a single
``run_calculation`` of the park in the last bits of a float; the results row by row are the same.
"""
from __future__ import annotations

import datetime as dt
import itertools
import json
import socket
import time

import numpy as np
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from carbonms.carbondata.models import ActivityRecord, Source
from carbonms.carbondata.selectors import weighted_lab_values
from carbonms.carbondata.services.common import record_event
from carbonms.organizations.models import Enterprise

from .models import CalculationRun, RecalcJob, RecalcPart, RunResult
from .scope import MISSING_CAP, coverage, run_scope
from .services import (
    _REC_FIELDS,
    _SRC_FIELDS,
    RESULT_COLUMNS,
    S,
    _fetch,
    check_run,
    compute,
    unverified_share,
)
from .totals import summarise_arrays

COPY_BATCH = 50_000  # rows per COPY statement
STAGE_PREFIX = "inventory_recalcstage_"
RUN_TABLE_PREFIX = "inventory_runresult_run"
_MERGE_LOCK = 160_216  # the advisory lock key of merge_run_tables
_STAGE_COLS = ("part", "activity_id", "factor_index", "co2e_t", "mass_t", "energy_tce", "counted_in_park")


def stage_table(job_id: int) -> str:
    """The name of a job's staging table: one row per computed value of its parts (see :func:`write_stage`)."""
    return f"{STAGE_PREFIX}{int(job_id)}"


def result_table(run_id: int) -> str:
    """The name of the table of a run's results assembled from a job on PostgreSQL (a child of ``RunResult``'s)."""
    return f"{RUN_TABLE_PREFIX}{int(run_id)}"


def create_stage(job_id: int) -> None:
    """The job's staging table. On PostgreSQL UNLOGGED (its rows live minutes: a crash empties it, the assembly
    then finds fewer rows than the parts computed and fails the job) and without an index: the parts only append
    to it and the assembly reads all of it."""
    pg = connection.vendor == "postgresql"
    dbl = "double precision" if pg else "REAL"
    with connection.cursor() as cur:
        cur.execute(f"CREATE {'UNLOGGED ' if pg else ''}TABLE {stage_table(job_id)} (part integer NOT NULL, "
                    f"activity_id bigint NOT NULL, factor_index integer NOT NULL, co2e_t {dbl} NOT NULL, "
                    f"mass_t {dbl} NOT NULL, energy_tce {dbl} NOT NULL, counted_in_park boolean NOT NULL)")


def drop_stage(job_id: int) -> None:
    with connection.cursor() as cur:
        cur.execute(f"DROP TABLE IF EXISTS {stage_table(job_id)}")


def sweep(*, now: dt.datetime | None = None) -> dict:
    """Fail the running jobs started more than ``RECALC_JOB_TIMEOUT_MINUTES`` ago, and drop the stages no running
    job owns. Parts are delivered again when their worker dies (``acks_late``), so a job only stays running if a
    task was lost or a process died in the middle of an eager job; its stage would otherwise stay forever.
    A part still writing is waited for (:func:`_fail`), and one that starts later sees the job failed and stops.
    Run by Celery beat (``recalc_sweep``) and at each :func:`start`. Returns what it did."""
    from django.conf import settings
    from django.utils.translation import gettext as _

    minutes = settings.RECALC_JOB_TIMEOUT_MINUTES
    cutoff = (now or timezone.now()) - dt.timedelta(minutes=minutes)
    message = _("The recalculation did not finish within %(minutes)d minutes (a worker stopped or a task was lost); "
                "start it again.") % {"minutes": minutes}
    stale = list(RecalcJob.objects.filter(status=RecalcJob.Status.RUNNING, created_at__lt=cutoff)
                 .order_by("pk").values_list("pk", flat=True))
    for job_id in stale:
        _fail(job_id, [message])
    n = len(STAGE_PREFIX)
    staged = {int(t[n:]) for t in connection.introspection.table_names() if t.startswith(STAGE_PREFIX) and t[n:].isdigit()}
    running = set(RecalcJob.objects.filter(pk__in=staged, status=RecalcJob.Status.RUNNING).values_list("pk", flat=True))
    orphans = sorted(staged - running)
    for job_id in orphans:
        drop_stage(job_id)
    return {"failed": stale, "stages_dropped": orphans}


def create_run_table(cur, run_id: int) -> str:
    """A table for a run's results (PostgreSQL): ``RunResult``'s columns and checks, ``CHECK (run_id = <id>)``, no
    index yet and not yet attached, so nothing reads it until :func:`attach_run_table`. Returns its name."""
    rr, child = RunResult._meta.db_table, result_table(run_id)
    cur.execute(f"CREATE TABLE {child} (LIKE {rr} INCLUDING DEFAULTS INCLUDING CONSTRAINTS, "
                f"CONSTRAINT {child}_run CHECK (run_id = {int(run_id)}))")
    return child


def attach_run_table(cur, run_id: int) -> None:
    """Build the primary key and ``RunResult``'s indexes on a filled run table, then make it part of ``RunResult``."""
    child = result_table(run_id)
    cur.execute(f"ALTER TABLE {child} ADD PRIMARY KEY (id)")
    for n, index in enumerate(RunResult._meta.indexes):
        cols = ", ".join(RunResult._meta.get_field(f).column for f in index.fields)
        cur.execute(f"CREATE INDEX {child}_{n} ON {child} ({cols})")
    cur.execute(f"ALTER TABLE {child} INHERIT {RunResult._meta.db_table}")


def run_tables() -> list[int]:
    """The runs whose results are in a table of their own (:func:`result_table`), oldest first (PostgreSQL;
    none on SQLite)."""
    if connection.vendor != "postgresql":
        return []
    n = len(RUN_TABLE_PREFIX)
    with connection.cursor() as cur:
        cur.execute("SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
                    "WHERE i.inhparent = %s::regclass", [RunResult._meta.db_table])
        names = [r[0] for r in cur.fetchall()]
    return sorted(int(t[n:]) for t in names if t.startswith(RUN_TABLE_PREFIX) and t[n:].isdigit())


def merge_run_tables(*, keep: int | None = None) -> list[int]:
    """Move the results of all but the ``keep`` newest job-assembled runs (RECALC_RUN_TABLES_KEPT) back into
    ``RunResult``'s own table, one run per transaction, and drop their tables; returns the runs merged.

    Every table attached to ``RunResult`` costs each of its queries some planning (constraint exclusion looks
    at each child) and a query not filtered by run an index probe per table: with 1,000 such tables a result
    by id took 609 ms instead of 1.6 ms, with 20 of them 2.9 ms (``bench/run_tables.py``, docs/scaling.md).
    The rows keep their ids and values; readers see them in the run's table until the commit and in
    ``RunResult``'s table after it, never twice and never missing (a reader that comes during the last step
    waits for it). One merge runs at a time (an advisory lock); the others return at once."""
    from django.conf import settings

    keep = settings.RECALC_RUN_TABLES_KEPT if keep is None else keep
    if connection.vendor != "postgresql":
        return []
    rr = RunResult._meta.db_table
    cols = ", ".join(["id", *RESULT_COLUMNS])
    with connection.cursor() as cur:
        cur.execute("SELECT pg_try_advisory_lock(%s)", [_MERGE_LOCK])  # one merge at a time
        if not cur.fetchone()[0]:
            return []
        try:
            runs = run_tables()
            merged = runs[:max(0, len(runs) - keep)]
            for run_id in merged:
                child = result_table(run_id)
                with transaction.atomic():
                    cur.execute(f"LOCK TABLE {child} IN SHARE MODE")  # results are never written after the assembly
                    cur.execute(f"INSERT INTO {rr} ({cols}) SELECT {cols} FROM ONLY {child}")  # the parent's own table
                    cur.execute(f"ALTER TABLE {child} NO INHERIT {rr}")
                    cur.execute(f"DROP TABLE {child}")
        finally:
            cur.execute("SELECT pg_advisory_unlock(%s)", [_MERGE_LOCK])
    return merged


def start(*, actor, park, year: int, parts: int = 8, reason: str = "", basis: str = CalculationRun.Basis.MANAGEMENT,
          gwp_set: str | None = None, grid_scope: str | None = None, grid_year_rule: str | None = None,
          grid_year: int | None = None, factor_set: str | None = None, boundary_date: dt.date | None = None) -> RecalcJob:
    """Check and queue a park recalculation in ``parts`` parts; returns the job (its ``run`` is set once assembled)."""
    policy, boundary_date, locked = check_run(actor=actor, park=park, year=year, gwp_set=gwp_set, reason=reason, basis=basis,
                                              grid_scope=grid_scope, grid_year_rule=grid_year_rule, grid_year=grid_year,
                                              factor_set=factor_set, boundary_date=boundary_date)
    ids = list(Enterprise.objects.filter(park=park).order_by("pk").values_list("pk", flat=True))
    if not ids:
        raise ValidationError(_no_data(year))
    sweep()
    n = max(1, min(parts, len(ids)))
    chunks = [c.tolist() for c in np.array_split(np.array(ids, dtype=np.int64), n)]
    with transaction.atomic():
        job = RecalcJob.objects.create(park=park, year=year, run_by=actor, n_parts=n, options={
            "policy": policy, "boundary_date": boundary_date.isoformat(), "locked": locked, "reason": reason.strip(),
            "basis": basis})
        RecalcPart.objects.bulk_create([RecalcPart(job=job, index=i, enterprise_ids=c) for i, c in enumerate(chunks)])
        create_stage(job.pk)
    _enqueue(lambda: _queue_parts(job.pk, n))
    job.refresh_from_db()
    return job


def _enqueue(fn) -> None:
    """Eager Celery (the embedded default, tests): now, in this process; with workers: once committed."""
    from django.conf import settings

    if getattr(settings, "CELERY_TASK_ALWAYS_EAGER", False):
        fn()
    else:
        transaction.on_commit(fn)


def _queue_parts(job_id: int, n: int) -> None:
    from .tasks import recalc_part

    for i in range(n):
        recalc_part.delay(job_id, i)


def _no_data(year: int) -> str:
    from django.utils.translation import gettext as _

    return _("There is no approved activity data for %(year)d.") % {"year": year}


def run_part(job_id: int, index: int) -> None:
    """Compute one part and stage its results; the last part to finish queues the assembly. Idempotent: a
    part already done (a task delivered twice) or of a job no longer running is skipped."""
    t0 = time.perf_counter()
    job = RecalcJob.objects.select_related("park").get(pk=job_id)
    part = RecalcPart.objects.get(job_id=job_id, index=index)
    if part.done or job.status != RecalcJob.Status.RUNNING:
        return
    try:
        with transaction.atomic():
            # the job stays running while this part writes: _fail waits for the part before it drops the stage
            if not _still_running(job_id):
                return
            part = RecalcPart.objects.select_for_update().get(pk=part.pk)
            if part.done:
                return
            summary, n = _compute_part(job, part)
            part.done, part.n_results, part.summary = True, n, summary
            part.worker, part.seconds = socket.gethostname()[:100] + f":{_pid()}", round(time.perf_counter() - t0, 3)
            part.save()
            RecalcJob.objects.filter(pk=job_id).update(parts_done=F("parts_done") + 1)
            last = RecalcJob.objects.filter(pk=job_id, parts_done=job.n_parts).exists()
    except ValidationError as exc:
        _fail(job_id, exc.messages)
        return
    if last:
        _enqueue(lambda: _queue_assembly(job_id))


def _still_running(job_id: int) -> bool:
    """Whether the job is running, holding (PostgreSQL) a key-share lock on its row until the transaction ends:
    other parts share it, and updating the row's counters does not wait for it; only :func:`_fail`'s
    ``FOR UPDATE`` does."""
    lock = " FOR KEY SHARE" if connection.vendor == "postgresql" else ""
    with connection.cursor() as cur:
        cur.execute(f"SELECT status FROM {RecalcJob._meta.db_table} WHERE id = %s{lock}", [job_id])
        row = cur.fetchone()
    return row is not None and row[0] == RecalcJob.Status.RUNNING


def _pid() -> int:
    import os

    return os.getpid()


def _queue_assembly(job_id: int) -> None:
    from .tasks import recalc_assemble

    recalc_assemble.delay(job_id)


def _fail(job_id: int, messages: list[str]) -> None:
    """Fail the job and drop its stage, once the parts writing into it have committed (they hold a key-share
    lock on the job's row, which ``FOR UPDATE`` waits for); later parts see the job failed and stop."""
    with transaction.atomic():
        job = RecalcJob.objects.select_for_update().filter(pk=job_id).first()
        if job is None or job.status != RecalcJob.Status.RUNNING:
            return
        job.status, job.error, job.finished_at = RecalcJob.Status.FAILED, messages[:50], timezone.now()
        job.save(update_fields=["status", "error", "finished_at"])
        drop_stage(job_id)


def _compute_part(job: RecalcJob, part: RecalcPart) -> tuple[dict, int]:
    """Load, compute and stage the part's enterprises (as ``run_calculation`` does for the park)."""
    opts, park, year = job.options, job.park, job.year
    policy = opts["policy"]
    scope = run_scope(park, year, basis=opts["basis"], boundary_date=dt.date.fromisoformat(opts["boundary_date"]),
                      enterprise_ids=part.enterprise_ids)
    recs = ActivityRecord.objects.filter(enterprise_id__in=part.enterprise_ids, year=year, is_current=True,
                                         status__in=(S.APPROVED, S.LOCKED))
    rows = _fetch(recs.order_by("source_id", "month"), _REC_FIELDS)
    sources = {r[0]: r for r in _fetch(Source.objects.filter(enterprise_id__in=part.enterprise_ids), _SRC_FIELDS)}
    records = scope.keep(rows, sources)
    summary = {"coverage": coverage(scope, records, sources), "enterprises": scope.boundaries["enterprises"],
               "n_records": len(records), "factors": [], "totals": None, "unverified": 0.0, "market": None}
    if not records:
        return summary, 0
    lab = weighted_lab_values(Source.objects.filter(enterprise_id__in=part.enterprise_ids).values("pk"), year)
    c = compute(records, sources, year, lab, policy["gwp_set"], True, park.pk, policy)
    ent_ids = np.fromiter((sources[r[2]][1] for r in records), dtype=np.int64, count=len(records))
    months = np.fromiter((r[3] for r in records), dtype=np.int64, count=len(records))
    summary["totals"] = summarise_arrays(c["idx"], c["values"], c["counted"], ent_ids, months, c["categories"], c["gases"])
    summary["unverified"] = unverified_share(c)
    summary["market"] = c["indirect_energy_market"]
    summary["factors"] = c["factors"]
    summary["sets"] = [[c["categories"][k], c["methods"][k], c["materials"][k], c["gases"][k]] for k in range(len(c["factors"]))]
    write_stage(job.pk, part.index, np.fromiter((r[0] for r in records), dtype=np.int64, count=len(records)), c)
    return summary, len(records)


def write_stage(job_id: int, index: int, activity_ids, c: dict) -> None:
    """Stage a part's results in the job's table: per value, its activity row (``activity_ids``, in the order of the computed
    arrays ``c`` of :func:`services.compute`), its parameter set, its three numbers and whether it counts in
    the park. Everything else of a result (enterprise, source, month, amount, unit, version; the set's
    category, method, material, gas, factor version and GWP) is joined in by the assembly. On PostgreSQL
    one binary ``COPY`` per batch whose rows NumPy lays out at once (no Python per row; floats travel as
    their eight bytes, so exactly); a bulk insert on SQLite."""
    ids = np.asarray(activity_ids, dtype=np.int64)
    n = len(ids)
    table, cols = stage_table(job_id), ", ".join(_STAGE_COLS)
    values, idx, counted = c["values"], np.asarray(c["idx"]), np.asarray(c["counted"], dtype=bool)
    with connection.cursor() as cur:
        for lo in range(0, n, COPY_BATCH):
            hi = min(n, lo + COPY_BATCH)
            if connection.vendor == "postgresql":
                with cur.cursor.copy(f"COPY {table} ({cols}) FROM STDIN (FORMAT BINARY)") as cp:
                    cp.write(_binary_rows(index, ids[lo:hi], idx[lo:hi], values[lo:hi], counted[lo:hi]))
            else:
                cur.executemany(f"INSERT INTO {table} ({cols}) VALUES ({', '.join(['%s'] * len(_STAGE_COLS))})",
                                zip(itertools.repeat(index), ids[lo:hi].tolist(),
                                    idx[lo:hi].tolist(), *values[lo:hi].T.tolist(), counted[lo:hi].tolist()))


# One staged row in PostgreSQL's binary COPY format: the number of fields, then each field as its length and
# its bytes in network order (https://www.postgresql.org/docs/15/sql-copy.html, "Binary Format").
_FIELDS = (("part", ">i4"), ("activity", ">i8"), ("k", ">i4"), ("co2e", ">f8"), ("mass", ">f8"),
           ("tce", ">f8"), ("counted", "u1"))
_ROW = np.dtype([("n", ">i2")] + [x for name, t in _FIELDS for x in ((f"len_{name}", ">i4"), (name, t))])
_HEADER = b"PGCOPY\n\xff\r\n\x00" + bytes(8)  # signature, flags, header extension length
_TRAILER = b"\xff\xff"


def _binary_rows(index: int, ids, idx, values, counted) -> bytes:
    rows = np.empty(len(ids), dtype=_ROW)
    rows["n"] = len(_FIELDS)
    for name, t in _FIELDS:
        rows[f"len_{name}"] = np.dtype(t).itemsize
    rows["part"], rows["activity"], rows["k"] = index, ids, idx
    rows["co2e"], rows["mass"], rows["tce"], rows["counted"] = values[:, 0], values[:, 1], values[:, 2], counted
    return _HEADER + rows.tobytes() + _TRAILER


def _merge_sums(into: dict, add: dict) -> None:
    for k, v in add.items():
        if isinstance(v, dict):
            _merge_sums(into.setdefault(k, {}), v)
        elif isinstance(v, int | float) and not isinstance(v, bool):
            into[k] = into.get(k, 0.0) + v
        else:
            into.setdefault(k, v)


def _merge_coverage(parts: list[dict]) -> dict:
    """The coverage of the park from its parts' (parts hold contiguous enterprises in id order, as the park's
    scope lists them, so the capped list of what is missing is the one a park run would keep)."""
    out = {"expected": 0, "held": 0, "missing": [], "n_missing": 0, "by_enterprise": {}, "enterprises_counted": 0,
           "enterprises_without_data": [], "unexpected_values": 0}
    for cov in parts:
        for k in ("expected", "held", "n_missing", "enterprises_counted", "unexpected_values"):
            out[k] += cov[k]
        out["missing"].extend(cov["missing"][:MISSING_CAP - len(out["missing"])])
        out["by_enterprise"].update(cov["by_enterprise"])
        out["enterprises_without_data"].extend(cov["enterprises_without_data"])
    out["enterprises_without_data"].sort()
    e = out["expected"]
    out["fraction"] = round(out["held"] / e, 6) if e else 0.0
    out["complete"] = e > 0 and out["held"] == e
    return out


class _Lost(Exception):
    pass


def assemble(job_id: int) -> CalculationRun | None:
    """Merge the finished parts into one run, in one transaction (see the module docstring); a job whose
    staged rows were lost (the unlogged stage after a database crash) fails, and nothing is kept."""
    try:
        return _assemble(job_id)
    except _Lost as exc:
        _fail(job_id, [str(exc)])
        return None


def _assemble(job_id: int) -> CalculationRun | None:
    t0 = time.perf_counter()
    with transaction.atomic():
        job = RecalcJob.objects.select_for_update().select_related("park", "run_by").get(pk=job_id)
        if job.status != RecalcJob.Status.RUNNING or job.run_id is not None:
            return job.run
        parts = list(RecalcPart.objects.filter(job=job).order_by("index"))
        if not all(p.done for p in parts):
            return None
        opts, park = job.options, job.park
        factors: list[dict] = []
        where: dict[str, int] = {}
        remap: list[tuple] = []
        totals: dict = {}
        unverified, market, n_records = 0.0, None, 0
        enterprises: dict = {}
        for p in parts:
            s = p.summary
            n_records += s["n_records"]
            enterprises.update(s["enterprises"])
            for k, f in enumerate(s["factors"]):
                key = json.dumps(f, sort_keys=True, default=str)
                g = where.get(key)
                if g is None:
                    g = where[key] = len(factors)
                    factors.append(f)
                remap.append((p.index, k, g, *s["sets"][k], str(f.get("version_id") or ""), f["gwp"]))
            if s["totals"]:
                _merge_sums(totals, s["totals"])
                unverified += s["unverified"]
                if s["market"] is not None:
                    market = (market or 0.0) + s["market"]
        if not n_records:
            _fail(job.pk, [_no_data(job.year)])
            return None
        for k in ("direct", "indirect_energy", "other_indirect"):
            totals.setdefault(k, 0.0)
        totals["gross"] = totals["direct"] + totals["indirect_energy"] + totals["other_indirect"]
        totals["net"] = totals["gross"] - totals.get("removals", 0.0)
        totals["indirect_energy_market"] = market
        totals["unverified_default_co2e"] = unverified
        policy = opts["policy"]
        run = CalculationRun(park=park, enterprise=None, year=job.year, gwp_set=policy["gwp_set"], fuel_set=policy["fuel_set"],
                             run_by=job.run_by, reason=opts["reason"], n_records=n_records, n_results=n_records,
                             locked_period=opts["locked"], totals=totals, factors=factors, basis=opts["basis"], policy=policy,
                             coverage=_merge_coverage([p.summary["coverage"] for p in parts]),
                             boundaries={"boundary_date": opts["boundary_date"], "enterprises": enterprises})
        run.save()
        written = _move(job.pk, run.pk, job.year, remap)
        if written != n_records:  # staged rows lost (the unlogged stage after a crash): start again
            raise _Lost(f"recalculation job {job.pk}: {written} results staged, {n_records} computed; start it again")
        run.timings = {"parts": {str(p.index): p.seconds for p in parts}, "assemble": round(time.perf_counter() - t0, 3),
                       "workers": sorted({p.worker for p in parts})}
        run.save(update_fields=["timings"])
        job.run, job.status, job.finished_at = run, RecalcJob.Status.DONE, timezone.now()
        job.save(update_fields=["run", "status", "finished_at"])
        record_event(actor=job.run_by, park=park, enterprise=None, kind="calculation_run", run=run.pk, year=job.year,
                     gwp_set=run.gwp_set, results=n_records, gross=totals["gross"], basis=run.basis,
                     coverage=run.coverage["fraction"], parts=len(parts))
    return run


def _move(job_id: int, run_id: int, year: int, remap: list[tuple]) -> int:
    """Staged rows → the run's results (one ``INSERT … SELECT``): each with its activity row (an approved or
    locked value, which is never edited: a correction is a new row) and its parameter set's columns under the
    run's factor numbering (``remap``: part, the part's number, the run's number, category, method, material,
    gas, factor version, GWP), as ``run_calculation`` stores a park run's results (in no particular order:
    pages order them by category and id, the API by run, enterprise, source and month). The stage is dropped.

    On PostgreSQL the rows go into a new table of the run's own (:func:`result_table`), with ``RunResult``'s
    columns and checks, ``CHECK (run_id = N)`` and no index; then its primary key and ``RunResult``'s indexes
    are built, and ``ALTER TABLE … INHERIT`` makes it part of ``RunResult``: every query of ``RunResult`` reads
    it from the commit on, and a query filtered by run reads only its run's table (constraint exclusion).
    Writing 600,228 rows into the indexed table cost about a second more than writing them unindexed and
    building the indexes once (docs/scaling.md). Ids come from ``RunResult``'s sequence, so they are unique
    across the tables."""
    rr, st, ar = RunResult._meta.db_table, stage_table(job_id), ActivityRecord._meta.db_table
    pg = connection.vendor == "postgresql"
    dbl = "double precision" if pg else "REAL"
    now = timezone.now()
    with connection.cursor() as cur:
        cur.execute("DROP TABLE IF EXISTS tmp_recalc_map")
        cur.execute(f"CREATE TEMP TABLE tmp_recalc_map (part integer, k integer, g integer, category varchar(24), "
                    f"method varchar(20), material varchar(80), gas varchar(12), fvid varchar(160), gwp {dbl}, "
                    f"primary key (part, k))")
        cur.executemany("INSERT INTO tmp_recalc_map VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s)", remap)
        select = f"""
            SELECT %s, %s, %s, a.enterprise_id, a.source_id, a.id, a.version, a.amount, a.unit, a.month, m.category, m.method,
                   m.material, m.gas, s.mass_t, s.co2e_t, s.energy_tce, m.fvid, m.g, m.gwp, s.counted_in_park
            FROM {st} s
            JOIN tmp_recalc_map m ON m.part = s.part AND m.k = s.factor_index
            JOIN {ar} a ON a.id = s.activity_id
            WHERE a.year = %s"""
        params = [now, now, run_id, year]
        if not pg:
            cur.execute(f"INSERT INTO {rr} ({', '.join(RESULT_COLUMNS)}) {select}", params)
            written = cur.rowcount
        else:
            # statistics of the stage and the map for the planner (without those of the map it took the join of
            # the two for 5,457 rows, not 600,228, and hashed it instead of the narrower activity rows), hash
            # joins (a nested loop over the 64 parameter sets read the stage 64 times: 0.74 s of 1.3 s), and the
            # hash tables in memory
            cur.execute(f"ANALYZE {st}")
            cur.execute("ANALYZE tmp_recalc_map")
            cur.execute("SET LOCAL enable_nestloop = off")
            cur.execute("SET LOCAL work_mem = '256MB'")
            child = create_run_table(cur, run_id)
            cur.execute("SELECT pg_get_serial_sequence(%s, 'id')", [rr])
            seq = cur.fetchone()[0]
            cur.execute(f"INSERT INTO {child} (id, {', '.join(RESULT_COLUMNS)}) "
                        f"SELECT nextval(%s::regclass), x.* FROM ({select}) x", [seq, *params])
            written = cur.rowcount
            attach_run_table(cur, run_id)
        cur.execute("DROP TABLE tmp_recalc_map")
    drop_stage(job_id)
    return written
