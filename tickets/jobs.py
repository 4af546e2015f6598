"""Tickets' periodic work, run by the clock (core.clock); the management commands of the same
work (ticket_automations, send_pending_emails) call these functions."""

from core import clock
from tickets import automations, emails
from tickets.models import OutboundEmail

clock.every("tickets.automations", minutes=15)(automations.run)


@clock.every("tickets.email_retries", minutes=1)
def send_pending_emails(*, everything=False):
    """Send the ticket emails due (pending, or failed and due a retry); with `everything`,
    every one not yet sent, due or not."""
    queryset = emails.due_for_retry()
    if everything:
        done = [OutboundEmail.State.SENT, OutboundEmail.State.BOUNCED]
        queryset = OutboundEmail.objects.exclude(state__in=done)
    outcomes = [emails.deliver(pk) for pk in queryset.values_list("pk", flat=True)]
    return {
        "sent": outcomes.count("sent"),
        "failed": outcomes.count("failed"),
        "tried": len(outcomes),
    }
