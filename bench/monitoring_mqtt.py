"""Readings through MQTT end to end: from the first publish to the last row committed.

Usage: .venv/bin/python bench/monitoring_mqtt.py [--db postgres|sqlite] [--meters M] [--intervals N]
       [--consumers C] [--per-message K] [--port 1883]

Fresh benchmark database; C ``carbonms ingest-mqtt`` processes (shared subscription, fresh group) are
started and subscribed first; one publisher sends M × N readings in QoS 1 messages of K readings each
(payloads serialised before the clock starts). The clock stops when the database holds every reading.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

from monitoring_common import PG_URL, ROOT, fresh_database, make_park, readings


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--db", choices=["postgres", "sqlite"], default="postgres")
    ap.add_argument("--meters", type=int, default=1000)
    ap.add_argument("--intervals", type=int, default=200)
    ap.add_argument("--consumers", type=int, default=2)
    ap.add_argument("--per-message", type=int, default=1000)
    ap.add_argument("--port", type=int, default=1883)
    args = ap.parse_args()
    url = PG_URL if args.db == "postgres" else "sqlite:////tmp/carbonms_bench_mqtt.sqlite3"
    fresh_database(url)
    gw, _token, codes = make_park(args.meters)
    items = readings(codes, 0, args.intervals)
    payloads = [json.dumps({"readings": items[i:i + args.per_message]}, separators=(",", ":"))
                for i in range(0, len(items), args.per_message)]
    tag = uuid.uuid4().hex[:6]
    env = {**os.environ, "DATABASE_URL": url, "DEBUG": "1", "DJANGO_SETTINGS_MODULE": "carbonms.config.settings"}
    log = open(f"/tmp/bench_mqtt_{tag}.log", "w")  # noqa: SIM115
    procs = [subprocess.Popen([sys.executable, "-m", "carbonms.cli", "ingest-mqtt", "--port", str(args.port), "--client-id",
                               f"bench-{tag}-{i}", "--group", f"bench{tag}"], cwd=ROOT, env=env, stdout=log, stderr=log)
             for i in range(args.consumers)]
    try:
        deadline = time.time() + 60
        while Path(log.name).read_text().count("subscribed to") < args.consumers and time.time() < deadline:
            time.sleep(0.2)
        import paho.mqtt.client as mqtt
        from paho.mqtt.enums import CallbackAPIVersion

        acked = set()
        pub = mqtt.Client(CallbackAPIVersion.VERSION2, client_id=f"bench-pub-{tag}", protocol=mqtt.MQTTv5)
        pub.max_inflight_messages_set(200)
        pub.on_publish = lambda c, u, mid, rc, p: acked.add(mid)
        pub.connect("127.0.0.1", args.port)
        pub.loop_start()
        from carbonms.monitoring import storage

        t0 = time.perf_counter()
        for p in payloads:
            pub.publish(f"carbonms/v1/{gw.code}/readings", p, qos=1)
        while len(acked) < len(payloads):
            time.sleep(0.01)
        t_pub = time.perf_counter() - t0
        while storage.count() < len(items) and time.perf_counter() - t0 < 900:
            time.sleep(0.05)
        elapsed = time.perf_counter() - t0
        stored = storage.count()
        pub.loop_stop()
        pub.disconnect()
    finally:
        for p in procs:
            p.terminate()
        for p in procs:
            p.wait()
    print(f"database: {args.db}; {len(items)} readings in {len(payloads)} messages of {args.per_message}; consumers {args.consumers}")
    print(f"publish (broker PUBACKs) {t_pub:.2f} s; end to end (all rows committed) {elapsed:.2f} s = {len(items) / elapsed:,.0f} readings/s")
    print(f"zero loss: stored {stored} of {len(items)} -> {'OK' if stored == len(items) else 'LOSS'}")


if __name__ == "__main__":
    main()
