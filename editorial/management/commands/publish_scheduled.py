import time

from django.core.management.base import BaseCommand

from core.text import plural
from editorial.publishing import publish_scheduled


class Command(BaseCommand):
    help = (
        "Publish the guides and runbooks whose 'publish at' time has come and unpublish those "
        "whose 'unpublish at' has. Run it every minute (cron), or with --every beside the server."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--every",
            type=int,
            metavar="SECONDS",
            help="keep running, checking every SECONDS (make run does this)",
        )

    def handle(self, *args, every=None, **options):
        while True:
            done = publish_scheduled()
            for line in done:
                self.stdout.write(line)
            if not every:
                self.stdout.write(f"{plural(len(done), 'scheduled change')} made.")
                return
            time.sleep(max(1, every))
