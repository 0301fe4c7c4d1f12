"""Set-based daily rollups: the dirty (meter, day) pairs recomputed in SQL, many at a time.

The same rules as :func:`carbonms.monitoring.quality.analyse_day` (read it first), in a few statements
over a session work table of claimed meter-days, on PostgreSQL and SQLite (dialect pieces in ``_D``):

1. *claim*: up to ``limit`` rows of the dirty set are deleted and copied, with their meter's settings
   (kind, interval, multiplier, rollover, the day's bounds), into the work table; on PostgreSQL with
   ``FOR UPDATE SKIP LOCKED``, so several workers share the set;
2. *prepare*: the expected intervals (a day in progress expects only the ended ones) and, for
   registers, the last reading at or before the day's start;
3. *rollup* (:func:`_rollup_sql`): one ``INSERT … SELECT … GROUP BY … ON CONFLICT DO UPDATE``; window
   functions over each day's readings in time order give each reading its interval slot, the previous
   values (deltas, rollover, reset), whether it is off the grid or late (clock skew); the runs of equal
   values (flatline) and the median of the positive deltas (spike) come from a second window level on
   SQLite and from per-day arrays on PostgreSQL; gaps and completeness come from the slots; the flags
   are assembled as JSON in :func:`analyse_day`'s order;
4. *substitution* (:func:`_substitution_sql`): one ``UPDATE … FROM`` for the interval days with gaps;
5. days without readings from today on lose their rollup (as before); anomalies are kept in step with
   the flags in bulk (one per meter, day and kind; an open one no longer found is removed), with their
   change records.

Floating-point results are computed with the same operations as the Python rules; only the order in
which a day's values are summed (``measured``, ``substituted``, ``mean_value``) is the database's, so
those may differ from the per-meter implementation in the last bits.
"""
from __future__ import annotations

import datetime as dt
import json
import time

from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.utils import timezone

from carbonms.changelog.context import current_source
from carbonms.changelog.models import ChangeRecord
from carbonms.changelog.tracking import snapshot

from . import quality
from .ingestion import setting
from .models import Anomaly, Meter, MeterDay
from .timeutil import LOCAL_OFFSET, LOCAL_TZ

WORK = "monitoring_rollup_work"

# A meter's reading kind as a small integer in the work table: compared at every reading, a number costs less
# than text (which PostgreSQL compares under a collation).
INTERVAL, CUMULATIVE, INSTANT = 0, 1, 2
_KIND_SQL = (f"CASE m.reading_kind WHEN '{Meter.ReadingKind.INTERVAL.value}' THEN {INTERVAL} "
             f"WHEN '{Meter.ReadingKind.CUMULATIVE.value}' THEN {CUMULATIVE} ELSE {INSTANT} END")

# Dialect pieces: (PostgreSQL, SQLite).
_D = {
    "postgresql": {
        "create_work": f"""CREATE TEMP TABLE IF NOT EXISTS {WORK} (
            meter_id bigint NOT NULL, day date NOT NULL, kind smallint NOT NULL, step double precision NOT NULL,
            nexp bigint NOT NULL, t0 double precision NOT NULL, lo timestamptz NOT NULL, hi timestamptz NOT NULL,
            mult double precision NOT NULL, roll double precision, base double precision,
            PRIMARY KEY (meter_id, day)) ON COMMIT DELETE ROWS""",
        "epoch": "date_part('epoch', {0})",  # int64 µs / 1e6: rounded as Python's timestamp()
        "t0": f"(extract(epoch from c.day::timestamp)::float8 - {LOCAL_OFFSET})",
        "lo": f"(c.day::timestamp AT TIME ZONE 'UTC') - interval '{LOCAL_OFFSET} seconds'",
        "hi": f"(c.day::timestamp AT TIME ZONE 'UTC') + interval '{86400 - LOCAL_OFFSET} seconds'",
        "floor": "floor({0})::bigint",
        "floorf": "floor({0})",
        "ceil": "ceil({0})::bigint",
        "greatest": "greatest",
        "float": "double precision",
        "json_num": "to_jsonb({0})::text",
        "json_obj": "jsonb_build_object({0})::text",
        "flags": "({0})::jsonb",
        # Computes a subquery's columns once instead of inlining them at every use; the ORDER BY (which the
        # rows already have) tells the planner so, or it sorts them again for the next window level.
        "order": "ORDER BY meter_id, day, ts OFFSET 0",
    },
    "sqlite": {
        "create_work": f"""CREATE TEMP TABLE IF NOT EXISTS {WORK} (
            meter_id integer NOT NULL, day date NOT NULL, kind integer NOT NULL, step real NOT NULL,
            nexp integer NOT NULL, t0 real NOT NULL, lo text NOT NULL, hi text NOT NULL,
            mult real NOT NULL, roll real, base real, PRIMARY KEY (meter_id, day))""",
        # Django's SQLite text 'YYYY-MM-DD HH:MM:SS[.ffffff]' (UTC) → epoch seconds, rounded like Python's.
        "epoch": "((CAST(strftime('%%s', {0}) AS INTEGER) * 1000000 + CAST(substr({0}, 21, 6) AS INTEGER)) / 1000000.0)",
        "t0": f"(CAST(strftime('%%s', c.day) AS INTEGER) - {LOCAL_OFFSET})",
        "lo": f"datetime(c.day, '-{LOCAL_OFFSET} seconds')",
        "hi": f"datetime(c.day, '+{86400 - LOCAL_OFFSET} seconds')",
        "floor": "CAST({0} AS INTEGER)",  # arguments are never negative here
        "floorf": "CAST(CAST({0} AS INTEGER) AS REAL)",
        "ceil": "(CAST({0} AS INTEGER) + ({0} > CAST({0} AS INTEGER)))",
        "greatest": "max",
        "float": "real",
        "json_num": "printf('%%!.17g', {0})",  # 17 significant digits: the float itself
        "json_obj": "json_object({0})",
        "flags": "{0}",
        "order": "",
    },
}


