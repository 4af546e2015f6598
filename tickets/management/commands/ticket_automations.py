from django.core.management.base import BaseCommand

from tickets import triggers
from tickets.jobs import sweep_expired


class Command(BaseCommand):
    help = (
        "Run the rules on time (Support › Triggers: by default remind customers who have "
        "not answered, resolve tickets still unanswered after that, close resolved tickets "
        "after a while) and sweep expired uploads and links. The clock runs both every 15 "
        "minutes; each firing is logged on its ticket."
    )

    def handle(self, *args, **options):
        done = {**triggers.run_time_rules(), **sweep_expired()}
        self.stdout.write(", ".join(f"{name}: {count}" for name, count in done.items()))
