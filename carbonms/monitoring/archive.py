"""Retention of the reading stream: months older than the retention period leave the live table for
compressed archive files, and can be brought back (issue 16 item 5).

A month of readings is written, in (meter, ts) order, to ``READING_ARCHIVE_DIR/readings/YYYY/
monitoring_reading_pYYYYMM.csv.gz`` (CSV with a header; timestamps in UTC with microseconds), its
SHA-256 and row count recorded in :class:`~carbonms.monitoring.models.ReadingArchive`, and only then
removed from the live table, in one transaction that first locks the month and checks that it still
holds exactly the rows written:

* PostgreSQL: the month is one partition (migration 0002); it is locked, copied out, detached and
  dropped. Detaching takes a short ACCESS EXCLUSIVE lock on the parent table (a catalogue change, not
  a data copy), so ingestion of other months waits milliseconds, never for the copy;
* SQLite: the month's rows are read, written and deleted inside the write transaction.

What is kept: the daily rollups (``MeterDay``), anomalies and everything derived from readings stay in
the database; only the raw 15-minute stream leaves. What is never archived: a month younger than
``LEDGER_RETENTION_MONTHS`` (60: the five-year retention of ledgers and records, docs/management-system.md),
whatever ``READING_RETENTION_MONTHS`` says — a shorter setting is refused at start-up and here.

:func:`restore_month` reads an archive back (checking its SHA-256 first), idempotently: rows already in
the table are left as they are.
"""
from __future__ import annotations

import csv
import datetime as dt
import gzip
import hashlib
import io
import os
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connection, transaction
from django.utils import timezone

from . import storage
from .models import ReadingArchive
from .timeutil import UTC

LEDGER_RETENTION_MONTHS = 60
HEADER = ["meter_id", "ts", "value", "received_at", "batch_id"]


def retention_months(months: int | None = None) -> int:
    months = getattr(settings, "READING_RETENTION_MONTHS", 72) if months is None else months
    if months < LEDGER_RETENTION_MONTHS:
        raise ImproperlyConfigured(
            f"READING_RETENTION_MONTHS must be at least {LEDGER_RETENTION_MONTHS} (the five-year retention of ledgers); "
            f"got {months}.")
    return months


def cutoff(now: dt.datetime | None = None, months: int | None = None) -> tuple[int, int]:
    """The first (year, month) that is kept: every month before it is due for the archive."""
    now = (now or timezone.now()).astimezone(UTC)
    index = now.year * 12 + (now.month - 1) - retention_months(months)
    return index // 12, index % 12 + 1


def _bounds(year: int, month: int) -> tuple[dt.datetime, dt.datetime]:
    ny, nm = (year + 1, 1) if month == 12 else (year, month + 1)
    return dt.datetime(year, month, 1, tzinfo=UTC), dt.datetime(ny, nm, 1, tzinfo=UTC)


def due_months(now: dt.datetime | None = None, months: int | None = None) -> list[tuple[int, int]]:
    """The (year, month) pairs holding readings older than the retention period, oldest first."""
    first_kept = cutoff(now, months)
    with connection.cursor() as cur:
        if storage.is_postgres():
            cur.execute("SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
                        "JOIN pg_class p ON p.oid = i.inhparent WHERE p.relname = %s", [storage.TABLE])
            found = set()
            for (name,) in cur.fetchall():
                stamp = name.rsplit("_p", 1)[-1]
                if stamp.isdigit() and len(stamp) == 6:
                    found.add((int(stamp[:4]), int(stamp[4:])))
        else:
            start, _end = _bounds(*first_kept)
            cur.execute(f"SELECT DISTINCT substr(ts, 1, 7) FROM {storage.TABLE} WHERE ts < %s",
                        [storage.to_param(start.timestamp())])
            found = {(int(v[:4]), int(v[5:7])) for (v,) in cur.fetchall()}
    return sorted(ym for ym in found if ym < first_kept)


def archive_path(year: int, month: int) -> Path:
    root = Path(getattr(settings, "READING_ARCHIVE_DIR", settings.VAR_DIR / "archive"))
    return root / "readings" / f"{year:04d}" / f"{storage.partition_name(year, month)}.csv.gz"


def _iso(value) -> str:
    if isinstance(value, str):  # SQLite text, UTC
        value = dt.datetime.fromisoformat(value)
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).isoformat(timespec="microseconds")


