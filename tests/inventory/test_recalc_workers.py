"""A park recalculation split by enterprise over workers (carbonms.inventory.recalc, issue 16 item 4): the
same results as one park run, whatever the number of parts or workers; no partial run is ever visible;
a failed part fails the job and leaves nothing behind; and two real Celery workers on the local broker
give the run one worker gives."""
from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection

from carbonms.inventory import recalc
from carbonms.inventory.models import CalculationRun, RecalcJob, RunResult
from carbonms.inventory.services import run_calculation
from tests.carbondata.factories import ActivityRecordFactory, ElectricitySourceFactory, SourceFactory
from tests.conftest import service_required
from tests.factories import EnterpriseFactory

ROOT = Path(__file__).resolve().parents[2]


def _park(world, n_extra: int = 4):
    """The park of test_runs (a plant selling power inside the park) and a few more enterprises."""
    e1, e2 = world.e1.enterprise, world.e2.enterprise
    coal1 = SourceFactory(enterprise=e1, code="B01")
    power_in_park = ElectricitySourceFactory(enterprise=e1, code="E01", supplier=e2)
    grid = ElectricitySourceFactory(enterprise=e1, code="E02")
    plant = SourceFactory(enterprise=e2, code="P01")
    for m in (1, 2, 3):
        ActivityRecordFactory(source=coal1, month=m, amount=Decimal("100.5"))
        ActivityRecordFactory(source=power_in_park, month=m, amount=Decimal("1000"))
        ActivityRecordFactory(source=grid, month=m, amount=Decimal("500"))
        ActivityRecordFactory(source=plant, month=m, amount=Decimal("600"))
    for i in range(n_extra):
        ent = EnterpriseFactory(park=world.park_a)
        s1 = SourceFactory(enterprise=ent, code=f"X{i}")
        s2 = ElectricitySourceFactory(enterprise=ent, code=f"Y{i}", supplier=e2 if i % 2 else None)
        for m in range(1, 7):
            ActivityRecordFactory(source=s1, month=m, amount=Decimal(10 + i * 3 + m))
            ActivityRecordFactory(source=s2, month=m, amount=Decimal(200 + i + m))
    return world


def _tables(prefix: str) -> set[str]:
    return {t for t in connection.introspection.table_names() if t.startswith(prefix)}


def _staged(job_id: int, part: int | None = None) -> list[tuple]:
    """The rows of a job's stage, or None when the job has no stage."""
    if recalc.stage_table(job_id) not in _tables("inventory_recalcstage_"):
        return None
    with connection.cursor() as cur:
        cur.execute(f"SELECT activity_id, factor_index, co2e_t, mass_t, energy_tce, counted_in_park, part "
                    f"FROM {recalc.stage_table(job_id)}" + (" WHERE part = %s" if part is not None else ""),
                    [part] if part is not None else [])
        return cur.fetchall()


def _rows(run: CalculationRun) -> dict:
    return {r.activity_id: (r.enterprise_id, r.source_id, r.month, r.amount, r.unit, r.category, r.method, r.material, r.gas,
                            r.mass_t, r.co2e_t, r.energy_tce, r.factor_version_id, r.factor, r.gwp, r.counted_in_park)
            for r in RunResult.objects.filter(run=run).select_related("run")}


def _assert_same_run(a: CalculationRun, b: CalculationRun) -> None:
    ra, rb = _rows(a), _rows(b)
    assert ra.keys() == rb.keys() and ra
    for k, x in ra.items():
        y = rb[k]
        assert x[:9] == y[:9] and x[12:] == y[12:], (k, x, y)
        assert x[9:12] == pytest.approx(y[9:12], rel=1e-12)
    assert (a.n_records, a.n_results, a.gwp_set, a.fuel_set, a.basis, a.policy, a.coverage, a.boundaries) == (
        b.n_records, b.n_results, b.gwp_set, b.fuel_set, b.basis, b.policy, b.coverage, b.boundaries)
    for key in ("gross", "net", "direct", "indirect_energy", "energy_tce", "excluded_double_counting", "removals"):
        assert a.totals[key] == pytest.approx(b.totals[key], rel=1e-12), key
    for key in ("by_category", "by_enterprise", "by_month", "by_gas"):
        assert a.totals[key].keys() == b.totals[key].keys(), key
        assert list(a.totals[key].values()) == pytest.approx([b.totals[key][x] for x in a.totals[key]], rel=1e-12), key