def _d() -> dict:
    return _D["postgresql" if connection.vendor == "postgresql" else "sqlite"]


def _claim_sql(d: dict) -> list[str]:
    """Statements that move up to %(limit)s dirty rows into the work table."""
    cols = "meter_id, day, kind, step, nexp, t0, lo, hi, mult, roll"
    sel = (f"SELECT c.meter_id, c.day, {_KIND_SQL}, m.interval_minutes * 60.0, 0, {d['t0']}, {d['lo']}, {d['hi']}, "
           f"CAST(m.multiplier AS {d['float']}), CAST(NULLIF(m.rollover_at, 0) AS {d['float']}) "
           "FROM claimed c JOIN monitoring_meter m ON m.id = c.meter_id WHERE m.interval_minutes > 0")
    if connection.vendor == "postgresql":
        return [f"""WITH claimed AS (
            DELETE FROM monitoring_dirtyday WHERE id IN (
                SELECT id FROM monitoring_dirtyday ORDER BY meter_id, day LIMIT %(limit)s FOR UPDATE SKIP LOCKED)
            RETURNING meter_id, day)
            INSERT INTO {WORK} ({cols}) {sel}"""]
    return [
        f"""WITH claimed AS (SELECT id, meter_id, day FROM monitoring_dirtyday ORDER BY meter_id, day LIMIT %(limit)s)
            INSERT INTO {WORK} ({cols}) {sel}""",
        f"DELETE FROM monitoring_dirtyday WHERE id IN (SELECT d.id FROM monitoring_dirtyday d JOIN {WORK} w "
        "ON w.meter_id = d.meter_id AND w.day = d.day)",
    ]


def _prepare_sql(d: dict) -> list[str]:
    """Expected intervals (a day in progress expects only the ended ones) and the registers' baselines."""
    full = f"{d['greatest']}(1, {d['floor'].format('86400.0 / step')})"
    now = f"{d['greatest']}(1, {d['floor'].format('(%(now)s - t0) / step')})"
    return [
        f"UPDATE {WORK} SET nexp = CASE WHEN t0 < %(now)s AND %(now)s < t0 + 86400 THEN {now} ELSE {full} END",
        f"""UPDATE {WORK} SET base = (SELECT r.value FROM monitoring_reading r WHERE r.meter_id = {WORK}.meter_id
            AND r.ts <= {WORK}.lo ORDER BY r.ts DESC LIMIT 1) WHERE kind = {CUMULATIVE}""",
    ]


def _round4(d: dict, k: str, n: str) -> str:
    """Python's ``round(k / n, 4)`` for integers 0 <= k <= n, as SQL: decided on integers, except for an
    exact decimal tie, which Python decides on the binary value of k / n (above, below or on it)."""
    num = f"({k} * 10000)"
    q = f"({num} / {n})"
    r = f"({num} - {q} * {n})"
    x = f"(CAST({k} AS {d['float']}) / {n})"
    xh = f"({d['floorf'].format(f'{x} * 1073741824.0')} / 1073741824.0)"
    a = f"({xh} * {n} - {k})"  # exact: xh has 30 fractional bits, n < 2**11
    b = f"(({x} - {xh}) * {n})"  # exact: the low bits of x times n
    tie = f"CASE WHEN {a} > -{b} THEN 1 WHEN {a} < -{b} THEN 0 ELSE {q} %% 2 END"
    return f"(({q} + CASE WHEN 2 * {r} > {n} THEN 1 WHEN 2 * {r} < {n} THEN 0 ELSE {tie} END) / 10000.0)"


