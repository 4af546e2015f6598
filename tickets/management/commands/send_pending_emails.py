from django.core.management.base import BaseCommand

from tickets.jobs import send_pending_emails


class Command(BaseCommand):
    help = (
        "Send ticket emails that are pending or due for a retry (the clock does this every "
        "minute; by hand when the task backend was unavailable)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--all", action="store_true", help="Also retry ones not yet due.")

    def handle(self, *args, all=False, **options):
        done = send_pending_emails(everything=all)
        self.stdout.write(f"{done['sent']} sent, {done['failed']} failed, {done['tried']} tried.")
