"""``carbonms ingest-mqtt``: the MQTT consumer of the reading stream.

* Subscribes to ``$share/<group>/carbonms/v1/+/readings`` with QoS 1 over MQTT v5: several consumer
  processes with the same group share the stream (each message goes to one of them).
* Persistent session (``clean_start=False``, session expiry) under a stable client id: messages that
  arrive while the consumer is down, or that it received but had not acknowledged, are (re)delivered
  when it comes back.
* Manual acknowledgement: a message is PUBACKed only after the transaction that stored its readings
  has committed. A consumer killed before that gets the message again; the readings are idempotent on
  (meter, timestamp), so a redelivery after commit counts as duplicates, never twice.
* Messages are taken from the network thread's queue in small batches (all readings of one gateway in
  one ``ingest`` call); rollups are refreshed when the queue runs dry.

Topic: ``carbonms/v1/<gateway code>/readings``; payload: the JSON of the HTTP endpoint (one reading,
a list, or {"readings": [...]}). The broker authenticates gateways and must restrict each gateway's
MQTT user to its own topic (ACL); see docs/monitoring.md.
"""
from __future__ import annotations

import logging
import queue
import signal
import threading
import time
from collections import defaultdict
from dataclasses import dataclass

import paho.mqtt.client as mqtt
from django.db import close_old_connections
from paho.mqtt.enums import CallbackAPIVersion
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties

from . import rollups
from .ingestion import MAX_READINGS, RequestError, ingest, ingest_message, parse_json
from .models import Gateway

log = logging.getLogger("carbonms.monitoring.consumer")
TOPIC_PREFIX = "carbonms/v1"


def topic_filter(group: str) -> str:
    return f"$share/{group}/{TOPIC_PREFIX}/+/readings"


def gateway_code(topic: str) -> str | None:
    parts = topic.split("/")
    if len(parts) == 4 and "/".join(parts[:2]) == TOPIC_PREFIX and parts[3] == "readings":
        return parts[2]
    return None


@dataclass(frozen=True)
class Received:
    topic: str
    payload: bytes
    mid: int
    qos: int
    generation: int


