from django.core.management.base import BaseCommand

from tickets import automations


class Command(BaseCommand):
    help = (
        "Remind customers who have not answered, resolve tickets still unanswered after "
        "that, close resolved tickets after a while, and sweep expired uploads and links. "
        "Run it from cron (every 15 minutes is plenty); each step is logged on its ticket."
    )

    def handle(self, *args, **options):
        done = automations.run()
        self.stdout.write(", ".join(f"{name}: {count}" for name, count in done.items()))
