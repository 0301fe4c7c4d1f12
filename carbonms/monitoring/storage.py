"""Bulk storage of the reading stream. The only code that writes ``monitoring_reading``.

PostgreSQL: the rows are COPYed into a session temp table, then ``INSERT … SELECT … ON CONFLICT DO
NOTHING`` moves them into the monthly partitions; rows that were already stored are read back in one
query (only when some rows did not insert) to tell duplicates from conflicts.
SQLite: the stored rows of the batch's meters and time span are read first, then the new rows are
written with ``INSERT OR IGNORE`` (SQLite has one writer at a time).
"""
from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterable

from django.db import connection, transaction

from .timeutil import UTC

TABLE = "monitoring_reading"


def is_postgres() -> bool:
    return connection.vendor == "postgresql"


def _month_start(year: int, month: int) -> str:
    return f"{year:04d}-{month:02d}-01 00:00:00+00"


def partition_name(year: int, month: int) -> str:
    return f"{TABLE}_p{year:04d}{month:02d}"


def ensure_partitions(ts_values: Iterable[float]) -> None:
    """Create the monthly partitions (UTC months) the timestamps need. PostgreSQL only; idempotent and
    safe with several processes (advisory lock + IF NOT EXISTS). The catalogue is asked every time (one
    cheap query): a partition created in a transaction that rolled back must not be taken as existing."""
    if not is_postgres():
        return
    months = set()
    for ts in ts_values:
        d = time.gmtime(ts)
        months.add((d.tm_year, d.tm_mon))
    if not months:
        return
    with connection.cursor() as cur:
        cur.execute("SELECT relname FROM pg_class WHERE relname = ANY(%s)", [[partition_name(y, m) for y, m in months]])
        present = {r[0] for r in cur.fetchall()}
    missing = sorted(ym for ym in months if partition_name(*ym) not in present)
    if not missing:
        return
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [TABLE])
        for y, m in missing:
            ny, nm = (y + 1, 1) if m == 12 else (y, m + 1)
            cur.execute(
                f"CREATE TABLE IF NOT EXISTS {partition_name(y, m)} PARTITION OF {TABLE} "
                f"FOR VALUES FROM ('{_month_start(y, m)}') TO ('{_month_start(ny, nm)}')"
            )


def forget_partitions() -> None:
    """Kept for the tests' fixtures; partitions are looked up in the catalogue, nothing is cached."""


def _sqlite_ts(ts: float) -> str:
    """Django's SQLite text form of a UTC datetime."""
    return str(dt.datetime.fromtimestamp(ts, UTC).replace(tzinfo=None))


def store(rows: list[tuple[int, float, float]], *, batch_id: int, received_at: dt.datetime):
    """Insert ``rows`` (meter id, epoch ts, value), unique on (meter, ts) within the list.

    Returns (inserted, already stored: list of (meter id, ts, stored value, new value)). Must run
    inside the caller's transaction.
    """
    if not rows:
        return 0, []
    if is_postgres():
        return _store_pg(rows, batch_id=batch_id, received_at=received_at)
    return _store_sqlite(rows, batch_id=batch_id, received_at=received_at)


def _store_pg(rows, *, batch_id, received_at):
    with connection.cursor() as cur:
        cur.execute("CREATE TEMP TABLE IF NOT EXISTS monitoring_stage "
                    "(meter_id bigint, ts double precision, value double precision) ON COMMIT DELETE ROWS")
        cur.execute("TRUNCATE monitoring_stage")
        raw = cur.cursor  # psycopg 3 cursor: COPY
        with raw.copy("COPY monitoring_stage (meter_id, ts, value) FROM STDIN") as cp:
            step = 20000
            for i in range(0, len(rows), step):
                cp.write("".join(f"{m}\t{t!r}\t{v!r}\n" for m, t, v in rows[i:i + step]))
        cur.execute(
            f"INSERT INTO {TABLE} (meter_id, ts, value, received_at, batch_id) "
            "SELECT meter_id, to_timestamp(ts), value, %s, %s FROM monitoring_stage ON CONFLICT DO NOTHING",
            [received_at, batch_id],
        )
        inserted = cur.rowcount
        existing = []
        if inserted < len(rows):
            lo, hi = min(r[1] for r in rows), max(r[1] for r in rows)
            cur.execute(
                f"SELECT s.meter_id, s.ts, r.value, s.value FROM monitoring_stage s JOIN {TABLE} r "
                "ON r.meter_id = s.meter_id AND r.ts = to_timestamp(s.ts) "
                "WHERE r.batch_id <> %s AND r.ts >= to_timestamp(%s) AND r.ts <= to_timestamp(%s)",
                [batch_id, lo, hi],
            )
            existing = [(m, float(t), sv, nv) for m, t, sv, nv in cur.fetchall()]
    return inserted, existing