class Consumer:
    def __init__(self, *, host: str = "127.0.0.1", port: int = 1883, client_id: str, group: str = "carbonms",
                 username: str | None = None, password: str | None = None, batch_max: int = 200,
                 batch_wait: float = 0.05, session_expiry: int = 7 * 86400, receive_maximum: int = 1000):
        self.host, self.port, self.group = host, port, group
        self.batch_max, self.batch_wait = batch_max, batch_wait
        self.messages: queue.Queue = queue.Queue()
        self.stop = threading.Event()
        self.connected = threading.Event()
        self.generation = 0  # connection number: a message is acknowledged on the connection it came on
        self.stats = {"messages": 0, "readings": 0, "accepted": 0, "duplicates": 0}
        self._gateways: dict[str, Gateway] = {}
        self._gateways_at = 0.0
        self.client = mqtt.Client(CallbackAPIVersion.VERSION2, client_id=client_id, protocol=mqtt.MQTTv5, manual_ack=True)
        if username:
            self.client.username_pw_set(username, password)
        self.client.on_connect = self._on_connect
        self.client.on_disconnect = self._on_disconnect
        self.client.on_message = self._on_message
        self.client.on_subscribe = self._on_subscribe
        self.client.reconnect_delay_set(min_delay=1, max_delay=5)
        self._props = Properties(PacketTypes.CONNECT)
        self._props.SessionExpiryInterval = session_expiry
        self._props.ReceiveMaximum = receive_maximum

    # -- network thread ------------------------------------------------------------------------
    def _on_connect(self, client, userdata, flags, reason_code, properties):
        if reason_code.is_failure:
            log.error("connect refused: %s", reason_code)
            return
        self.generation += 1
        client.subscribe(topic_filter(self.group), qos=1)
        self.connected.set()
        log.info("connected to %s:%s (session present: %s)", self.host, self.port, flags.session_present)

    def _on_subscribe(self, client, userdata, mid, reason_codes, properties):
        log.info("subscribed to %s: %s", topic_filter(self.group), [str(rc) for rc in reason_codes])

    def _on_disconnect(self, client, userdata, flags, reason_code, properties):
        self.connected.clear()
        if not self.stop.is_set():
            log.warning("disconnected (%s); reconnecting", reason_code)

    def _on_message(self, client, userdata, msg):
        self.messages.put(Received(msg.topic, msg.payload, msg.mid, msg.qos, self.generation))

    def ack(self, msg) -> None:
        """PUBACK on the connection the message came on. After a reconnect the broker redelivers the
        message itself (same session), and that copy is acknowledged instead: an old packet id could
        by then name another message."""
        if msg.generation == self.generation and self.connected.is_set():
            self.client.ack(msg.mid, msg.qos)

    # -- worker (main thread) ------------------------------------------------------------------
    def gateway(self, code: str) -> Gateway | None:
        if time.monotonic() - self._gateways_at > 30 or code not in self._gateways:
            self._gateways = {g.code: g for g in Gateway.objects.filter(is_active=True)}
            self._gateways_at = time.monotonic()
        return self._gateways.get(code)

    def _take(self) -> list:
        try:
            first = self.messages.get(timeout=0.5)
        except queue.Empty:
            return []
        out, deadline = [first], time.monotonic() + self.batch_wait
        while len(out) < self.batch_max:
            try:
                out.append(self.messages.get(timeout=max(0.0, deadline - time.monotonic())))
            except queue.Empty:
                break
        return out

    def process(self, msgs: list) -> None:
        """Store the readings of ``msgs`` and acknowledge each message after its commit."""
        close_old_connections()
        by_gateway: dict[int, list] = defaultdict(list)
        for msg in msgs:
            if msg.generation != self.generation:
                continue  # received on a connection that has gone: the broker redelivers it
            gw = self.gateway(gateway_code(msg.topic) or "")
            if gw is None:
                log.warning("message on %s: no active gateway with this code; dropped", msg.topic)
                self.ack(msg)
                continue
            try:
                items, park = parse_json(msg.payload)
                if park is not None and str(park) != str(gw.park_id):
                    raise RequestError("park", status=403)
            except RequestError:
                ingest_message(gateway=gw, body=msg.payload, channel="mqtt", reference=f"{msg.topic} mid={msg.mid}")
                self.ack(msg)  # logged as refused: a redelivery would be refused again
                continue
            by_gateway[gw.pk].append((gw, msg, items))
        for entries in by_gateway.values():
            chunk, size = [], 0
            for entry in entries:
                if chunk and size + len(entry[2]) > MAX_READINGS:
                    self._ingest(chunk)
                    chunk, size = [], 0
                chunk.append(entry)
                size += len(entry[2])
            if chunk:
                self._ingest(chunk)

    def _ingest(self, chunk: list) -> None:
        gw = chunk[0][0]
        items = [it for _g, _m, its in chunk for it in its]
        ref = f"{TOPIC_PREFIX}/{gw.code} mids={','.join(str(m.mid) for _g, m, _i in chunk)}"
        if len(items) > MAX_READINGS:  # one oversized message: refused and logged
            for _g, msg, _its in chunk:
                ingest_message(gateway=gw, body=msg.payload, channel="mqtt", reference=ref)
                self.ack(msg)
            return
        result = ingest(gateway=gw, items=items, channel="mqtt", reference=ref)  # commits
        for _g, msg, _its in chunk:
            self.ack(msg)
        self.stats["messages"] += len(chunk)
        self.stats["readings"] += len(items)
        self.stats["accepted"] += result.accepted
        self.stats["duplicates"] += result.duplicates

    def run(self, *, max_idle: float | None = None, install_signals: bool = True) -> None:
        if install_signals:
            for sig in (signal.SIGTERM, signal.SIGINT):
                signal.signal(sig, lambda *_a: self.stop.set())
        self.client.connect_async(self.host, self.port, keepalive=30, clean_start=False, properties=self._props)
        self.client.loop_start()
        idle_since, dirty = time.monotonic(), False
        try:
            while not self.stop.is_set():
                msgs = self._take()
                if msgs:
                    self.process(msgs)
                    idle_since, dirty = time.monotonic(), True
                    continue
                if dirty:
                    rollups.refresh_dirty()
                    dirty = False
                if max_idle is not None and time.monotonic() - idle_since > max_idle:
                    break
        finally:
            self.client.disconnect()
            self.client.loop_stop()
            if dirty:
                rollups.refresh_dirty()
