"""Helpers of the MQTT tests: the shared broker on 127.0.0.1:1883, a private Mosquitto with persistence
for the fault tests (ports 18830-18839), and a gateway publisher that records what the broker acknowledged."""
from __future__ import annotations

import getpass
import json
import os
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
user {user}
persistence true
persistence_location {dir}/
autosave_interval 1
autosave_on_changes true
persistent_client_expiration 1d
max_queued_messages 0
max_inflight_messages 0
log_type all
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
        self.conf.write_text(BROKER_CONF.format(port=self.port, dir=self.dir, user=getpass.getuser()))
        self.log = open(self.dir / "log.txt", "ab")  # noqa: SIM115 - kept open for the broker's lifetime
        self.proc: subprocess.Popen | None = None

    def start(self) -> None:
        self.proc = subprocess.Popen([MOSQUITTO, "-c", str(self.conf)], stdout=subprocess.DEVNULL,
                                     stderr=self.log)
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
        self.log.close()


class Gateway:
    """A simulated gateway: publishes QoS 1 and keeps each message until the broker acknowledged it with
    success. paho resends unacknowledged messages after a reconnect; a PUBACK with reason code 0x10
    ("no matching subscribers": nobody will store it, e.g. right after a broker restart, before the
    consumers are back) is not a receipt either: the gateway sends the message again a little later."""

    NO_MATCHING_SUBSCRIBERS = 16

    def __init__(self, code: str, port: int):
        import paho.mqtt.client as mqtt
        from paho.mqtt.enums import CallbackAPIVersion
        from paho.mqtt.packettypes import PacketTypes
        from paho.mqtt.properties import Properties

        self.code = code
        self.messages: list[list[dict]] = []  # logical messages
        self.by_mid: dict[int, int] = {}
        self.early: dict[int, int] = {}
        self.acked: set[int] = set()  # logical messages acknowledged with success
        self.retries = 0
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

    def _send(self, n: int) -> None:
        # never hold self.lock while calling paho: its network thread calls _on_publish under its own lock
        info = self.client.publish(f"carbonms/v1/{self.code}/readings", json.dumps({"readings": self.messages[n]}), qos=1)
        with self.lock:
            early = self.early.pop(info.mid, None)
            if early is None:
                self.by_mid[info.mid] = n
        if early is not None:
            self._settle(n, early)

    def _on_publish(self, client, userdata, mid, reason_code, properties):
        code = getattr(reason_code, "value", 0)
        with self.lock:
            n = self.by_mid.pop(mid, None)
            if n is None:
                self.early[mid] = code  # acknowledged before publish() returned its mid
                return
        self._settle(n, code)

    def _settle(self, n: int, code: int) -> None:
        if code == self.NO_MATCHING_SUBSCRIBERS:
            self.retries += 1
            threading.Timer(0.3, self._send, args=[n]).start()
            return
        with self.lock:
            self.acked.add(n)

    def publish(self, readings: list[dict]) -> None:
        with self.lock:
            self.messages.append(readings)
            n = len(self.messages) - 1
        self._send(n)

    def acknowledged_readings(self) -> list[dict]:
        with self.lock:
            return [r for n in self.acked for r in self.messages[n]]

    def all_acked(self) -> bool:
        with self.lock:
            return len(self.acked) == len(self.messages)

    def close(self) -> None:
        self.client.disconnect()
        self.client.loop_stop()
