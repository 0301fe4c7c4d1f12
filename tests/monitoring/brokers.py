"""Helpers of the MQTT tests: the shared broker on 127.0.0.1:1883, a private Mosquitto with persistence
for the fault tests (ports 18830-18839), and a gateway publisher that records what the broker acknowledged."""
from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import threading
import time
import uuid
from pathlib import Path

from tests.conftest import service_required

MOSQUITTO = "/usr/sbin/mosquitto"
BROKER_CONF = """\
listener {port} 127.0.0.1
allow_anonymous true
persistence true
persistence_location {dir}/
autosave_interval 1
autosave_on_changes true
persistent_client_expiration 1d
max_queued_messages 0
max_inflight_messages 0
"""


def port_open(port: int, host: str = "127.0.0.1") -> bool:
    with socket.socket() as s:
        s.settimeout(0.3)
        return s.connect_ex((host, port)) == 0


def require_broker(port: int = 1883) -> None:
    if not port_open(port):
        service_required(f"Mosquitto is not listening on 127.0.0.1:{port}")


def free_port() -> int:
    for port in range(18830, 18840):
        if not port_open(port):
            return port
    service_required("no free loopback port in 18830-18839 for a private Mosquitto")


class PrivateBroker:
    """A Mosquitto with persistence on (saved on every change) that the test may stop and restart."""

    def __init__(self, workdir: Path):
        if not os.path.exists(MOSQUITTO):
            service_required(f"{MOSQUITTO} is not installed")
        self.port = free_port()
        self.dir = workdir / "mosquitto"
        self.dir.mkdir(parents=True, exist_ok=True)
        self.conf = self.dir / "mosquitto.conf"
        self.conf.write_text(BROKER_CONF.format(port=self.port, dir=self.dir))
        self.proc: subprocess.Popen | None = None

    def start(self) -> None:
        self.proc = subprocess.Popen([MOSQUITTO, "-c", str(self.conf)], stdout=subprocess.DEVNULL,
                                     stderr=open(self.dir / "log.txt", "ab"))
        deadline = time.monotonic() + 5
        while not port_open(self.port):
            if time.monotonic() > deadline:
                raise RuntimeError("private mosquitto did not start")
            time.sleep(0.05)

    def stop(self) -> None:
        """Graceful stop (SIGTERM): Mosquitto writes its persistence file on the way out."""
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=10)

    def restart(self) -> None:
        self.stop()
        self.start()

    def close(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=5)
        shutil.rmtree(self.dir, ignore_errors=True)


class Gateway:
    """A simulated gateway: publishes QoS 1 and keeps each message until the broker acknowledged it
    (paho resends unacknowledged messages after a reconnect)."""

    def __init__(self, code: str, port: int):
        import paho.mqtt.client as mqtt
        from paho.mqtt.enums import CallbackAPIVersion
        from paho.mqtt.packettypes import PacketTypes
        from paho.mqtt.properties import Properties

        self.code = code
        self.acked: set[int] = set()
        self.sent: dict[int, list[dict]] = {}
        self.lock = threading.Lock()
        self.client = mqtt.Client(CallbackAPIVersion.VERSION2, client_id=f"gw-{code}-{uuid.uuid4().hex[:6]}",
                                  protocol=mqtt.MQTTv5)
        self.client.max_inflight_messages_set(100)
        self.client.max_queued_messages_set(0)
        self.client.reconnect_delay_set(min_delay=0.2, max_delay=1)
        self.client.on_publish = self._on_publish
        props = Properties(PacketTypes.CONNECT)
        props.SessionExpiryInterval = 3600
        self.client.connect(host="127.0.0.1", port=port, clean_start=False, properties=props)
        self.client.loop_start()

    def _on_publish(self, client, userdata, mid, reason_code, properties):
        with self.lock:
            self.acked.add(mid)

    def publish(self, readings: list[dict]) -> None:
        info = self.client.publish(f"carbonms/v1/{self.code}/readings", json.dumps({"readings": readings}), qos=1)
        with self.lock:
            self.sent[info.mid] = readings

    def acknowledged_readings(self) -> list[dict]:
        with self.lock:
            return [r for mid in self.acked for r in self.sent.get(mid, [])]

    def all_acked(self) -> bool:
        with self.lock:
            return set(self.sent) <= self.acked

    def close(self) -> None:
        self.client.disconnect()
        self.client.loop_stop()
