"""Issue 16: the workbook dry run and commit are set-based (a constant number of queries whatever the number of
rows), every created record is still change-logged, and both run as jobs with progress and a notice."""
from __future__ import annotations

import io

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from carbonms.carbondata import importer, workbook
from carbonms.carbondata.models import ActivityRecord, DataImport
from carbonms.changelog.models import ChangeRecord
from carbonms.conformity.models import Task
from tests.carbondata.factories import SourceFactory


def _workbook(ent, n_values: int, prefix: str = "Q") -> bytes:
    """The enterprise's workbook with ``n_values`` amounts filled in (12 rows per source, the first sources
    by code those made here)."""
    for i in range(-(-n_values // 12)):
        SourceFactory(enterprise=ent, code=f"{prefix}{i:03d}")
    wb = load_workbook(io.BytesIO(workbook.build(ent, 2025)))
    ws = wb["活动数据"]
    for r in range(2, 2 + n_values):
        ws.cell(row=r, column=5).value = 100 + r
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _queries(fn) -> tuple[tuple[int, int], object]:
    """(statements other than INSERT, INSERT statements) run by ``fn``, and its result."""
    with CaptureQueriesContext(connection) as ctx:
        result = fn()
    inserts = sum(q["sql"].lstrip().upper().startswith("INSERT") for q in ctx.captured_queries)
    return (len(ctx.captured_queries) - inserts, inserts), result


def _upload_and_commit(world, ent, n: int, user="park_carbon_officer", prefix="Q"):
    clerk = world.users[user]
    data = _workbook(ent, n, prefix)
    dry, (imp, report) = _queries(lambda: importer.upload(actor=clerk, enterprise=ent, year=2025,
                                                          file=SimpleUploadedFile("q.xlsx", data)))
    assert report.ok, report.errors[:3]
    assert imp.n_rows == n
    com, saved = _queries(lambda: importer.commit(actor=clerk, data_import=imp))
    assert saved == n
    return dry, com, imp


@pytest.mark.django_db
def test_dry_run_and_commit_cost_the_same_queries_for_10_and_200_rows(world):
    from django.apps import apps

    ContentType.objects.get_for_models(*apps.get_models())  # the caches (content types, the user's roles) warm
    importer.upload(actor=world.users["park_carbon_officer"], enterprise=world.e1.enterprise, year=2025,
                    file=SimpleUploadedFile("x.xlsx", b"not a workbook"))
    dry10, com10, _imp = _upload_and_commit(world, world.e1.enterprise, 10)
    dry200, com200, _imp = _upload_and_commit(world, world.e2.enterprise, 200)
    assert (dry200, com200[0]) == (dry10, com10[0])  # the same lookups, updates and selects
    assert dry10[0] < 40 and com10[0] < 60  # a handful per kind of lookup, not per row
    # Bulk inserts: one per kind of record, more only where the backend caps the parameters of a statement
    # (SQLite: 999, so ~35 activity records a statement); PostgreSQL inserts the 200 rows at once.
    if connection.vendor == "postgresql":
        assert com200[1] == com10[1]
    assert com200[1] <= com10[1] + 10


@pytest.mark.django_db
def test_every_imported_record_is_change_logged_as_one_save_would(world):
    ent = world.e1.enterprise
    _dry, _com, imp = _upload_and_commit(world, ent, 30, user="data_clerk")
    records = list(ActivityRecord.objects.filter(data_import=imp))
    assert len(records) == 30
    ct = ContentType.objects.get_for_model(ActivityRecord)
    logged = {c.object_id: c for c in ChangeRecord.objects.filter(content_type=ct, action="create")}
    assert set(logged) == {str(r.pk) for r in records}
    one = logged[str(records[0].pk)]
    assert one.changes["amount"] == [None, str(records[0].amount)]
    assert one.changes["data_import_id"] == [None, imp.pk]
    assert (one.enterprise_id, one.park_id) == (ent.pk, ent.park_id)
    assert one.object_repr == str(records[0]) and one.source_kind == "system"  # no source set: as a save here


@pytest.mark.django_db
def test_a_reimport_updates_the_drafts_and_logs_only_what_changed(world):
    ent, clerk = world.e1.enterprise, world.users["data_clerk"]
    _upload_and_commit(world, ent, 12, user="data_clerk")
    wb = load_workbook(io.BytesIO(workbook.build(ent, 2025)))
    for r in range(2, 14):
        wb["活动数据"].cell(row=r, column=5).value = 100 + r + (1 if r == 5 else 0)  # one value changed
    out = io.BytesIO()
    wb.save(out)
    imp, report = importer.upload(actor=clerk, enterprise=ent, year=2025, file=SimpleUploadedFile("r.xlsx", out.getvalue()))
    assert report.ok
    importer.commit(actor=clerk, data_import=imp)
    assert ActivityRecord.objects.filter(enterprise=ent).count() == 12
    assert ActivityRecord.objects.filter(data_import=imp).count() == 12
    updates = ChangeRecord.objects.filter(content_type=ContentType.objects.get_for_model(ActivityRecord), action="update")
    assert updates.count() == 12  # each now points at the new import
    assert sum("amount" in u.changes for u in updates) == 1


@pytest.mark.django_db
def test_the_jobs_store_progress_and_notify_the_user(world):
    ent, clerk = world.e1.enterprise, world.users["data_clerk"]
    data = _workbook(ent, 40)
    seen = []
    real = importer._progress

    def spy(imp):
        store = real(imp)

        def both(done, total):
            store(done, total)
            seen.append((DataImport.objects.get(pk=imp.pk).status, done, total))
        return both

    import unittest.mock as m  # noqa: PLC0415 — a spy on the real callback, the store still runs
    with m.patch.object(importer, "_progress", spy):
        imp = importer.start_upload(actor=clerk, enterprise=ent, year=2025, file=SimpleUploadedFile("p.xlsx", data))
    imp.refresh_from_db()
    assert imp.status == DataImport.Status.VALIDATED and imp.n_rows == 40
    assert seen[0][0] == DataImport.Status.CHECKING and seen[0][1] == 0
    assert [d for _s, d, _t in seen] == sorted(d for _s, d, _t in seen) and seen[-1][1] == seen[-1][2] == imp.progress_total
    assert imp.progress_done == imp.progress_total > 0 and imp.percent == 100
    notice = Task.objects.get(user=clerk, ref=f"import:{imp.pk}:validated")
    assert notice.kind == Task.Kind.NOTICE and notice.done_at is None and notice.url == imp.get_absolute_url()
    assert "40" in notice.title

    importer.start_commit(actor=clerk, data_import=imp)
    imp.refresh_from_db()
    assert imp.status == DataImport.Status.COMMITTED and ActivityRecord.objects.filter(data_import=imp).count() == 40
    assert Task.objects.filter(user=clerk, ref=f"import:{imp.pk}:committed", done_at__isnull=True).exists()
    logged = ChangeRecord.objects.filter(content_type=ContentType.objects.get_for_model(ActivityRecord), action="create")
    assert logged.count() == 40 and {(c.user_id, c.source_kind) for c in logged} == {(clerk.pk, "job")}


@pytest.mark.django_db
def test_a_refused_commit_job_is_notified_and_the_reminder_job_keeps_the_notice(world):
    from carbonms.carbondata import services
    from carbonms.conformity.reminders import run_reminders

    ent, clerk = world.e1.enterprise, world.users["data_clerk"]
    imp = importer.start_upload(actor=clerk, enterprise=ent, year=2025, file=SimpleUploadedFile("p.xlsx", _workbook(ent, 12)))
    imp.refresh_from_db()
    services.period_lock(actor=world.users["reviewer"], enterprise=ent, year=2025, month=1)
    importer.start_commit(actor=clerk, data_import=imp)
    imp.refresh_from_db()
    assert imp.status == DataImport.Status.REFUSED and not ActivityRecord.objects.exists()
    run_reminders(email=False)
    notice = Task.objects.get(user=clerk, ref=f"import:{imp.pk}:refused")
    assert notice.done_at is None and "1" in notice.title


@pytest.mark.django_db
def test_the_page_polls_the_progress_while_the_job_runs_and_reloads_when_done(world):
    ent, clerk = world.e1.enterprise, world.users["data_clerk"]
    imp = importer._store(actor=clerk, enterprise=ent, year=2025, file=SimpleUploadedFile("p.xlsx", _workbook(ent, 12)))
    DataImport.objects.filter(pk=imp.pk).update(progress_done=6, progress_total=12)
    page = Client()
    page.force_login(clerk)
    html = page.get(imp.get_absolute_url()).content.decode()
    progress = reverse("carbondata:import_progress", args=[imp.pk])
    assert f'hx-get="{progress}"' in html and 'hx-trigger="every 1s"' in html
    assert '<progress max="12" value="6">' in html and "<script" not in html.split("<body")[1].split("</main>")[0]
    part = page.get(progress)
    assert part.status_code == 200 and "HX-Refresh" not in part and 'value="6"' in part.content.decode()
    importer.run_dry_run(actor=clerk, import_id=imp.pk)
    done = page.get(progress)
    assert done["HX-Refresh"] == "true"
    assert page.get(progress.replace(str(imp.pk), str(imp.pk + 999))).status_code == 404


@pytest.mark.django_db
def test_the_progress_of_another_enterprises_import_is_not_shown(world):
    ent = world.e2.enterprise
    imp = importer._store(actor=world.users["park_carbon_officer"], enterprise=ent, year=2025,
                          file=SimpleUploadedFile("p.xlsx", _workbook(ent, 12)))
    outsider = Client()
    outsider.force_login(world.users["data_clerk"])  # of E1 only
    assert outsider.get(reverse("carbondata:import_progress", args=[imp.pk])).status_code == 404
