"""Tickets' periodic work, run by the clock (core.clock); the management commands of the same
work (ticket_automations, send_pending_emails) call these functions."""

from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from core import clock
from tickets import attachments, emails, triggers
from tickets.models import OutboundEmail, RequestsLink, TicketLink

# The admins' rules on time (Support › Triggers): reminders, resolving and closing after a
# while are three of them, shipped as defaults.
clock.every("tickets.time_rules", minutes=15)(triggers.run_time_rules)


@clock.every("tickets.sweep", minutes=15)
def sweep_expired(now=None):
    """Files of forms never sent (after TICKET_PENDING_UPLOAD_MINUTES), and links dead for
    twice their lifetime or more."""
    now = now or timezone.now()
    count = attachments.sweep_expired(now)
    dead = now - timedelta(days=2 * settings.TICKET_LINK_DAYS)
    for model in (TicketLink, RequestsLink):
        gone, _ = model.objects.filter(created_at__lt=dead).exclude(last_used_at__gte=dead).delete()
        count += gone
    return {"swept": count}


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
