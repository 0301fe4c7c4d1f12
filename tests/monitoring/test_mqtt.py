"""The MQTT consumer against the real Mosquitto on 127.0.0.1:1883 (skips without it; fails under CI)."""
from __future__ import annotations

import time
import uuid

import pytest

from carbonms.monitoring import storage
from carbonms.monitoring.consumer import Consumer, gateway_code, topic_filter
from carbonms.monitoring.models import IngestBatch, MeterDay

from .brokers import Gateway, require_broker
from .factories import JAN1, MeterFactory, day_of_readings, gateway_with_token

pytestmark = pytest.mark.mqtt


@pytest.fixture
def clean_readings(transactional_db):
    yield
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("DELETE FROM monitoring_reading")


def wait_for(pred, timeout=10.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if pred():
            return True
        time.sleep(0.05)
    return False


def test_topic_schema():
    assert gateway_code("carbonms/v1/gw-1/readings") == "gw-1"
    assert gateway_code("carbonms/v1/gw-1/other") is None
    assert topic_filter("g") == "$share/g/carbonms/v1/+/readings"


def test_consumer_stores_queued_messages_once_and_logs_malformed(world, clean_readings):
    require_broker()
    tag = uuid.uuid4().hex[:8]
    gw, _token = gateway_with_token(world.e1.enterprise, code=f"gw-{tag}")
    m = MeterFactory(enterprise=gw.enterprise)
    client_id, group = f"test-consumer-{tag}", f"g{tag}"
    # First run creates the persistent session and its shared subscription.
    first = Consumer(port=1883, client_id=client_id, group=group)
    first.run(max_idle=1.0, install_signals=False)
    # The consumer is down: the broker keeps the messages for its session.
    pub = Gateway(gw.code, 1883)
    items = day_of_readings(m.code, JAN1, value=lambda i: 1.0 + i % 4)
    pub.publish(items[:48])
    pub.publish(items[48:])
    pub.publish(items[:10])  # a resend
    pub.client.publish(f"carbonms/v1/{gw.code}/readings", b"{not json", qos=1)
    assert wait_for(pub.all_acked)
    pub.close()
    second = Consumer(port=1883, client_id=client_id, group=group)
    second.run(max_idle=1.5, install_signals=False)
    assert storage.count([m.pk]) == 96
    batches = IngestBatch.objects.filter(gateway=gw)
    assert sum(b.n_accepted for b in batches) == 96 and sum(b.n_duplicate for b in batches) == 10
    assert any(b.errors and b.errors[0]["code"] == "malformed" for b in batches)
    day = MeterDay.objects.get(meter=m)
    assert day.measured == pytest.approx(sum(r["value"] for r in items)) and day.completeness == 1.0
    # Nothing is left unacknowledged in the session: a third run gets nothing.
    third = Consumer(port=1883, client_id=client_id, group=group)
    third.run(max_idle=1.0, install_signals=False)
    assert third.stats["messages"] == 0