@pytest.mark.parametrize("parts", [1, 2, 5])
def test_parts_give_the_park_run(world, parts):
    _park(world)
    officer = world.users["park_carbon_officer"]
    single = run_calculation(actor=officer, park=world.park_a, year=2025)
    job = recalc.start(actor=officer, park=world.park_a, year=2025, parts=parts, reason="again")
    assert job.status == RecalcJob.Status.DONE and job.n_parts <= parts and job.parts_done == job.n_parts
    _assert_same_run(job.run, single)
    assert job.run.totals["excluded_double_counting"] > 0  # the in-park supplier rule applies across parts
    assert _staged(job.pk) is None  # the stage is dropped
    if connection.vendor == "postgresql":  # the results are in the run's own table, reached through RunResult
        with connection.cursor() as cur:
            cur.execute(f"SELECT count(*), min(run_id), max(run_id) FROM ONLY {recalc.result_table(job.run.pk)}")
            assert cur.fetchone() == (job.run.n_results, job.run.pk, job.run.pk)
            cur.execute("SELECT count(*) FROM ONLY inventory_runresult WHERE run_id = %s", [job.run.pk])
            assert cur.fetchone() == (0,)
            # indexed as RunResult is (the definitions but for the names)
            cur.execute("SELECT tablename, regexp_replace(indexdef, '^.* USING ', '') FROM pg_indexes "
                        "WHERE tablename IN (%s, %s)", ["inventory_runresult", recalc.result_table(job.run.pk)])
            defs = {}
            for table, definition in cur.fetchall():
                defs.setdefault(table, []).append(definition)
            assert sorted(defs["inventory_runresult"]) == sorted(defs[recalc.result_table(job.run.pk)])
            assert len(defs["inventory_runresult"]) == 4


def test_no_partial_run_is_visible(world, monkeypatch):
    _park(world)
    officer = world.users["park_carbon_officer"]
    monkeypatch.setattr(recalc, "_queue_parts", lambda job_id, n: None)  # parts run by hand below
    runs, results = CalculationRun.objects.count(), RunResult.objects.count()
    job = recalc.start(actor=officer, park=world.park_a, year=2025, parts=3)
    for index in (2, 0):  # out of order, as workers finish
        recalc.run_part(job.pk, index)
        assert (CalculationRun.objects.count(), RunResult.objects.count()) == (runs, results)
        assert _staged(job.pk, index)
    recalc.run_part(job.pk, 0)  # delivered twice: skipped
    recalc.run_part(job.pk, 1)  # the last part assembles the run (eager)
    job.refresh_from_db()
    assert job.status == RecalcJob.Status.DONE and CalculationRun.objects.count() == runs + 1
    assert RunResult.objects.filter(run=job.run).count() == job.run.n_results > 0
    assert _staged(job.pk) is None
    assert recalc.assemble(job.pk) == job.run  # assembling again changes nothing
    assert CalculationRun.objects.count() == runs + 1


def test_jobs_stage_apart(world, monkeypatch):
    """Each job stages in a table of its own: a job assembled while another is half done leaves the other's
    rows alone, and the other then assembles its own run."""
    _park(world)
    officer = world.users["park_carbon_officer"]
    queue = recalc._queue_parts
    monkeypatch.setattr(recalc, "_queue_parts", lambda job_id, n: None)
    first = recalc.start(actor=officer, park=world.park_a, year=2025, parts=2, reason="first")
    recalc.run_part(first.pk, 0)
    staged = _staged(first.pk)
    monkeypatch.setattr(recalc, "_queue_parts", queue)
    second = recalc.start(actor=officer, park=world.park_a, year=2025, parts=2, reason="second")
    assert second.status == RecalcJob.Status.DONE and _staged(second.pk) is None
    assert _staged(first.pk) == staged
    recalc.run_part(first.pk, 1)
    first.refresh_from_db()
    assert first.status == RecalcJob.Status.DONE and _staged(first.pk) is None
    _assert_same_run(first.run, second.run)
    if connection.vendor == "postgresql":  # a query by run reads only that run's table (constraint exclusion)
        sql, params = RunResult.objects.filter(run=first.run).order_by("category", "id").query.sql_with_params()
        with connection.cursor() as cur:
            cur.execute("EXPLAIN " + sql, params)
            plan = "\n".join(r[0] for r in cur.fetchall())
        assert recalc.result_table(first.run.pk) in plan and recalc.result_table(second.run.pk) not in plan, plan


