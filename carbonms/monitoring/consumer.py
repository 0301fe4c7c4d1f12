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
from django.db import InterfaceError, OperationalError, close_old_connections, connection, transaction
from django.utils.translation import gettext as _
from paho.mqtt.enums import CallbackAPIVersion
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties

from . import rollups
from .ingestion import (
    MAX_READINGS,
    MAX_REQUEST_BYTES,
    RequestError,
    ingest,
    parse_json,
    record_rejected,
    reject_message,
    setting,
)
from .models import Gateway

log = logging.getLogger("carbonms.monitoring.consumer")
TOPIC_PREFIX = "carbonms/v1"
DB_ERRORS = (OperationalError, InterfaceError)


class DatabaseUnavailable(Exception):
    """The database cannot be reached: nothing is acknowledged, the batch is retried."""


def database_reachable() -> bool:
    """After a database error: can a fresh connection run a query? (No: an outage. Yes: the error came
    from the message.)"""
    try:
        connection.close()
        with connection.cursor() as cur:
            cur.execute("SELECT 1")
        return True
    except Exception:  # noqa: BLE001 - any failure to connect is an outage
        return False


def _internal(exc: Exception) -> dict:
    return {"index": None, "field": None, "code": "internal_error",
            "message": _("The message could not be processed (%(error)s).") % {"error": type(exc).__name__}}


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
        self.subscribed = threading.Event()
        self.generation = 0  # connection number: a message is acknowledged on the connection it came on
        self.stats = {"messages": 0, "readings": 0, "accepted": 0, "duplicates": 0, "rejected": 0}
        self._done: set[tuple[int, int]] = set()
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
        self.subscribed.set()
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

    def _settle(self, msg) -> None:
        """Acknowledge a message whose outcome has committed (stored and/or kept as rejected)."""
        self._done.add((msg.generation, msg.mid))
        self.ack(msg)

    def process(self, msgs: list) -> None:
        """Store the readings of ``msgs``, keep their refused part, and acknowledge each message after its
        commit. A database outage propagates (as :class:`DatabaseUnavailable`) with the messages not
        acknowledged; anything else that goes wrong with one message makes that message a rejected one."""
        close_old_connections()
        by_gateway: dict[int, list] = defaultdict(list)
        for msg in msgs:
            if msg.generation != self.generation or (msg.generation, msg.mid) in self._done:
                continue  # received on a connection that has gone (the broker redelivers it), or settled
            gw = self._db(self.gateway, gateway_code(msg.topic) or "")
            if gw is None:
                log.warning("message on %s: no active gateway with this code; dropped", msg.topic)
                self._settle(msg)
                continue
            try:
                items = self._parse(gw, msg)
            except RequestError as exc:
                self._reject(gw, msg, error=exc)
                continue
            except Exception as exc:  # noqa: BLE001 - one message must never stop the consumer
                log.exception("message on %s mid=%s could not be read", msg.topic, msg.mid)
                self._reject(gw, msg, reason=_internal(exc))
                continue
            by_gateway[gw.pk].append((gw, msg, items))
        for entries in by_gateway.values():
            chunk, size = [], 0
            for entry in entries:
                if chunk and size + len(entry[2]) > MAX_READINGS:
                    self._store_or_isolate(chunk)
                    chunk, size = [], 0
                chunk.append(entry)
                size += len(entry[2])
            if chunk:
                self._store_or_isolate(chunk)

    @staticmethod
    def _parse(gw: Gateway, msg) -> list:
        limit = int(setting("MAX_MESSAGE_BYTES", setting("MAX_REQUEST_BYTES", MAX_REQUEST_BYTES)))
        if len(msg.payload) > limit:
            raise RequestError(_("The message is larger than %(mb)s MB.") % {"mb": f"{limit / 1048576:g}"},
                               status=413, code="too_large")
        items, park = parse_json(msg.payload)
        if park is not None and str(park) != str(gw.park_id):
            raise RequestError(_("This gateway belongs to another park."), status=403, code="wrong_park")
        if len(items) > MAX_READINGS:
            raise RequestError(_("Too many readings: %(n)d in one request (at most %(max)d).")
                               % {"n": len(items), "max": MAX_READINGS}, status=413, code="too_large")
        return items

    def _db(self, fn, *args, **kwargs):
        """Run ``fn``; a database error while the database cannot be reached is an outage."""
        try:
            return fn(*args, **kwargs)
        except DB_ERRORS as exc:
            if not database_reachable():
                raise DatabaseUnavailable(str(exc)) from exc
            raise

    def _reject(self, gw: Gateway, msg, *, error: RequestError | None = None, reason: dict | None = None) -> None:
        """Keep a whole message as rejected, then acknowledge it (a redelivery would be refused again)."""
        try:
            self._db(reject_message, gateway=gw, topic=msg.topic, body=msg.payload, error=error, reason=reason,
                     reference=f"{msg.topic} mid={msg.mid}")
        except DatabaseUnavailable:
            raise
        except Exception:  # noqa: BLE001 - the record could not be written; the message is logged, not retried forever
            log.exception("message on %s mid=%s refused and not recorded: %r", msg.topic, msg.mid, bytes(msg.payload[:500]))
        self.stats["rejected"] += 1
        self._settle(msg)

    def _store_or_isolate(self, chunk: list) -> None:
        """Store a chunk in one transaction; if it fails for another reason than an outage, store its
        messages one by one, so that only the message at fault becomes a rejected one."""
        try:
            self._db(self._ingest, chunk)
            return
        except DatabaseUnavailable:
            raise
        except Exception as exc:  # noqa: BLE001 - isolate the message at fault
            if len(chunk) == 1:
                _gw, msg, _items = chunk[0]
                log.exception("message on %s mid=%s failed; kept as rejected", msg.topic, msg.mid)
                self._reject(chunk[0][0], msg, reason=_internal(exc))
                return
        for entry in chunk:
            self._store_or_isolate([entry])

    def _ingest(self, chunk: list) -> None:
        """One transaction: the valid readings of the chunk's messages, and per message its refused
        readings as a RejectedMessage; then every message of the chunk is acknowledged."""
        gw = chunk[0][0]
        items = [it for _g, _m, its in chunk for it in its]
        ref = f"{TOPIC_PREFIX}/{gw.code} mids={','.join(str(m.mid) for _g, m, _i in chunk)}"
        with transaction.atomic():
            result = ingest(gateway=gw, items=items, channel="mqtt", reference=ref)
            offset, by_message = 0, []
            for _g, msg, its in chunk:
                by_message.append((msg, its, offset))
                offset += len(its)
            errors = iter(sorted(result.errors, key=lambda e: e["index"]))
            err = next(errors, None)
            for msg, its, start in by_message:
                mine = []
                while err is not None and err["index"] < start + len(its):
                    mine.append({**err, "index": err["index"] - start})
                    err = next(errors, None)
                if mine:
                    record_rejected(gateway=gw, topic=msg.topic, payload=[its[e["index"]] for e in mine], reasons=mine,
                                    n_rejected=len(mine), n_accepted=len(its) - len(mine), batch_id=result.batch_id)
        for _g, msg, _its in chunk:
            self._settle(msg)
        self.stats["messages"] += len(chunk)
        self.stats["readings"] += len(items)
        self.stats["accepted"] += result.accepted
        self.stats["duplicates"] += result.duplicates
        self.stats["rejected"] += sum(1 for _m, its, st in by_message if any(st <= e["index"] < st + len(its) for e in result.errors))

    def handle(self, msgs: list) -> bool:
        """Process ``msgs`` until each is settled. While the database is unreachable nothing is acknowledged:
        the batch is retried with a growing pause (the broker keeps the messages for the session if the
        consumer is stopped meanwhile). Returns False when stopped before the batch was settled."""
        self._done = set()
        delay = 1.0
        while True:
            try:
                self.process(msgs)
                return True
            except (DatabaseUnavailable, *DB_ERRORS) as exc:
                log.error("database unavailable (%s): %d message(s) not acknowledged; retry in %.0f s", exc, len(msgs), delay)
                close_old_connections()
            except Exception:  # noqa: BLE001 - never die: the messages stay unacknowledged in the session
                log.exception("unexpected error; %d message(s) left unacknowledged for redelivery", len(msgs))
                return False
            if self.stop.wait(delay):
                return False
            delay = min(delay * 2, 30.0)

    def refresh(self) -> None:
        try:
            rollups.refresh_dirty()
        except Exception:  # noqa: BLE001 - the dirty days stay queued; the next refresh takes them
            log.exception("rollup refresh failed; will retry")

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
                    self.handle(msgs)
                    idle_since, dirty = time.monotonic(), True
                    continue
                if dirty:
                    self.refresh()
                    dirty = False
                if max_idle is not None and time.monotonic() - idle_since > max_idle:
                    break
        finally:
            self.client.disconnect()
            self.client.loop_stop()
            if dirty:
                self.refresh()
