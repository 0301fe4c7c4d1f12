"""The acceptance scenario of issue 5, against a real Mosquitto and PostgreSQL.

A simulated park of gateways publishes a day of 15-minute data over MQTT to two consumer processes
(shared subscription) while one consumer is killed (SIGKILL) and restarted and the broker restarts
once. Then every reading the broker acknowledged to a gateway is in the database exactly once, the
daily rollups equal the sum of the readings and the draft activity data equals the rollups.

The consumers are real ``carbonms ingest-mqtt`` processes on the test database, so the test needs
committed data (transactional) and PostgreSQL (the SQLite test database lives in memory, in this
process). The broker is a private Mosquitto with persistence on a port of 18830-18839.
"""
from __future__ import annotations

import datetime as dt
import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

import pytest
from django.db import connection

from carbonms.carbondata.models import ActivityRecord
from carbonms.monitoring import rollups
from carbonms.monitoring.activity import rollup_to_activity
from carbonms.monitoring.models import IngestBatch, MeterDay
from tests.carbondata.factories import ElectricitySourceFactory

from .brokers import Gateway, PrivateBroker
from .factories import LOCAL, MeterFactory, MeterFeedFactory, gateway_with_token

pytestmark = [pytest.mark.mqtt, pytest.mark.postgres]
ROOT = Path(__file__).resolve().parents[2]
DAY = dt.datetime(2026, 1, 5, tzinfo=LOCAL)
N_GATEWAYS, N_METERS, N_INTERVALS = 4, 10, 96


@pytest.fixture
def pg(transactional_db):
    if connection.vendor != "postgresql":
        pytest.skip("runs on the PostgreSQL run of the suite: consumer processes need a shared database")
    yield
    with connection.cursor() as cur:
        cur.execute("DELETE FROM monitoring_reading")


def start_consumer(port: int, client_id: str, log: Path) -> subprocess.Popen:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "carbonms.config.settings_test",
           "DATABASE_URL": f"postgres://{connection.settings_dict['USER']}@{connection.settings_dict['HOST']}:"
                           f"{connection.settings_dict['PORT'] or 5432}/{connection.settings_dict['NAME']}"}
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    return subprocess.Popen([sys.executable, "-m", "carbonms.cli", "ingest-mqtt", "--port", str(port), "--client-id", client_id,
                             "--group", "fault-test", "--batch-max", "50"], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=open(log, "ab"))  # noqa: SIM115


def subscriptions(log: Path) -> int:
    return log.read_text().count("subscribed to") if log.exists() else 0


def reading_value(g: int, m: int, i: int) -> float:
    return float(1 + (g * 7 + m * 3 + i) % 11) / 4  # exact in binary: sums compare exactly


