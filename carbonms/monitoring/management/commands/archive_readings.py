from django.core.management.base import BaseCommand, CommandError

from carbonms.changelog.context import change_source
from carbonms.monitoring import archive


class Command(BaseCommand):
    help = ("Move the months of readings older than READING_RETENTION_MONTHS (at least 60) to compressed archive files; "
            "the daily rollups stay. --restore YYYY-MM brings an archived month back.")

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="list the months that are due, change nothing")
        parser.add_argument("--months", type=int, default=None, help="retention in months (default: the setting)")
        parser.add_argument("--restore", metavar="YYYY-MM", help="restore one archived month")

    def handle(self, *args, **opts):
        try:
            if opts["restore"]:
                year, month = (int(x) for x in opts["restore"].split("-"))
                with change_source("command", "archive_readings"):
                    n = archive.restore_month(year, month)
                self.stdout.write(f"{opts['restore']}: {n} readings restored")
                return
            with change_source("command", "archive_readings"):
                done = archive.archive_due(months=opts["months"], dry_run=opts["dry_run"])
        except (ValueError, archive.ArchiveDamaged, archive.ReadingArchive.DoesNotExist) as exc:
            raise CommandError(str(exc)) from None
        except archive.ImproperlyConfigured as exc:
            raise CommandError(str(exc)) from None
        if not done:
            self.stdout.write("nothing is due")
        for d in done:
            rows = "due" if d["rows"] is None else f"{d['rows']} readings"
            self.stdout.write(f"{d['month']}: {rows} → {d['file']}")
