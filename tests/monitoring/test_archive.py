"""Retention of the reading stream (carbonms.monitoring.archive): months older than the retention period
leave the live table for a gzip CSV whose SHA-256 is recorded, months within the five-year retention of
ledgers never do, the daily rollups stay, and an archive restores to the same rows. Both databases."""
from __future__ import annotations

import datetime as dt
import gzip
import hashlib
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.core.management.base import CommandError

from carbonms.monitoring import archive, storage
from carbonms.monitoring.models import MeterDay, ReadingArchive

from .factories import MeterFactory

pytestmark = pytest.mark.django_db
UTC = dt.UTC
NOW = dt.datetime(2026, 12, 2, 9, 0, tzinfo=UTC)
OLD = dt.datetime(2019, 3, 1, tzinfo=UTC)  # 93 months before NOW: due at 72 months
KEPT = dt.datetime(2022, 6, 1, tzinfo=UTC)  # 54 months before NOW: within the ledgers' five years


@pytest.fixture
def readings(settings, tmp_path):
    settings.READING_ARCHIVE_DIR = tmp_path
    m1, m2 = MeterFactory(), MeterFactory()
    rows = []
    for start in (OLD, KEPT):
        for i in range(1, 97):  # a day of 15-minute readings, plus the month's last instant
            for m in (m1, m2):
                rows.append((m.pk, (start + dt.timedelta(minutes=15 * i)).timestamp(), 10.0 + i / 3))
    rows.append((m1.pk, (OLD + dt.timedelta(days=31) - dt.timedelta(microseconds=1)).timestamp(), 1.25))
    storage.ensure_partitions([r[1] for r in rows])
    inserted, _dup = storage.store(rows, batch_id=1, received_at=NOW)
    assert inserted == len(rows)
    MeterDay.objects.create(meter=m1, day=OLD.date(), measured=123.0, substituted=0.0, n_readings=96, n_expected=96,
                            completeness=1.0, flags=[], computed_at=NOW)
    return m1, m2, rows


def _stored():
    with storage.connection.cursor() as cur:
        cur.execute(f"SELECT meter_id, ts, value FROM {storage.TABLE} ORDER BY meter_id, ts")
        return [(m, storage.to_param(t.timestamp()) if not isinstance(t, str) else t, v) for m, t, v in cur.fetchall()]


def test_only_months_beyond_the_retention_period_are_due(readings):
    assert archive.due_months(NOW, 72) == [(2019, 3)]
    assert archive.due_months(NOW, 60) == [(2019, 3)]  # 2022-06 is 54 months old: never due
    assert archive.due_months(NOW, 100) == []


def test_a_retention_shorter_than_five_years_is_refused(readings):
    with pytest.raises(ImproperlyConfigured, match="at least 60"):
        archive.due_months(NOW, 59)
    with pytest.raises(ValueError, match="within the retention period"):
        archive.archive_month(2022, 6, now=NOW, months=60)
    assert storage.count() == len(readings[2])


def test_archive_moves_the_month_out_and_restore_brings_it_back(readings):
    _m1, _m2, rows = readings
    before = _stored()
    old_rows = [r for r in rows if r[1] < dt.datetime(2019, 4, 1, tzinfo=UTC).timestamp()]
    done = archive.archive_due(now=NOW, months=72)
    assert [d["month"] for d in done] == ["2019-03"]
    rec = ReadingArchive.objects.get()
    assert (rec.year, rec.month, rec.rows) == (2019, 3, len(old_rows))
    data = Path(rec.file).read_bytes()
    assert hashlib.sha256(data).hexdigest() == rec.sha256 and rec.size == len(data)
    lines = gzip.decompress(data).decode().splitlines()
    assert lines[0] == "meter_id,ts,value,received_at,batch_id" and len(lines) == len(old_rows) + 1
    assert "2019-03-31T23:59:59.999999+00:00" in gzip.decompress(data).decode()  # microseconds kept
    assert storage.count() == len(rows) - len(old_rows)
    assert MeterDay.objects.filter(day=OLD.date()).exists()  # the rollups stay
    if storage.is_postgres():
        with storage.connection.cursor() as cur:
            cur.execute("SELECT 1 FROM pg_class WHERE relname = %s", [storage.partition_name(2019, 3)])
            assert cur.fetchone() is None  # detached and dropped
    assert archive.archive_due(now=NOW, months=72) == []  # nothing left to do

    assert archive.restore_month(2019, 3) == len(old_rows)
    assert _stored() == before
    assert archive.restore_month(2019, 3) == 0  # idempotent
    assert ReadingArchive.objects.get().restored_at is not None


def test_a_damaged_archive_is_not_restored(readings):
    archive.archive_due(now=NOW, months=72)
    rec = ReadingArchive.objects.get()
    with open(rec.file, "ab") as f:
        f.write(b"x")
    with pytest.raises(archive.ArchiveDamaged, match="SHA-256"):
        archive.restore_month(2019, 3)
    assert storage.count() == len(readings[2]) - rec.rows


def test_command_dry_run_changes_nothing(readings, capsys, settings):
    settings.READING_RETENTION_MONTHS = 72
    call_command("archive_readings", "--dry-run")
    assert "2019-03: due" in capsys.readouterr().out
    assert storage.count() == len(readings[2]) and not ReadingArchive.objects.exists()
    with pytest.raises(CommandError, match="at least 60"):
        call_command("archive_readings", "--months", "12")