def _sqlite_existing(cur, rows) -> dict[tuple[int, str], float]:
    meter_ids = sorted({r[0] for r in rows})
    lo, hi = min(r[1] for r in rows), max(r[1] for r in rows)
    out: dict[tuple[int, str], float] = {}
    for i in range(0, len(meter_ids), 500):
        chunk = meter_ids[i:i + 500]
        cur.execute(
            f"SELECT meter_id, ts, value FROM {TABLE} WHERE meter_id IN ({','.join('%s' for _ in chunk)}) "
            "AND ts >= %s AND ts <= %s", [*chunk, _sqlite_ts(lo), _sqlite_ts(hi)],
        )
        for m, t, v in cur.fetchall():
            out[(m, t if isinstance(t, str) else _sqlite_ts(t.replace(tzinfo=UTC).timestamp()))] = v
    return out


def _store_sqlite(rows, *, batch_id, received_at):
    rec = _sqlite_ts(received_at.timestamp())
    with connection.cursor() as cur:
        existing_map = _sqlite_existing(cur, rows)
        new, existing = [], []
        for m, t, v in rows:
            key = (m, _sqlite_ts(t))
            if key in existing_map:
                existing.append((m, t, existing_map[key], v))
            else:
                new.append((m, key[1], v, rec, batch_id))
        cur.executemany(
            f"INSERT OR IGNORE INTO {TABLE} (meter_id, ts, value, received_at, batch_id) VALUES (%s, %s, %s, %s, %s)", new)
    return len(new), existing


def replace_value(meter_id: int, ts: dt.datetime, value: float) -> None:
    """Apply a reviewed conflict resolution (the only UPDATE of a stored reading)."""
    with connection.cursor() as cur:
        cur.execute(f"UPDATE {TABLE} SET value = %s WHERE meter_id = %s AND ts = %s", [value, meter_id, ts])


def fetch(meter_id: int, start: float, end: float, *, with_received: bool = False) -> list[tuple]:
    """Readings of a meter with start < ts <= end, ordered: (ts epoch, value[, received epoch])."""
    cols = "ts, value, received_at" if with_received else "ts, value"
    lo, hi = (dt.datetime.fromtimestamp(start, UTC), dt.datetime.fromtimestamp(end, UTC))
    if not is_postgres():
        lo, hi = _sqlite_ts(start), _sqlite_ts(end)
    with connection.cursor() as cur:
        cur.execute(f"SELECT {cols} FROM {TABLE} WHERE meter_id = %s AND ts > %s AND ts <= %s ORDER BY ts",
                    [meter_id, lo, hi])
        rows = cur.fetchall()
    from .timeutil import to_epoch

    if with_received:
        return [(to_epoch(t), v, to_epoch(r)) for t, v, r in rows]
    return [(to_epoch(t), v) for t, v in rows]


def last_before(meter_id: int, ts: float) -> tuple[float, float] | None:
    """The last reading at or before ``ts`` (the baseline of a cumulative register)."""
    bound = dt.datetime.fromtimestamp(ts, UTC) if is_postgres() else _sqlite_ts(ts)
    with connection.cursor() as cur:
        cur.execute(f"SELECT ts, value FROM {TABLE} WHERE meter_id = %s AND ts <= %s ORDER BY ts DESC LIMIT 1",
                    [meter_id, bound])
        row = cur.fetchone()
    from .timeutil import to_epoch

    return (to_epoch(row[0]), row[1]) if row else None


def count(meter_ids: list[int] | None = None) -> int:
    with connection.cursor() as cur:
        if meter_ids is None:
            cur.execute(f"SELECT count(*) FROM {TABLE}")
        else:
            cur.execute(f"SELECT count(*) FROM {TABLE} WHERE meter_id IN ({','.join('%s' for _ in meter_ids)})", meter_ids)
        return cur.fetchone()[0]


def to_param(ts: float):
    """An epoch timestamp as a query parameter comparable with the ts column."""
    return dt.datetime.fromtimestamp(ts, UTC) if is_postgres() else _sqlite_ts(ts)