def test_failed_part_fails_the_job_and_keeps_nothing(world, monkeypatch):
    _park(world)
    officer = world.users["park_carbon_officer"]
    real = recalc._compute_part

    def compute(job, part):
        if part.index == 1:
            raise ValidationError("mass balance of group G is negative")
        return real(job, part)

    monkeypatch.setattr(recalc, "_compute_part", compute)
    runs = CalculationRun.objects.count()
    job = recalc.start(actor=officer, park=world.park_a, year=2025, parts=3)
    job.refresh_from_db()
    assert job.status == RecalcJob.Status.FAILED and job.error == ["mass balance of group G is negative"]
    assert job.run is None and CalculationRun.objects.count() == runs
    assert _staged(job.pk) is None


def test_sweep_fails_a_stopped_job_and_drops_stages_no_running_job_owns(world, monkeypatch, settings):
    """A job whose tasks were lost stays running with its stage; once it is older than
    RECALC_JOB_TIMEOUT_MINUTES the sweep fails it with the reason and drops the stage, and a part delivered
    after that changes nothing. A younger running job and its stage are left alone; a stage whose job is
    gone is dropped."""
    import datetime as dt

    from django.utils import timezone, translation

    _park(world)
    officer = world.users["park_carbon_officer"]
    settings.RECALC_JOB_TIMEOUT_MINUTES = 30
    monkeypatch.setattr(recalc, "_queue_parts", lambda job_id, n: None)  # the tasks are lost
    stopped = recalc.start(actor=officer, park=world.park_a, year=2025, parts=3)
    recalc.run_part(stopped.pk, 0)
    RecalcJob.objects.filter(pk=stopped.pk).update(created_at=timezone.now() - dt.timedelta(minutes=31))
    with translation.override("zh-hans"):
        young = recalc.start(actor=officer, park=world.park_a, year=2025, parts=2)  # start() sweeps: stopped fails
    recalc.create_stage(987654321)  # a stage whose job no longer exists
    stopped.refresh_from_db()
    assert stopped.status == RecalcJob.Status.FAILED  # with the reason, in the language active at the time
    assert stopped.error == ["重算未在 30 分钟内完成（工作进程已停止或任务丢失），请重新发起。"]
    assert _staged(stopped.pk) is None
    assert recalc.sweep() == {"failed": [], "stages_dropped": [987654321]}
    assert recalc.stage_table(987654321) not in _tables(recalc.STAGE_PREFIX)
    young.refresh_from_db()
    assert young.status == RecalcJob.Status.RUNNING and _staged(young.pk) == []
    runs = CalculationRun.objects.count()
    for index in (1, 2):  # the lost tasks turn up after all
        recalc.run_part(stopped.pk, index)
    stopped.refresh_from_db()
    assert stopped.status == RecalcJob.Status.FAILED and stopped.run is None and CalculationRun.objects.count() == runs
    assert _staged(stopped.pk) is None
    # the sweep as Celery beat runs it, here in English: the young job, once past the timeout, fails too
    from carbonms.inventory.tasks import recalc_sweep

    RecalcJob.objects.filter(pk=young.pk).update(created_at=timezone.now() - dt.timedelta(hours=2))
    with translation.override("en"):
        assert recalc_sweep.apply().get() == {"failed": [young.pk], "stages_dropped": []}
    young.refresh_from_db()
    assert young.status == RecalcJob.Status.FAILED and young.error == [
        "The recalculation did not finish within 30 minutes (a worker stopped or a task was lost); start it again."]
    assert _staged(young.pk) is None