def _rollup_sql(d: dict, c: dict) -> str:
    """The rollup of every work row: window functions over each day's readings in time order (one level on
    PostgreSQL, whose aggregate then reads the median, the spikes and the flatline runs from arrays; three on
    SQLite), one GROUP BY, the flags as JSON, upserted. Column names: t/v/rec (reading), rn (position),
    slot (interval the reading closes), fos (first reading of its slot), dl (consumption: delta of a
    register, value of an interval meter), val (the series the flatline rule reads)."""
    ep = d["epoch"]
    skew, spike, flat, cmin = (float(c["CLOCK_SKEW_SECONDS"]), float(c["SPIKE_FACTOR"]), int(c["FLATLINE_INTERVALS"]),
                               float(c["COMPLETENESS_MIN"]))
    obj = d["json_obj"]
    completeness = f"(CAST(COALESCE(a.present, 0) AS {d['float']}) / w.nexp)"
    missing = "(w.nexp - COALESCE(a.present, 0))"
    best = "COALESCE(a.best, 1)"
    flags = [
        (f"{missing} > 0", obj.format(f"'kind', 'gap', 'missing', {missing}, 'first', COALESCE(a.first_gap, a.first_tail, 0)")),
        (f"{completeness} < {cmin!r}",
         obj.format(f"'kind', 'low_completeness', 'completeness', {_json_float(d, _round4(d, 'COALESCE(a.present, 0)', 'w.nexp'))}")),
        ("a.skewed > 0", obj.format("'kind', 'clock_skew', 'readings', a.skewed")),
        ("a.negatives > 0", obj.format("'kind', 'negative_delta', 'count', a.negatives")),
        ("a.rollovers > 0", obj.format("'kind', 'rollover', 'count', a.rollovers")),
        ("a.spikes > 0", obj.format(f"'kind', 'spike', 'count', a.spikes, 'median', {_json_float(d, 'a.med')}")),
        (f"{best} >= {flat}", obj.format(f"'kind', 'flatline', 'intervals', {best}")),
    ]
    parts = " || ".join(f"COALESCE(',' || CASE WHEN {cond} THEN {expr} END, '')" for cond, expr in flags)
    flags_sql = d["flags"].format(f"'[' || substr({parts}, 2) || ']'")
    day = "PARTITION BY meter_id, day"
    in_time1 = "(PARTITION BY w.meter_id, w.day ORDER BY x.ts)"
    running = f"({day} ORDER BY ts ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)"

    def delta(v: str, prev: str) -> str:  # consumption of a reading: quality.analyse_day's rules
        return f"""CASE WHEN kind = {INTERVAL} THEN {v} * mult
             WHEN kind <> {CUMULATIVE} OR {prev} IS NULL THEN NULL
             WHEN {v} - {prev} >= 0 THEN ({v} - {prev}) * mult
             WHEN roll IS NOT NULL AND {prev} - {v} > roll / 2 THEN (({v} + roll) - {prev}) * mult
             ELSE {v} * mult END"""

    common = f"""meter_id, day, count(*) AS n, sum(skew) AS skewed, sum(dl) AS measured,
        sum(CASE WHEN neg = 1 THEN 1 ELSE 0 END) AS negatives, sum(CASE WHEN neg = 2 THEN 1 ELSE 0 END) AS rollovers,
        sum(CASE WHEN kind = {INSTANT} THEN v END) / NULLIF(count(CASE WHEN kind = {INSTANT} THEN v END), 0) AS mean_v,
        sum(CASE WHEN fos = 1 AND slot < nexp THEN 1 ELSE 0 END) AS present,
        min(CASE WHEN fos = 1 AND rn = 1 AND slot > 0 THEN 0
                 WHEN fos = 1 AND rn > 1 AND pslot + 1 < slot AND pslot + 1 < nexp THEN pslot + 1 END) AS first_gap,
        CASE WHEN max(slot) + 1 < max(nexp) THEN max(slot) + 1 END AS first_tail"""
    if connection.vendor == "postgresql":
        # The positive deltas of each day as one sorted array: the median is read at the middle positions and
        # the spikes counted by a binary search for the threshold in it (width_bucket gives how many are at or
        # below it), so the per-reading rows are read once, by this aggregate, and never stored in between.
        # The flatline: the positions that continue a run of equal values (few: most readings differ from
        # the one before) as an array; its longest streak of consecutive positions is the longest run less
        # one, computed only where the array is long enough to reach the threshold. No second window level.
        # The substitution reads the first reading of each interval as [slot, value] rows of one array, sorted
        # by slot: those slots rise strictly with time, so that is time order, and one sort instead of two.
        pos, npos = "am.pos", "cardinality(am.pos)"
        med = f"CASE WHEN {npos} >= 8 THEN ({pos}[({npos} + 1) / 2] + {pos}[({npos} + 2) / 2]) / 2 END"

        def longest(arr: str) -> str:
            return (f"CASE WHEN cardinality({arr}) >= {flat - 1} THEN 1 + (SELECT max(c) FROM (SELECT count(*) AS c "
                    f"FROM unnest({arr}) WITH ORDINALITY AS t(p, o) GROUP BY p - o) s) END")
        l2 = ""
        substituted = "COALESCE(a.substituted, 0.0)"
        median = f"""
, am AS (
    SELECT {common}, array_agg(dl ORDER BY dl) FILTER (WHERE dl > 0) AS pos,
        max(kind) = {CUMULATIVE} AND sum(dl) > 0 AS by_l,
        array_agg(rn ORDER BY rn) FILTER (WHERE brk_s IS NULL) AS same_s,
        array_agg(rn ORDER BY rn) FILTER (WHERE brk_l IS NULL) AS same_l,
        array_agg(ARRAY[slot, dl] ORDER BY slot) FILTER (WHERE fos = 1 AND kind = {INTERVAL}) AS fa
    FROM l1b GROUP BY meter_id, day
), a AS (
    SELECT am.*, m.med,
        CASE WHEN {pos}[{npos}] > {spike!r} * m.med THEN {npos} - width_bucket({spike!r} * m.med, {pos}) ELSE 0 END AS spikes,
        CASE WHEN by_l THEN {longest('am.same_l')} ELSE {longest('am.same_s')} END AS best,
        CASE WHEN am.fa IS NOT NULL AND am.present < w.nexp THEN {_substitution_pg(c, 'am.fa', 'w.nexp')} END AS substituted
    FROM am JOIN {WORK} w ON w.meter_id = am.meter_id AND w.day = am.day CROSS JOIN LATERAL (SELECT {med} AS med) m
)"""
    else:
        # The median from the rank of each positive delta in the day; every row then sees it.
        # The flatline runs from a second window level: the last break of equal values at each reading.
        substituted = "0.0"  # then computed by _substitution_sql
        l2 = f"""
, l2 AS (
    SELECT l1b.*,
        rn - max(brk_s) OVER {running} + 1 AS run_s, rn - max(brk_l) OVER {running} + 1 AS run_l,
        row_number() OVER ({day} ORDER BY CASE WHEN dl > 0 THEN dl END NULLS LAST) AS k,
        count(CASE WHEN dl > 0 THEN 1 END) OVER ({day}) AS cntpos
    FROM l1b
)"""
        median = f"""
, l3 AS (
    SELECT l2.*, (min(mdl) OVER ({day}) + max(mdl) OVER ({day})) / 2 AS med
    FROM (SELECT l2.*, CASE WHEN dl > 0 AND cntpos >= 8 AND k IN ((cntpos + 1) / 2, (cntpos + 2) / 2) THEN dl END AS mdl
          FROM l2) l2
), a AS (
    SELECT {common}, max(med) AS med, sum(CASE WHEN dl > {spike!r} * med THEN 1 ELSE 0 END) AS spikes,
        CASE WHEN max(kind) = {CUMULATIVE} AND sum(dl) > 0 THEN max(CASE WHEN val IS NOT NULL THEN run_l END)
             ELSE max(CASE WHEN val IS NOT NULL THEN run_s END) END AS best
    FROM l3 GROUP BY meter_id, day
)"""
    return f"""
WITH l1 AS (
    SELECT w.meter_id, w.day, w.kind, w.step, w.nexp, w.t0, w.mult, w.roll, x.ts, x.value AS v,
           {ep.format('x.ts')} AS t, {ep.format('x.received_at')} AS rec,
           row_number() OVER {in_time1} AS rn,
           CASE WHEN row_number() OVER {in_time1} = 1 THEN w.base ELSE lag(x.value) OVER {in_time1} END AS prev,
           lag(x.value) OVER {in_time1} AS pv,
           CASE WHEN row_number() OVER {in_time1} = 2 THEN w.base ELSE lag(x.value, 2) OVER {in_time1} END AS pprev,
           lag({ep.format('x.ts')}) OVER {in_time1} AS pt
    FROM {WORK} w JOIN monitoring_reading x ON x.meter_id = w.meter_id AND x.ts > w.lo AND x.ts <= w.hi
), l1b AS (
    SELECT meter_id, day, kind, nexp, ts, v, rn, slot, pslot, dl, val,
        CASE WHEN kind <> {CUMULATIVE} OR prev IS NULL OR v - prev >= 0 THEN 0
             WHEN roll IS NOT NULL AND prev - v > roll / 2 THEN 2 ELSE 1 END AS neg,
        CASE WHEN abs((t - t0) - (slot + 1) * step) > {skew!r} OR t - rec > {skew!r} THEN 1 ELSE 0 END AS skew,
        CASE WHEN rn = 1 OR pslot <> slot THEN 1 ELSE 0 END AS fos,
        CASE WHEN pval = val AND val <> 0 THEN NULL ELSE rn END AS brk_s,
        CASE WHEN pval = val THEN NULL ELSE rn END AS brk_l
    FROM (SELECT l1.*, CASE WHEN kind = {INSTANT} THEN v ELSE dl END AS val,
                 CASE WHEN rn = 1 THEN NULL WHEN kind = {INSTANT} THEN pv ELSE pdl END AS pval
          FROM (SELECT l1.*, {d['ceil'].format('((t - t0) / step)')} - 1 AS slot,
                       CASE WHEN rn = 1 THEN NULL ELSE {d['ceil'].format('((pt - t0) / step)')} - 1 END AS pslot,
                       {delta('v', 'prev')} AS dl, CASE WHEN rn = 1 THEN NULL ELSE {delta('pv', 'pprev')} END AS pdl
                FROM l1 {d['order']}) l1 {d['order']}) l1
){l2}{median}
INSERT INTO monitoring_meterday (meter_id, day, measured, substituted, n_readings, n_expected, completeness, mean_value,
                                 flags, computed_at)
SELECT w.meter_id, w.day, COALESCE(a.measured, 0.0), {substituted}, COALESCE(a.n, 0), w.nexp,
       {completeness}, a.mean_v, {flags_sql}, %(computed_at)s
FROM {WORK} w LEFT JOIN a ON a.meter_id = w.meter_id AND a.day = w.day
WHERE COALESCE(a.n, 0) > 0 OR w.day < %(today)s
ON CONFLICT (meter_id, day) DO UPDATE SET measured = excluded.measured, substituted = excluded.substituted,
    n_readings = excluded.n_readings, n_expected = excluded.n_expected, completeness = excluded.completeness,
    mean_value = excluded.mean_value, flags = excluded.flags, computed_at = excluded.computed_at
"""


