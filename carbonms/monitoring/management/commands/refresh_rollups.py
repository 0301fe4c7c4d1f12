"""Recompute the daily rollups of the meter-days the ingestion marked dirty.

    carbonms manage refresh_rollups            # once, until nothing is dirty
    carbonms manage refresh_rollups --every 10 # keep going (a rollup worker beside MONITORING_ROLLUP=off)
"""
from __future__ import annotations

import time

from django.core.management.base import BaseCommand

from carbonms.changelog.context import change_source
from carbonms.monitoring.rollups import refresh_dirty


class Command(BaseCommand):
    help = "Recompute the daily rollups of dirty meter-days (see docs/monitoring.md)."

    def add_arguments(self, parser):
        parser.add_argument("--every", type=float, default=None, help="repeat every N seconds until stopped")

    def handle(self, *args, every=None, **options):
        with change_source("command", "refresh_rollups"):
            while True:
                n = refresh_dirty()
                self.stdout.write(f"{n} meter-day(s) recomputed")
                if every is None:
                    return
                time.sleep(every)