def test_older_run_tables_merge_back_into_runresult(world):
    """On PostgreSQL each job-assembled run has a table of its own; merge_run_tables moves all but the newest
    ``keep`` back into RunResult's own table: the same rows, ids and values, read through RunResult as before,
    each run's table gone, the newest still its own. On SQLite there is nothing to merge."""
    _park(world)
    officer = world.users["park_carbon_officer"]
    jobs = [recalc.start(actor=officer, park=world.park_a, year=2025, parts=2) for _ in range(3)]
    runs = [j.run for j in jobs]
    before = {r.pk: sorted(RunResult.objects.filter(run=r).values_list("id", "activity_id", "co2e_t", "category", "gwp"))
              for r in runs}
    assert all(before.values())
    if connection.vendor != "postgresql":
        assert recalc.run_tables() == [] and recalc.merge_run_tables(keep=0) == []
        return
    assert recalc.run_tables() == [r.pk for r in runs]
    assert recalc.merge_run_tables(keep=1) == [runs[0].pk, runs[1].pk]
    assert recalc.run_tables() == [runs[2].pk]
    assert _tables(recalc.RUN_TABLE_PREFIX) == {recalc.result_table(runs[2].pk)}
    for r in runs:
        assert sorted(RunResult.objects.filter(run=r).values_list("id", "activity_id", "co2e_t", "category", "gwp")) == before[r.pk]
    with connection.cursor() as cur:
        cur.execute(f"SELECT run_id, count(*) FROM ONLY {RunResult._meta.db_table} WHERE run_id = ANY(%s) GROUP BY run_id",
                    [[r.pk for r in runs]])
        own = dict(cur.fetchall())
    assert own == {runs[0].pk: len(before[runs[0].pk]), runs[1].pk: len(before[runs[1].pk])}  # the newest stays apart
    assert recalc.merge_run_tables(keep=1) == []  # nothing more to do
    from carbonms.inventory.tasks import merge_run_tables

    assert merge_run_tables.apply(kwargs={}).get() == []  # RECALC_RUN_TABLES_KEPT (20) > 1 run table


def test_checks_of_a_run_apply(world):
    _park(world)
    with pytest.raises(PermissionDenied):
        recalc.start(actor=world.users["enterprise_admin"], park=world.park_a, year=2025)
    with pytest.raises(ValidationError):
        recalc.start(actor=world.users["park_carbon_officer"], park=world.park_a, year=2025, basis="nonsense")
    assert not RecalcJob.objects.exists()


def _broker() -> str | None:
    """A local broker for real workers: RabbitMQ, or Redis (a database number of its own) when its client is
    installed. Each test run uses a queue of its own, so other processes on the same broker never take its tasks."""
    import importlib.util
    import socket

    candidates = [("amqp://guest:guest@127.0.0.1:5672//", 5672)]
    if importlib.util.find_spec("redis") is not None:
        candidates.append(("redis://127.0.0.1:6379/11", 6379))
    for url, port in candidates:
        with socket.socket() as s:
            s.settimeout(0.3)
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return url
    return None


