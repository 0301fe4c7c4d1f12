"""Issue 16 item 2: a 10,000-row activity workbook, dry run and commit, the old per-row import against the
set-based one in the same run, on PostgreSQL (or SQLite).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/carbonms_importjobs .venv/bin/python bench/workbook_import.py

Prints seconds and queries per row for each, the ratios, and the machine's load (shared machine).
Targets: dry run < 5 s, commit < 10 s, and at least 10 × the per-row import.
"""
# ruff: noqa: B023 — each lambda is called at once, inside its loop iteration
from __future__ import annotations

import argparse
import io
import os
import time

from monitoring_common import fresh_database


def _enterprise(n: int, rows: int):
    from carbonms.carbondata.models import Source
    from tests.factories import EnterpriseFactory, ParkFactory, RoleAssignmentFactory, UserFactory

    ent = EnterpriseFactory(park=ParkFactory(name=f"基准园区{n}"))
    Source.objects.bulk_create([Source(enterprise=ent, code=f"S{i:04d}", name=f"燃煤锅炉{i}", category="stationary_combustion",
                                       method="fuel_combustion", material="烟煤", activity_unit="t", data_source="ledger",
                                       effective_from="2020-01-01") for i in range(-(-rows // 12))])
    user = UserFactory(username=f"bench_clerk{n}")
    RoleAssignmentFactory(user=user, role="data_clerk", park=ent.park, enterprise=ent)
    return ent, user


def _workbook(ent, rows: int) -> bytes:
    from openpyxl import load_workbook

    from carbonms.carbondata import workbook

    wb = load_workbook(io.BytesIO(workbook.build(ent, 2025)))
    ws = wb["活动数据"]
    for r in range(2, 2 + rows):
        ws.cell(row=r, column=5).value = 1000 + r % 997 + 0.25
        ws.cell(row=r, column=7).value = 50
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _timed(fn):
    from django.db import connection, reset_queries

    reset_queries()
    t = time.perf_counter()
    result = fn()
    return time.perf_counter() - t, len(connection.queries), result


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=10_000)
    ap.add_argument("--db", default=os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/carbonms_importjobs"))
    ap.add_argument("--new-only", action="store_true", help="skip the per-row import (it takes minutes at 10,000 rows)")
    args = ap.parse_args()
    fresh_database(args.db)
    import legacy_import
    from django.conf import settings
    from django.core.files.uploadedfile import SimpleUploadedFile

    from carbonms.carbondata import importer
    from carbonms.carbondata.models import ActivityRecord, DataImport

    settings.DEBUG = True  # count queries
    load0 = os.getloadavg()
    out = {}
    for label in ("per-row (before)", "set-based (now)")[1 if args.new_only else 0:]:
        ent, user = _enterprise(len(out), args.rows)
        data = _workbook(ent, args.rows)
        if label.startswith("per-row"):
            imp = DataImport.objects.create(enterprise=ent, year=2025, original_name="b.xlsx", sha256="-", uploaded_by=user,
                                            status=DataImport.Status.VALIDATED)
            dry_s, dry_q, report = _timed(lambda: legacy_import.validate_per_row(data, ent, 2025))
            assert report.ok and len(report.rows) == args.rows, report.errors[:3]
            com_s, com_q, n = _timed(lambda: legacy_import.commit_per_row(user, imp, report))
        else:
            dry_s, dry_q, (imp, report) = _timed(lambda: importer.upload(
                actor=user, enterprise=ent, year=2025, file=SimpleUploadedFile("b.xlsx", data)))
            assert report.ok and imp.n_rows == args.rows, report.errors[:3]
            com_s, com_q, n = _timed(lambda: importer.commit(actor=user, data_import=imp))
        assert n == args.rows == ActivityRecord.objects.filter(enterprise=ent).count()
        out[label] = (dry_s, dry_q, com_s, com_q)
        print(f"{label:18s} dry run {dry_s:7.2f} s ({dry_q / args.rows:5.2f} queries/row)   "
              f"commit {com_s:7.2f} s ({com_q / args.rows:5.2f} queries/row)", flush=True)
    if not args.new_only:
        (od, _, oc, _), (nd, _, nc, _) = out.values()
        print(f"rows {args.rows} on {settings.DATABASES['default']['ENGINE'].rsplit('.', 1)[-1]}: "
              f"dry run {od / nd:.1f} x faster (target < 5 s, >= 10 x), commit {oc / nc:.1f} x faster (target < 10 s, >= 10 x)")
    print(f"load average before {load0[0]:.2f} {load0[1]:.2f} {load0[2]:.2f}, after "
          + " ".join(f"{x:.2f}" for x in os.getloadavg()) + f"; {os.cpu_count()} CPUs")


if __name__ == "__main__":
    main()