def _substitution_pg(c: dict, firsts: str, nexp: str) -> str:
    """The rule of :func:`_substitution_sql` for one day, from the first reading of each interval present as
    ``[slot, value]`` rows of a two-dimensional array in slot order: a subquery over the array instead of
    reading the day's readings again (PostgreSQL). Slots are whole numbers, exact as float8."""
    maxgap = int(c["SUBSTITUTE_MAX_GAP"])
    n = f"array_length({firsts}, 1)"
    return f"""(SELECT COALESCE(sum((CASE WHEN lv IS NOT NULL AND rv IS NOT NULL THEN (lv + rv) / 2 ELSE COALESCE(lv, rv) END)
                                    * (j - i)), 0.0)
        FROM (SELECT COALESCE({firsts}[k - 1][1]::bigint + 1, 0) AS i, LEAST({firsts}[k][1]::bigint, {nexp}) AS j,
                     {firsts}[k - 1][2] AS lv, CASE WHEN {firsts}[k][1] <= {nexp} THEN {firsts}[k][2] END AS rv
              FROM generate_subscripts({firsts}, 1) AS k
              UNION ALL SELECT {firsts}[{n}][1]::bigint + 1, {nexp}, {firsts}[{n}][2], NULL) gp
        WHERE i < j AND j - i <= {maxgap} AND (lv IS NOT NULL OR rv IS NOT NULL))"""


