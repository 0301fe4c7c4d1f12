"""The ``carbonms ingest-mqtt`` sub-command (wired in carbonms/cli.py). No Django import at module level."""
from __future__ import annotations

import logging
import os
import socket


def add_ingest_parser(sub, func) -> None:
    p = sub.add_parser("ingest-mqtt", help="consume meter readings from the MQTT broker (QoS 1, shared subscription)")
    p.add_argument("--host", default=os.environ.get("MQTT_HOST", "127.0.0.1"))
    p.add_argument("--port", type=int, default=int(os.environ.get("MQTT_PORT", "1883")))
    p.add_argument("--client-id", default=os.environ.get("MQTT_CLIENT_ID") or f"carbonms-ingest-{socket.gethostname()}",
                   help="stable per consumer process: the broker keeps this session's unacknowledged messages")
    p.add_argument("--group", default=os.environ.get("MQTT_SHARE_GROUP", "carbonms"), help="shared-subscription group")
    p.add_argument("--username", default=os.environ.get("MQTT_USERNAME"))
    p.add_argument("--batch-max", type=int, default=200, help="messages stored per transaction at most")
    p.add_argument("--max-idle", type=float, default=None, help="stop after this many idle seconds (tests, batch runs)")
    p.set_defaults(func=func)


def run_consumer(args) -> int:
    from .consumer import Consumer

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    c = Consumer(host=args.host, port=args.port, client_id=args.client_id, group=args.group, username=args.username,
                 password=os.environ.get("MQTT_PASSWORD"), batch_max=args.batch_max)
    c.run(max_idle=args.max_idle)
    logging.getLogger("carbonms.monitoring.consumer").info("stopped: %s", c.stats)
    return 0
