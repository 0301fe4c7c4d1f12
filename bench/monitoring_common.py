"""Shared set-up of the monitoring benchmarks: a database with one park, one enterprise, one gateway
and M meters (migrated from scratch), and helpers to build reading payloads."""
from __future__ import annotations

import datetime as dt
import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
PG_URL = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/carbonms_bench")
T0 = int(dt.datetime(2026, 1, 1, tzinfo=dt.timezone(dt.timedelta(hours=8))).timestamp())


def setup_django(database_url: str) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DEBUG", "1")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "carbonms.config.settings")
    import django

    django.setup()


def fresh_database(database_url: str) -> None:
    """Drop and recreate the benchmark database (PostgreSQL) or file (SQLite), then migrate."""
    if database_url.startswith("postgres"):
        import psycopg

        base, name = database_url.rsplit("/", 1)
        with psycopg.connect(base + "/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{name}"')
    else:
        path = Path(database_url.removeprefix("sqlite:///"))
        for suffix in ("", "-wal", "-shm"):
            Path(str(path) + suffix).unlink(missing_ok=True)
    setup_django(database_url)
    from django.core.management import call_command

    call_command("migrate", "--no-input", "-v", "0")


def make_park(n_meters: int, *, rate_limit: int = 1_000_000):
    """One park, enterprise, gateway (with token) and ``n_meters`` interval meters. Returns (gateway, token, codes)."""
    from carbonms.monitoring.models import Gateway, Meter
    from carbonms.monitoring.services import _new_token
    from carbonms.organizations.models import Enterprise, Park
    from tests.factories import make_credit_code

    park = Park.objects.create(name="基准园区", province="320000", city="南通市", zone_type="national_etdz")
    ent = Enterprise.objects.create(park=park, name="基准企业有限公司", credit_code=make_credit_code(1), industry_code="3120",
                                    industry_name="炼钢")
    gw = Gateway(park=park, enterprise=ent, code="bench-gw", name="bench", rate_limit_per_minute=rate_limit)
    token = _new_token(gw)
    gw.save()
    installed = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
    Meter.objects.bulk_create([Meter(park=park, enterprise=ent, gateway=gw, code=f"M{i:05d}", name=f"表{i}", meter_type="electricity",
                                     unit="kWh", reading_kind="interval", interval_minutes=15, installed_at=installed)
                               for i in range(n_meters)])
    return gw, token, [f"M{i:05d}" for i in range(n_meters)]


def readings(codes: list[str], start_interval: int, n_intervals: int) -> list[dict]:
    """All meters for ``n_intervals`` consecutive 15-minute intervals (epoch timestamps)."""
    return [{"meter": c, "ts": T0 + 900 * (start_interval + i + 1), "value": round(1 + (i * 7 + j) % 50 / 10, 1)}
            for i in range(n_intervals) for j, c in enumerate(codes)]


def body(items: list[dict]) -> bytes:
    return json.dumps({"readings": items}, separators=(",", ":")).encode()
