from django.core.management.base import BaseCommand

from carbonms.carbondata.retention import purge_refused_uploads
from carbonms.changelog.context import change_source


class Command(BaseCommand):
    help = ("Delete the files of refused or abandoned workbook imports older than REFUSED_UPLOAD_RETENTION_DAYS; "
            "their records (hash, uploader, errors) are kept.")

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=None, help="retention in days (default: the setting)")

    def handle(self, *args, **opts):
        with change_source("command", "purge_refused_uploads"):
            result = purge_refused_uploads(days=opts["days"])
        self.stdout.write("purged {purged} file(s), {bytes} bytes (older than {days} days)".format(**result))