def _substitution_sql(d: dict, c: dict) -> str:
    """``substituted`` of the interval meters' days with missing intervals (completeness below 1): a gap of
    at most SUBSTITUTE_MAX_GAP intervals takes the mean of the first readings of the intervals around it."""
    maxgap = int(c["SUBSTITUTE_MAX_GAP"])
    day = "PARTITION BY meter_id, day"
    return f"""
WITH r AS (
    SELECT w.meter_id, w.day, w.nexp, x.ts, x.value * w.mult AS val,
           {d['ceil'].format(f"(({d['epoch'].format('x.ts')} - w.t0) / w.step)")} - 1 AS slot
    FROM {WORK} w
    JOIN monitoring_meterday md ON md.meter_id = w.meter_id AND md.day = w.day AND md.completeness < 1.0
    JOIN monitoring_reading x ON x.meter_id = w.meter_id AND x.ts > w.lo AND x.ts <= w.hi
    WHERE w.kind = {INTERVAL}
), f AS (
    SELECT r.*, row_number() OVER (PARTITION BY meter_id, day, slot ORDER BY ts) AS srn FROM r
), g AS (
    SELECT meter_id, day, nexp, slot, val, lag(slot) OVER ({day} ORDER BY slot) AS pslot,
           lag(val) OVER ({day} ORDER BY slot) AS pval, lead(slot) OVER ({day} ORDER BY slot) AS nslot
    FROM f WHERE srn = 1
), gp AS (
    SELECT meter_id, day, COALESCE(pslot + 1, 0) AS i, CASE WHEN slot < nexp THEN slot ELSE nexp END AS j,
           pval AS lv, CASE WHEN slot <= nexp THEN val END AS rv
    FROM g
    UNION ALL
    SELECT meter_id, day, slot + 1, nexp, val, NULL FROM g WHERE nslot IS NULL
), gs AS (
    SELECT meter_id, day,
           COALESCE(sum((CASE WHEN lv IS NOT NULL AND rv IS NOT NULL THEN (lv + rv) / 2 ELSE COALESCE(lv, rv) END) * (j - i)),
                    0.0) AS substituted
    FROM gp WHERE i < j AND j - i <= {maxgap} AND (lv IS NOT NULL OR rv IS NOT NULL) GROUP BY meter_id, day
)
UPDATE monitoring_meterday SET substituted = gs.substituted FROM gs
WHERE monitoring_meterday.meter_id = gs.meter_id AND monitoring_meterday.day = gs.day
"""


