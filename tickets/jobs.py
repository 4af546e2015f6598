"""Tickets' periodic work, run by the clock (core.clock); the management commands of the same
work (ticket_automations, send_pending_emails, process_inbound) call these functions."""

from datetime import timedelta

from django.utils import timezone

from core import clock
from tickets import automations, emails, inbound
from tickets.models import InboundEmail, OutboundEmail

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


@clock.every("tickets.inbound_failed", hours=1, at_start=False)
def process_failed_inbound():
    """Emails whose processing failed get another go each hour (a passing database error,
    or a fix deployed since); each failure stays recorded on the email for staff."""
    return process_waiting_inbound(failed=True)


@clock.every("tickets.inbound_waiting", minutes=5)
def process_waiting_inbound(*, failed=False, older_than=timedelta(minutes=1)):
    """Stored emails nobody processed (the task backend was down), and with `failed` those
    that failed before (after a fix). A minute's grace leaves the worker its own."""
    states = [InboundEmail.State.RECEIVED] + ([InboundEmail.State.FAILED] if failed else [])
    waiting = InboundEmail.objects.filter(
        state__in=states, received_at__lte=timezone.now() - older_than
    ).order_by("pk")
    outcomes = [inbound.process(pk) for pk in waiting.values_list("pk", flat=True)]
    return {"processed": len(outcomes), "failed": outcomes.count("failed")}
