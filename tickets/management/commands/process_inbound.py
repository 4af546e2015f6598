from django.core.management.base import BaseCommand

from tickets import inbound
from tickets.models import InboundEmail


class Command(BaseCommand):
    help = (
        "Process stored emails still waiting (the task backend was down), and with --failed "
        "those that failed before (after a fix)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--failed", action="store_true", help="Also retry failed ones.")

    def handle(self, *args, failed=False, **options):
        states = [InboundEmail.State.RECEIVED] + ([InboundEmail.State.FAILED] if failed else [])
        pks = InboundEmail.objects.filter(state__in=states).order_by("pk")
        outcomes = [inbound.process(pk) for pk in pks.values_list("pk", flat=True)]
        failures = outcomes.count("failed")
        self.stdout.write(f"{len(outcomes)} processed, {failures} failed.")
