from datetime import timedelta

from django.core.management.base import BaseCommand

from mail.jobs import process_waiting_inbound


class Command(BaseCommand):
    help = (
        "Process stored emails still waiting (the task backend was down), and with --failed "
        "those that failed before (after a fix). The clock does the first every 5 minutes."
    )

    def add_arguments(self, parser):
        parser.add_argument("--failed", action="store_true", help="Also retry failed ones.")

    def handle(self, *args, failed=False, **options):
        done = process_waiting_inbound(failed=failed, older_than=timedelta(0))
        self.stdout.write(f"{done['processed']} processed, {done['failed']} failed.")