def wait_for(pred, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if pred():
            return True
        time.sleep(0.1)
    return pred()


def stored(meter_ids) -> dict[tuple[int, float], float]:
    """The readings of these meters (other transactional tests may have left readings of theirs)."""
    with connection.cursor() as cur:
        cur.execute("SELECT meter_id, extract(epoch from ts)::float8, value FROM monitoring_reading WHERE meter_id = ANY(%s)",
                    [list(meter_ids)])
        return {(m, t): v for m, t, v in cur.fetchall()}


def test_kill_consumer_and_restart_broker_lose_nothing_and_count_once(world, pg, tmp_path):
    ent = world.e1.enterprise
    gateways, meters, sources = [], {}, []
    for g in range(N_GATEWAYS):
        gw, _token = gateway_with_token(ent, code=f"fault-gw-{g}")
        gateways.append(gw)
        for m in range(N_METERS):
            meters[(g, m)] = MeterFactory(enterprise=ent, code=f"F{g}-{m:02d}", gateway=gw)
    # every meter feeds its own source; the first meter also feeds a second one (60 % / 40 %)
    for (g, m), meter in meters.items():
        src = ElectricitySourceFactory(enterprise=ent)
        sources.append(src)
        MeterFeedFactory(meter=meter, source=src, share=Decimal("0.6") if (g, m) == (0, 0) else Decimal(1))
    ids = [m.pk for m in meters.values()]
    split = ElectricitySourceFactory(enterprise=ent)
    MeterFeedFactory(meter=meters[(0, 0)], source=split, share=Decimal("0.4"))

    broker = PrivateBroker(tmp_path)
    broker.start()
    log = tmp_path / "consumers.log"
    consumers = {cid: start_consumer(broker.port, cid, log) for cid in ("fault-a", "fault-b")}
    pubs: list[Gateway] = []
    try:
        # the consumers connect and subscribe (their sessions then survive anything)
        assert wait_for(lambda: subscriptions(log) >= 2, 30), log.read_text()
        pubs = [Gateway(gw.code, broker.port) for gw in gateways]
        faults_done = []

        def publish_all():
            for i in range(N_INTERVALS):
                ts = (DAY + dt.timedelta(minutes=15 * (i + 1))).isoformat()
                for g, pub in enumerate(pubs):
                    pub.publish([{"meter": meters[(g, m)].code, "ts": ts, "value": reading_value(g, m, i)}
                                 for m in range(N_METERS)])
                time.sleep(0.03)
                if i == 30:
                    consumers["fault-a"].kill()  # SIGKILL mid-stream: no clean shutdown, nothing acknowledged
                    consumers["fault-a"].wait()
                    faults_done.append("consumer killed")
                if i == 40:
                    consumers["fault-a"] = start_consumer(broker.port, "fault-a", log)
                    wait_for(lambda: subscriptions(log) >= 3, 30)
                    faults_done.append("consumer restarted")
                if i == 60:
                    broker.restart()  # SIGTERM: Mosquitto saves its persistence file, then starts again
                    faults_done.append("broker restarted")

        t = threading.Thread(target=publish_all)
        t.start()
        t.join(timeout=60)
        assert faults_done == ["consumer killed", "consumer restarted", "broker restarted"]
        assert wait_for(lambda: all(p.all_acked() for p in pubs), 30), "the gateways' messages were not all acknowledged"
        expected = {}
        for g, p in enumerate(pubs):
            for r in p.acknowledged_readings():
                meter = next(mt for (gg, _m), mt in meters.items() if gg == g and mt.code == r["meter"])
                expected[(meter.pk, dt.datetime.fromisoformat(r["ts"]).timestamp())] = r["value"]
        assert len(expected) == N_GATEWAYS * N_METERS * N_INTERVALS
        if not wait_for(lambda: len(stored(ids)) >= len(expected), 30):
            missing = sorted({int((t - DAY.timestamp()) // 900) for k, t in [(k, k[1]) for k in expected] if k not in stored(ids)})
            pytest.fail(f"stored {len(stored(ids))} of {len(expected)}; intervals missing: {missing}")
    finally:
        for p in pubs:
            p.close()
        for proc in consumers.values():
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        for proc in consumers.values():
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
        broker.close()

    # Every acknowledged reading exactly once, with its value; nothing else.
    rows = stored(ids)
    assert rows == expected
    batches = IngestBatch.objects.filter(gateway__in=gateways)
    assert sum(b.n_accepted for b in batches) == len(expected)
    assert sum(b.n_rejected for b in batches) == 0
    # Both consumer processes took part (shared subscription): each logs its counts when it stops.
    stops = re.findall(r"stopped: \{'messages': (\d+)", log.read_text())
    assert sum(1 for n in stops if int(n) > 0) >= 2, stops

    # Rollups equal the sum of the readings.
    rollups.refresh_dirty()
    per_meter = defaultdict(float)
    for (mid, _t), v in rows.items():
        per_meter[mid] += v
    days = {d.meter_id: d for d in MeterDay.objects.filter(day=DAY.date())}
    for meter in meters.values():
        assert days[meter.pk].measured == per_meter[meter.pk]
        assert days[meter.pk].completeness == 1.0 and days[meter.pk].substituted == 0

    # The draft activity data equals the rollups (kWh → MWh, with the shares).
    clerk = world.users["data_clerk"]
    results = rollup_to_activity(actor=clerk, enterprise=ent, year=2026, month=1)
    assert {r["outcome"] for r in results} == {"created"}
    for (g, m), meter in meters.items():
        share = Decimal("0.6") if (g, m) == (0, 0) else Decimal(1)
        rec = ActivityRecord.objects.get(source=meter.feeds.get(share=share).source, year=2026, month=1, is_current=True)
        assert rec.status == "draft" and rec.origin == "meter"
        assert rec.amount == (Decimal(repr(per_meter[meter.pk])) * share / 1000).quantize(Decimal("0.000001"))
        assert rec.evidence.filter(kind="meter").count() == 1
    rec = ActivityRecord.objects.get(source=split, year=2026, month=1)
    assert rec.amount == (Decimal(repr(per_meter[meters[(0, 0)].pk])) * Decimal("0.4") / 1000).quantize(Decimal("0.000001"))
