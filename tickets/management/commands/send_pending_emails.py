from django.core.management.base import BaseCommand

from tickets import emails


class Command(BaseCommand):
    help = (
        "Send ticket emails that are pending or due for a retry (for a cron job, or when the "
        "task backend was unavailable)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--all", action="store_true", help="Also retry ones not yet due.")

    def handle(self, *args, all=False, **options):
        queryset = emails.due_for_retry()
        if all:
            from tickets.models import OutboundEmail

            done = [OutboundEmail.State.SENT, OutboundEmail.State.BOUNCED]
            queryset = OutboundEmail.objects.exclude(state__in=done)
        outcomes = [emails.deliver(pk) for pk in queryset.values_list("pk", flat=True)]
        self.stdout.write(
            f"{outcomes.count('sent')} sent, {outcomes.count('failed')} failed, "
            f"{len(outcomes)} tried."
        )
