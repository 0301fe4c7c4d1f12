"""A park recalculation split by enterprise over any number of workers (issue 16, item 4).

:func:`start` checks the run as :func:`carbonms.inventory.services.run_calculation` does, cuts the
park's enterprises (ordered by id) into contiguous parts and queues one Celery task per part
(:func:`carbonms.inventory.tasks.recalc_part`); on the embedded default Celery runs them eagerly,
one after the other, in this process. A part loads, computes and writes its enterprises' results
into the staging table (``RecalcStage``; PostgreSQL ``COPY`` in batches, a bulk insert on SQLite),
with its parameter sets, totals and coverage. The part that finishes last queues the assembly
(:func:`assemble`), which in one transaction merges the parts in their order (not in the order they
finished: the run is the same whatever the number of workers), creates the one ``CalculationRun``,
moves the staged results into ``RunResult`` with the run's factor numbering and empties the stage.
Until then no run exists, so no page or API can show a partial one; a failed part fails the job and
its staged rows are removed.

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

from .models import CalculationRun, RecalcJob, RecalcPart, RecalcStage, RunResult
from .scope import MISSING_CAP, coverage, run_scope
from .services import _REC_FIELDS, _SRC_FIELDS, S, _fetch, check_run, compute, unverified_share
from .totals import summarise_arrays

COPY_BATCH = 50_000  # rows per COPY statement
_STAGE_COLS = ("job_id", "part", "enterprise_id", "source_id", "activity_id", "activity_version", "amount", "unit", "month",
               "category", "method", "material", "gas", "mass_t", "co2e_t", "energy_tce", "factor_version_id", "factor_index",
               "gwp", "counted_in_park")


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
    n = max(1, min(parts, len(ids)))
    chunks = [c.tolist() for c in np.array_split(np.array(ids, dtype=np.int64), n)]
    with transaction.atomic():
        job = RecalcJob.objects.create(park=park, year=year, run_by=actor, n_parts=n, options={
            "policy": policy, "boundary_date": boundary_date.isoformat(), "locked": locked, "reason": reason.strip(),
            "basis": basis})
        RecalcPart.objects.bulk_create([RecalcPart(job=job, index=i, enterprise_ids=c) for i, c in enumerate(chunks)])
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
            part = RecalcPart.objects.select_for_update().get(pk=part.pk)
            if part.done:
                return
            RecalcStage.objects.filter(job_id=job_id, part=index).delete()  # a retry after a crash starts clean
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


def _pid() -> int:
    import os

    return os.getpid()


def _queue_assembly(job_id: int) -> None:
    from .tasks import recalc_assemble

    recalc_assemble.delay(job_id)


def _fail(job_id: int, messages: list[str]) -> None:
    with transaction.atomic():
        RecalcJob.objects.filter(pk=job_id, status=RecalcJob.Status.RUNNING).update(
            status=RecalcJob.Status.FAILED, error=messages[:50], finished_at=timezone.now())
        RecalcStage.objects.filter(job_id=job_id).delete()


def _compute_part(job: RecalcJob, part: RecalcPart) -> tuple[dict, int]:
    """Load, compute and stage the part's enterprises (as ``run_calculation`` does for the park)."""
    opts, park, year = job.options, job.park, job.year
    policy = opts["policy"]
    scope = run_scope(park, year, basis=opts["basis"], boundary_date=dt.date.fromisoformat(opts["boundary_date"]),
                      enterprise_ids=part.enterprise_ids)
    recs = ActivityRecord.objects.filter(enterprise_id__in=part.enterprise_ids, year=year, is_current=True,
                                         status__in=(S.APPROVED, S.LOCKED))
    rows = _fetch(recs.order_by("source_id", "month"), (*_REC_FIELDS, "unit", "enterprise_id"))
    sources = {r[0]: r for r in _fetch(Source.objects.filter(enterprise_id__in=part.enterprise_ids), _SRC_FIELDS)}
    units = {r[0]: (r[5], r[6]) for r in rows}
    records = scope.keep([r[:5] for r in rows], sources)
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
    write_stage(job.pk, part.index, records, units, c)
    return summary, len(records)


def write_stage(job_id: int, index: int, records: list[tuple], units: dict, c: dict) -> None:
    """Stage a part's results: ``records`` (activity id, version, source id, month, amount), ``units``
    (activity id -> (unit, enterprise id)) and the computed arrays ``c`` of :func:`services.compute`; in batches
    of COPY_BATCH, with ``COPY`` on PostgreSQL (psycopg formats each row in C: measured faster than formatting
    the text in Python, and it escapes every field), a bulk insert on SQLite."""
    rows = _stage_rows(job_id, index, records, units, c)
    table, cols = RecalcStage._meta.db_table, ", ".join(_STAGE_COLS)
    with connection.cursor() as cur:
        while batch := list(itertools.islice(rows, COPY_BATCH)):
            if connection.vendor == "postgresql":
                with cur.cursor.copy(f"COPY {table} ({cols}) FROM STDIN") as cp:
                    for row in batch:
                        cp.write_row(row)
            else:
                cur.executemany(f"INSERT INTO {table} ({cols}) VALUES ({', '.join(['%s'] * len(_STAGE_COLS))})", batch)


def _stage_rows(job_id: int, index: int, records, units: dict, c: dict):
    """The staged rows in ``_STAGE_COLS`` order; the columns of a parameter set are looked up once per set."""
    f, idx, values, counted = c["factors"], c["idx"].tolist(), c["values"].tolist(), c["counted"].tolist()
    per_set = [(c["categories"][k], c["methods"][k], c["materials"][k], c["gases"][k], str(f[k].get("version_id") or ""),
                f[k]["gwp"]) for k in range(len(f))]
    for i, (pk, version, sid, month, amount) in enumerate(records):
        unit, ent = units[pk]
        co2e, mass, tce = values[i]
        k = idx[i]
        cat, method, material, gas, fvid, gwp = per_set[k]
        yield (job_id, index, ent, sid, pk, version, amount, unit, month, cat, method, material, gas, mass, co2e, tce, fvid,
               k, gwp, counted[i])


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
        remap: list[tuple[int, int, int]] = []
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
                remap.append((p.index, k, g))
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
        written = _move(job.pk, run.pk, remap)
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


def _move(job_id: int, run_id: int, remap: list[tuple[int, int, int]]) -> int:
    """Staged rows → ``RunResult`` with the run's factor numbering (one INSERT … SELECT); the stage emptied."""
    rr, st = RunResult._meta.db_table, RecalcStage._meta.db_table
    cols = [c for c in _STAGE_COLS if c not in ("job_id", "part", "factor_index")]
    now = timezone.now()
    with connection.cursor() as cur:
        cur.execute("DROP TABLE IF EXISTS tmp_recalc_map")
        cur.execute("CREATE TEMP TABLE tmp_recalc_map (part integer, k integer, g integer, primary key (part, k))")
        cur.executemany("INSERT INTO tmp_recalc_map VALUES (%s, %s, %s)", remap)
        cur.execute(f"""
            INSERT INTO {rr} (created_at, updated_at, run_id, {', '.join(cols)}, factor_index)
            SELECT %s, %s, %s, {', '.join('s.' + c for c in cols)}, m.g
            FROM {st} s JOIN tmp_recalc_map m ON m.part = s.part AND m.k = s.factor_index
            WHERE s.job_id = %s""", [now, now, run_id, job_id])
        written = cur.rowcount
        cur.execute(f"DELETE FROM {st} WHERE job_id = %s", [job_id])
        cur.execute("DROP TABLE tmp_recalc_map")
    return written

