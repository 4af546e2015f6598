"""Steps that run by themselves (`manage.py ticket_automations`, from cron or the worker's
schedule): remind a customer who has not answered, resolve the ticket if they still do not,
close resolved tickets after a while, and sweep what has expired. Each step on a ticket is
logged on it (who: nobody; why: which rule)."""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from tickets import attachments, emails
from tickets.models import (
    EmailKind,
    RequestsLink,
    Ticket,
    TicketLink,
    TicketStatus,
)


def run(now=None):
    """Run every step once; returns how many tickets or rows each touched."""
    now = now or timezone.now()
    rules = settings.TICKET_AUTOMATIONS
    return {
        "reminded": remind(now, days=rules["remind_after_days"], then=rules["resolve_after_days"]),
        "resolved": resolve_unanswered(now, days=rules["resolve_after_days"]),
        "closed": close_resolved(now, days=rules["close_after_days"]),
        "swept": sweep(now),
    }


def _each(queryset):
    """Tickets one at a time, each locked and in its own transaction: one failing ticket
    leaves the others done."""
    for pk in list(queryset.values_list("pk", flat=True)):
        with transaction.atomic():
            ticket = Ticket.objects.select_for_update().filter(pk=pk).first()
            if ticket is not None:
                yield ticket


def remind(now, *, days, then):
    due = Ticket.objects.filter(
        status=TicketStatus.PENDING,
        paused_since__lte=now - timedelta(days=days),
        reminded_at__isnull=True,
    )
    count = 0
    for ticket in _each(due):
        if ticket.status != TicketStatus.PENDING or ticket.reminded_at:
            continue
        ticket.reminded_at = now
        ticket.save(update_fields=["reminded_at"])
        ticket.events.create(
            field="automation",
            new_value="Reminder sent",
            reason=f"waiting on the customer for {days} days",
            created_at=now,
        )
        emails.queue(
            ticket,
            EmailKind.PENDING_REMINDER,
            ticket.email,
            extra={"waited_days": days, "resolve_days": then},
        )
        count += 1
    return count


def resolve_unanswered(now, *, days):
    due = Ticket.objects.filter(
        status=TicketStatus.PENDING, reminded_at__lte=now - timedelta(days=days)
    )
    count = 0
    for ticket in _each(due):
        if ticket.status != TicketStatus.PENDING:
            continue
        ticket.transition(
            TicketStatus.RESOLVED, reason=f"no reply {days} days after the reminder", now=now
        )
        emails.queue(ticket, EmailKind.TICKET_AUTO_RESOLVED, ticket.email)
        count += 1
    return count


def close_resolved(now, *, days):
    due = Ticket.objects.filter(
        status=TicketStatus.RESOLVED, resolved_at__lte=now - timedelta(days=days)
    )
    count = 0
    for ticket in _each(due):
        if ticket.status == TicketStatus.RESOLVED:
            ticket.transition(TicketStatus.CLOSED, reason=f"resolved {days} days ago", now=now)
            count += 1
    return count


def sweep(now):
    """Files of forms never sent (after TICKET_PENDING_UPLOAD_MINUTES), and links dead for
    a month or more."""
    count = attachments.sweep_expired(now)
    dead = now - timedelta(days=2 * settings.TICKET_LINK_DAYS)
    for model in (TicketLink, RequestsLink):
        gone, _ = model.objects.filter(created_at__lt=dead).exclude(last_used_at__gte=dead).delete()
        count += gone
    return count