def _json_float(d: dict, expr: str) -> str:
    if connection.vendor == "postgresql":
        return f"({expr})::float8"
    return f"json({d['json_num'].format(expr)})"


_DELETE_EMPTY = f"""DELETE FROM monitoring_meterday WHERE EXISTS (
    SELECT 1 FROM {WORK} w WHERE w.meter_id = monitoring_meterday.meter_id AND w.day = monitoring_meterday.day
    AND w.day >= %(today)s AND NOT EXISTS (
        SELECT 1 FROM monitoring_reading x WHERE x.meter_id = w.meter_id AND x.ts > w.lo AND x.ts <= w.hi))"""


def conf() -> dict:
    return {k: setting(k, v) for k, v in quality.DEFAULTS.items()}


def refresh_dirty(limit: int = 20_000, *, now: float | None = None) -> int:
    """Recompute the dirty meter-days, up to ``limit`` per transaction, until none is left; returns how many.

    Safe to run in several processes at once (each claims its own rows). ``now`` (epoch seconds) fixes the
    clock for the day in progress (tests); by default the time of each transaction."""
    d = _d()
    done = 0
    while True:
        with transaction.atomic(), connection.cursor() as cur:
            t_now = time.time() if now is None else now
            today = dt.datetime.fromtimestamp(t_now, LOCAL_TZ).date()
            params = {"limit": limit, "now": t_now, "today": today if connection.vendor == "postgresql" else today.isoformat(),
                      "computed_at": connection.ops.adapt_datetimefield_value(timezone.now())}
            cur.execute(d["create_work"])
            cur.execute(f"DELETE FROM {WORK}")
            for sql in _claim_sql(d):
                cur.execute(sql, params)
            cur.execute(f"SELECT meter_id, day FROM {WORK}")
            claimed = [(m, _as_date(day)) for m, day in cur.fetchall()]
            if not claimed:
                return done
            if connection.vendor == "postgresql":
                cur.execute(f"ANALYZE {WORK}")
                cur.execute("SET LOCAL enable_memoize = off")  # one lookup per meter-day: a cache never hits
                # JIT compiling the statement's ~100 expressions cost more than running them (≈ 1.5 s of 3 s for
                # 3,000 meter-days); the sorts of ~100 readings × the chunk's days fit in memory with 64 MB.
                cur.execute("SET LOCAL jit = off")
                cur.execute("SET LOCAL work_mem = '64MB'")
            for sql in _prepare_sql(d):
                cur.execute(sql, params)
            c = conf()
            cur.execute(_rollup_sql(d, c), params)
            if connection.vendor != "postgresql":  # PostgreSQL computes it in the rollup statement
                cur.execute(_substitution_sql(d, c), params)
            cur.execute(_DELETE_EMPTY, params)
            if connection.vendor == "postgresql":
                _sync_anomalies_pg(cur)
            else:
                _sync_anomalies(claimed)
            cur.execute(f"DELETE FROM {WORK}")
            done += len(claimed)