@pytest.mark.slow(20)
@pytest.mark.django_db(transaction=True)
def test_two_real_workers_give_the_run_of_one(world, settings):
    """Two Celery worker processes (prefork, one process each) on the local broker compute the parts of a
    job; the run equals the one a single worker makes. PostgreSQL only: the workers connect to the test
    database, which an in-memory SQLite database cannot share."""
    if connection.vendor != "postgresql":
        pytest.skip("needs the PostgreSQL run of the suite (DATABASE_URL=postgres://…): workers share the test database")
    broker = _broker()
    if broker is None:
        service_required("no Celery broker on 127.0.0.1 (Redis 6379 or RabbitMQ 5672)")
    _park(world, n_extra=8)
    officer = world.users["park_carbon_officer"]
    queue = f"test-recalc-{uuid.uuid4().hex[:8]}"
    db = connection.settings_dict
    env = {**os.environ, "CELERY_BROKER_URL": broker, "CELERY_TASK_ALWAYS_EAGER": "0", "CELERY_TASK_DEFAULT_QUEUE": queue,
           "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}",
           "DJANGO_SETTINGS_MODULE": "carbonms.config.settings", "DEBUG": "1"}
    from celery import Celery

    # not the current app: shared tasks (an import job's dry run, say) would go on sending to this broker, not
    # run eagerly, in every later test of this process
    sender = Celery(broker=broker, set_as_current=False)
    settings.CELERY_TASK_ALWAYS_EAGER = False
    runs = {}
    for n_workers in (1, 2):
        procs = [subprocess.Popen([sys.executable, "-m", "celery", "-A", "carbonms.config.celery", "worker", "-Q", queue,
                                   "-c", "1", "-P", "prefork", "-n", f"w{i}-{queue}@%h", "--without-gossip",
                                   "--without-mingle", "--without-heartbeat", "-l", "WARNING"],
                                  cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
                 for i in range(n_workers)]
        try:
            original = recalc._queue_parts
            recalc._queue_parts = lambda job_id, n: [  # noqa: B023
                sender.send_task("carbonms.inventory.recalc_part", args=[job_id, i], queue=queue) for i in range(n)]
            try:
                job = recalc.start(actor=officer, park=world.park_a, year=2025, parts=6, reason=f"{n_workers} workers")
            finally:
                recalc._queue_parts = original
            deadline = time.monotonic() + 180
            while time.monotonic() < deadline:
                job.refresh_from_db()
                if job.status != RecalcJob.Status.RUNNING:
                    break
                time.sleep(0.5)
            assert job.status == RecalcJob.Status.DONE, (job.status, job.error)
            runs[n_workers] = job.run
        finally:
            for p in procs:
                p.terminate()
            for p in procs:
                try:
                    p.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    p.kill()
    workers = {w.split("@")[0] for w in runs[2].timings["workers"]}
    assert len(runs[1].timings["workers"]) == 1
    _assert_same_run(runs[1], runs[2])
    assert runs[1].factors == runs[2].factors and runs[1].totals == runs[2].totals
    assert workers  # recorded; whether both workers took parts depends on timing, so it is not asserted


def test_command_runs_a_job(world):
    from django.core.management import CommandError, call_command

    _park(world, n_extra=1)
    officer = world.users["park_carbon_officer"]
    call_command("recalculate_park", park=world.park_a.pk, year=2025, user=officer.username, parts=2)
    job = RecalcJob.objects.get()
    assert job.status == RecalcJob.Status.DONE and job.run.n_results > 0
    with pytest.raises(CommandError):
        call_command("recalculate_park", park=world.park_a.pk, year=2025, user=world.users["enterprise_admin"].username)


@pytest.mark.django_db
def test_staged_rows_read_back_exactly():
    """The stage writer (binary COPY laid out by NumPy on PostgreSQL, a bulk insert on SQLite) stores every
    field as given: ids beyond 32 bits, floats to the last bit (subnormals, the largest double; on PostgreSQL the
    sign of zero too)."""
    import numpy as np

    floats = [(0.1 + 0.2, 1e-300, 123456789.123456789), (-0.0, 5e-324, 1.7976931348623157e308), (2 / 3, 1 / 7, 0.0)]
    ids = [11, 2**40 + 12, 13]
    c = {"idx": np.array([0, 70000, 1]), "values": np.array(floats), "counted": np.array([True, False, True])}
    recalc.create_stage(2**33 + 99)
    recalc.write_stage(2**33 + 99, 70001, np.array(ids), c)
    got = {r[0]: r for r in _staged(2**33 + 99)}
    assert sorted(got) == sorted(ids)
    for pk, (co2e, mass, tce), k, counted in zip(ids, floats, [0, 70000, 1], [True, False, True], strict=True):
        _id, factor_index, *numbers, counted_in_park, part = got[pk]
        assert (factor_index, bool(counted_in_park), part) == (k, counted, 70001)
        assert tuple(numbers) == (co2e, mass, tce)  # exact, not approximately
        if connection.vendor == "postgresql":  # SQLite keeps -0.0 as 0
            assert str(numbers[0]) == str(co2e)
