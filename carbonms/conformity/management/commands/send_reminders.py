from django.core.management.base import BaseCommand

from carbonms.changelog.context import change_source
from carbonms.conformity.reminders import run_reminders


class Command(BaseCommand):
    help = "Find reviews, evaluations, corrective actions, decisions and training due or overdue; update the task lists."

    def add_arguments(self, parser):
        parser.add_argument("--email", action="store_true", help="also e-mail new tasks to users with an address")

    def handle(self, *args, **opts):
        with change_source("command", "send_reminders"):
            result = run_reminders(email=opts["email"] or None)
        self.stdout.write("created {created}, closed {closed}, open {open}, e-mailed {emailed}".format(**result))
