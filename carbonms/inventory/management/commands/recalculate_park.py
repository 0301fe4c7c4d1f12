"""Recalculate a park's year as a job split by enterprise (carbonms.inventory.recalc; docs/scaling.md).

    carbonms manage recalculate_park --park 1 --year 2025 --user park_officer [--parts 8] [--reason …]

With Celery workers (CELERY_BROKER_URL set) the parts are queued and the command waits for the run; on
the embedded default they run here, one after the other.
"""
from __future__ import annotations

import time

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError

from carbonms.accounts.models import User
from carbonms.changelog.context import change_source
from carbonms.inventory import recalc
from carbonms.inventory.models import RecalcJob
from carbonms.organizations.models import Park


class Command(BaseCommand):
    help = "Recalculate a park's year over the Celery workers, split by enterprise."

    def add_arguments(self, parser):
        parser.add_argument("--park", type=int, required=True)
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--user", required=True, help="the user the run is recorded for (needs data.change on the park)")
        parser.add_argument("--parts", type=int, default=8)
        parser.add_argument("--reason", default="")
        parser.add_argument("--timeout", type=float, default=3600)

    def handle(self, *args, park, year, user, parts, reason, timeout, **options):
        try:
            actor = User.objects.get(username=user)
            the_park = Park.objects.get(pk=park)
        except (User.DoesNotExist, Park.DoesNotExist) as exc:
            raise CommandError(str(exc)) from exc
        t = time.perf_counter()
        with change_source("command", "recalculate_park"):
            try:
                job = recalc.start(actor=actor, park=the_park, year=year, parts=parts, reason=reason)
            except (ValidationError, PermissionDenied) as exc:
                raise CommandError("; ".join(getattr(exc, "messages", [str(exc)]))) from exc
        while job.status == RecalcJob.Status.RUNNING and time.perf_counter() - t < timeout:
            time.sleep(0.5)
            job.refresh_from_db()
        if job.status != RecalcJob.Status.DONE:
            raise CommandError(f"job {job.pk}: {job.status} {'; '.join(job.error)}")
        self.stdout.write(f"run {job.run_id}: {job.run.n_results} results in {job.n_parts} parts, "
                          f"{time.perf_counter() - t:.2f} s")