def _write(path: Path, rows) -> tuple[int, str, int]:
    """Write the rows as gzip CSV to ``path`` (through a temporary name); (rows, SHA-256, bytes)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".part")
    n = 0
    with open(tmp, "wb") as raw:
        with gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as gz, io.TextIOWrapper(gz, encoding="utf-8", newline="") as text:
            out = csv.writer(text)
            out.writerow(HEADER)
            for meter_id, ts, value, received, batch in rows:
                out.writerow([meter_id, _iso(ts), repr(float(value)), _iso(received), batch])
                n += 1
        raw.flush()
        os.fsync(raw.fileno())
    os.replace(tmp, path)
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    return n, digest, path.stat().st_size


def archive_month(year: int, month: int, *, now: dt.datetime | None = None, months: int | None = None) -> ReadingArchive:
    """Move one month of readings to its archive file (see the module docstring). Refuses a month that is
    not yet due; atomic: on any failure the readings stay and no record is written."""
    if (year, month) >= cutoff(now, months):
        raise ValueError(f"{year:04d}-{month:02d} is within the retention period and is not archived.")
    start, end = _bounds(year, month)
    path = archive_path(year, month)
    cols = ", ".join(HEADER)
    with transaction.atomic(), connection.cursor() as cur:
        if storage.is_postgres():
            part = storage.partition_name(year, month)
            cur.execute("SELECT 1 FROM pg_class WHERE relname = %s", [part])
            if cur.fetchone() is None:
                raise ValueError(f"No partition for {year:04d}-{month:02d}.")
            cur.execute(f"LOCK TABLE {part} IN SHARE MODE")  # no new rows while it is copied
            cur.execute(f"SELECT {cols} FROM {part} ORDER BY meter_id, ts")
        else:
            lo, hi = storage.to_param(start.timestamp()), storage.to_param(end.timestamp())
            cur.execute(f"SELECT {cols} FROM {storage.TABLE} WHERE ts >= %s AND ts < %s ORDER BY meter_id, ts", [lo, hi])
        written, digest, size = _write(path, _fetch_iter(cur))
        try:
            if storage.is_postgres():
                cur.execute(f"SELECT count(*) FROM {part}")
                held = cur.fetchone()[0]
                if held != written:
                    raise RuntimeError(f"{part}: {held} rows held, {written} written; nothing archived.")
                cur.execute(f"ALTER TABLE {storage.TABLE} DETACH PARTITION {part}")
                cur.execute(f"DROP TABLE {part}")
            else:
                cur.execute(f"DELETE FROM {storage.TABLE} WHERE ts >= %s AND ts < %s", [lo, hi])
                if cur.rowcount != written:
                    raise RuntimeError(f"{year:04d}-{month:02d}: {cur.rowcount} rows held, {written} written; nothing archived.")
            record, _created = ReadingArchive.objects.update_or_create(
                year=year, month=month,
                defaults={"rows": written, "sha256": digest, "size": size, "file": str(path), "restored_at": None})
        except Exception:
            path.unlink(missing_ok=True)
            raise
    return record


def _fetch_iter(cur, size: int = 20_000):
    while True:
        chunk = cur.fetchmany(size)
        if not chunk:
            return
        yield from chunk


def archive_due(*, now: dt.datetime | None = None, months: int | None = None, dry_run: bool = False) -> list[dict]:
    """Archive every month that is due; one transaction per month. Returns what was (or would be) done."""
    done = []
    for year, month in due_months(now, months):
        if dry_run:
            done.append({"month": f"{year:04d}-{month:02d}", "rows": None, "file": str(archive_path(year, month))})
            continue
        rec = archive_month(year, month, now=now, months=months)
        done.append({"month": f"{year:04d}-{month:02d}", "rows": rec.rows, "file": rec.file, "sha256": rec.sha256})
    return done


class ArchiveDamaged(Exception):
    pass


def restore_month(year: int, month: int) -> int:
    """Put an archived month back into the live table (rows already there are kept); returns rows inserted."""
    rec = ReadingArchive.objects.get(year=year, month=month)
    path = Path(rec.file)
    data = path.read_bytes()
    if hashlib.sha256(data).hexdigest() != rec.sha256:
        raise ArchiveDamaged(f"{path}: SHA-256 differs from the one recorded when it was archived.")
    with gzip.open(io.BytesIO(data), "rt", encoding="utf-8", newline="") as text:
        reader = csv.reader(text)
        if next(reader) != HEADER:
            raise ArchiveDamaged(f"{path}: unexpected header.")
        rows = [(int(m), dt.datetime.fromisoformat(t), float(v), dt.datetime.fromisoformat(r), int(b)) for m, t, v, r, b in reader]
    if len(rows) != rec.rows:
        raise ArchiveDamaged(f"{path}: {len(rows)} rows, {rec.rows} recorded.")
    with transaction.atomic(), connection.cursor() as cur:
        if storage.is_postgres():
            storage.ensure_partitions([rows[0][1].timestamp()] if rows else [])
            cur.execute("CREATE TEMP TABLE IF NOT EXISTS monitoring_restore (meter_id bigint, ts timestamptz, value double precision, "
                        "received_at timestamptz, batch_id bigint) ON COMMIT DROP")
            with cur.cursor.copy("COPY monitoring_restore FROM STDIN") as cp:
                for r in rows:
                    cp.write_row(r)
            cur.execute(f"INSERT INTO {storage.TABLE} ({', '.join(HEADER)}) SELECT {', '.join(HEADER)} FROM monitoring_restore "
                        "ON CONFLICT DO NOTHING")
            inserted = cur.rowcount
        else:
            before = storage.count()
            cur.executemany(
                f"INSERT OR IGNORE INTO {storage.TABLE} ({', '.join(HEADER)}) VALUES (%s, %s, %s, %s, %s)",
                [(m, storage.to_param(t.timestamp()), v, storage.to_param(r.timestamp()), b) for m, t, v, r, b in rows])
            inserted = storage.count() - before
        rec.restored_at = timezone.now()
        rec.save(update_fields=["restored_at", "updated_at"])
    return inserted