def _as_date(value) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(value)


def _sync_anomalies(claimed: list[tuple[int, dt.date]]) -> None:
    """Anomalies in step with the recomputed days' flags; days whose rollup was removed keep theirs."""
    keys = set(claimed)
    meter_ids = sorted({m for m, _d in keys})
    lo, hi = min(d for _m, d in keys), max(d for _m, d in keys)
    flags: dict[tuple[int, dt.date], dict[str, dict]] = {}
    for m, day, fl in MeterDay.objects.filter(meter_id__in=meter_ids, day__gte=lo, day__lte=hi).values_list(
            "meter_id", "day", "flags").iterator(chunk_size=5000):
        if (m, day) in keys:
            flags[(m, day)] = {f["kind"]: f for f in fl}
    existing: dict[tuple[int, dt.date], dict[str, Anomaly]] = {}
    for a in Anomaly.objects.filter(meter_id__in=meter_ids, day__gte=lo, day__lte=hi):
        if (a.meter_id, a.day) in keys:
            existing.setdefault((a.meter_id, a.day), {})[a.kind] = a
    new: list[Anomaly] = []
    for key in claimed:
        if key not in flags:  # no readings, today or later: the rollup is gone, anomalies untouched
            continue
        kinds, have = flags[key], existing.get(key, {})
        for kind, detail in kinds.items():
            a = have.get(kind)
            if a is None:
                new.append(Anomaly(meter_id=key[0], day=key[1], kind=kind, detail=detail))
            elif a.detail != detail and a.status == Anomaly.Status.OPEN:
                a.detail = detail
                a.save()
        for kind, a in have.items():
            if kind not in kinds and a.status == Anomaly.Status.OPEN:
                a.delete()
    if new:
        _create_logged(new)


# The claimed days' flags, one row per kind (the last flag of a kind wins, as in _sync_anomalies' dict).
_FLAGS_PG = f"""
    SELECT DISTINCT ON (md.meter_id, md.day, e.value->>'kind') md.meter_id, md.day, e.value->>'kind' AS kind,
           e.value AS detail
    FROM {WORK} w JOIN {MeterDay._meta.db_table} md ON md.meter_id = w.meter_id AND md.day = w.day
    CROSS JOIN LATERAL jsonb_array_elements(md.flags) WITH ORDINALITY AS e(value, n)
    ORDER BY md.meter_id, md.day, e.value->>'kind', e.n DESC"""

# Open anomalies of the claimed days (those with a rollup) that the flags no longer say the same: a kind no
# longer flagged (deleted) or flagged with another detail (updated). Rare; saved one by one, with the change log.
_STALE_PG = f"""
    WITH f AS ({_FLAGS_PG})
    SELECT a.id, f.detail FROM {WORK} w
    JOIN {MeterDay._meta.db_table} md ON md.meter_id = w.meter_id AND md.day = w.day
    JOIN {Anomaly._meta.db_table} a ON a.meter_id = w.meter_id AND a.day = w.day
    LEFT JOIN f ON f.meter_id = a.meter_id AND f.day = a.day AND f.kind = a.kind
    WHERE a.status = %(open)s AND (f.detail IS NULL OR f.detail <> a.detail)"""


def _sync_anomalies_pg(cur) -> None:
    """:func:`_sync_anomalies` in two statements on PostgreSQL: the new anomalies and their change records (the
    rows :func:`_create_logged` writes) in one ``INSERT … RETURNING`` chain; the few changed or vanished ones
    found in SQL and saved or deleted by the ORM as before."""
    cur.execute(_STALE_PG, {"open": Anomaly.Status.OPEN})
    stale = {pk: detail for pk, detail in cur.fetchall()}  # the day's flag of the anomaly's kind, None: gone
    for a in Anomaly.objects.filter(pk__in=stale).select_related("meter"):
        if stale[a.pk] is None:
            a.delete()
        else:
            a.detail = stale[a.pk] if isinstance(stale[a.pk], dict) else json.loads(stale[a.pk])
            a.save()
    src = current_source()
    user = src.acting_user()
    now = timezone.now()
    cur.execute(f"""
        WITH f AS ({_FLAGS_PG}),
        ins AS (
            INSERT INTO {Anomaly._meta.db_table} (created_at, updated_at, meter_id, day, kind, detail, status, note)
            SELECT %(now)s, %(now)s, meter_id, day, kind, detail, %(open)s, '' FROM f ORDER BY meter_id, day, kind
            ON CONFLICT (meter_id, day, kind) DO NOTHING
            RETURNING id, meter_id, day, kind, detail)
        INSERT INTO {ChangeRecord._meta.db_table} (time, user_id, user_name, source_kind, source_id, remote_addr,
                                                   content_type_id, object_id, object_repr, action, changes, park_id,
                                                   enterprise_id)
        SELECT %(now)s, %(user_id)s, %(user_name)s, %(source_kind)s, %(source_id)s, %(remote_addr)s, %(ct)s, ins.id::text,
               left(m.code || ' ' || to_char(ins.day, 'YYYY-MM-DD') || ' ' || COALESCE(%(labels)s::jsonb ->> ins.kind, ins.kind),
                    300),
               %(create)s,
               jsonb_build_object('id', jsonb_build_array(NULL, ins.id), 'meter_id', jsonb_build_array(NULL, ins.meter_id),
                                  'day', jsonb_build_array(NULL, to_char(ins.day, 'YYYY-MM-DD')),
                                  'kind', jsonb_build_array(NULL, ins.kind), 'detail', jsonb_build_array(NULL, ins.detail),
                                  'status', jsonb_build_array(NULL, %(open)s::text), 'note', jsonb_build_array(NULL, '')),
               m.park_id, m.enterprise_id
        FROM ins JOIN {Meter._meta.db_table} m ON m.id = ins.meter_id""",
                {"now": now, "open": Anomaly.Status.OPEN, "user_id": user.pk if user else None,
                 "user_name": user.username if user else "", "source_kind": src.kind, "source_id": src.ident[:200],
                 "remote_addr": src.remote_addr[:64], "ct": ContentType.objects.get_for_model(Anomaly, for_concrete_model=True).pk,
                 "labels": json.dumps({k: str(v) for k, v in Anomaly.Kind.choices}, ensure_ascii=False),
                 "create": ChangeRecord.Action.CREATE})


def _create_logged(objs: list[Anomaly]) -> None:
    """``bulk_create`` with the change records a ``save()`` would write (the same rows: a test compares them);
    the record's text is ``str(anomaly)`` with the kind's label looked up once, not per row. SQLite's path:
    PostgreSQL writes both in SQL (:func:`_sync_anomalies_pg`)."""
    codes = dict(Meter.objects.filter(pk__in={a.meter_id for a in objs}).values_list("pk", "code"))
    scope = {m: (p, e) for m, p, e in Meter.objects.filter(pk__in=codes).values_list("pk", "park_id", "enterprise_id")}
    labels = {k: str(v) for k, v in Anomaly.Kind.choices}
    src = current_source()
    user = src.acting_user()
    ct = ContentType.objects.get_for_model(Anomaly, for_concrete_model=True)
    now = timezone.now()
    for a in objs:
        a.created_at = a.updated_at = now
    Anomaly.objects.bulk_create(objs, batch_size=2000)
    user_id, user_name = (user.pk, user.username) if user else (None, "")
    common = {"time": now, "user_id": user_id, "user_name": user_name, "source_kind": src.kind, "source_id": src.ident[:200],
              "remote_addr": src.remote_addr[:64], "content_type_id": ct.pk, "action": ChangeRecord.Action.CREATE}
    records = []
    for a in objs:
        a._state.adding = False
        after = snapshot(a)
        park_id, enterprise_id = scope[a.meter_id]
        records.append(ChangeRecord(**common, object_id=str(a.pk),
                                    object_repr=f"{codes[a.meter_id]} {a.day} {labels.get(a.kind, a.kind)}"[:300],
                                    changes={k: [None, v] for k, v in after.items() if v is not None}, park_id=park_id,
                                    enterprise_id=enterprise_id))
        a._changelog_loaded = after
    ChangeRecord.objects.bulk_create(records, batch_size=2000)
