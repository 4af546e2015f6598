"""Everything that changes a ticket goes through here, so the audit trail, the clocks and
the emails are the same whether a change comes from the customer page or the admin."""

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from status.services import active_incidents
from tickets import emails
from tickets.models import (
    FINISHED,
    WAITING_ON_SUPPORT,
    Attachment,
    InboundEmail,
    Priority,
    SuggestionOpen,
    Ticket,
    TicketEvent,
    TicketMessage,
    TicketStatus,
)

TRACKED_FIELDS = ("status", "priority", "assignee", "category")


def _display(ticket, field):
    if field == "assignee":
        return ticket.assignee.get_username() if ticket.assignee else ""
    if field == "priority":
        return Priority(ticket.priority).label
    return getattr(ticket, f"get_{field}_display")()


def _attach(files, message):
    """Link stored files (tickets.attachments.store) to the message they came with."""
    for attachment in files:
        attachment.ticket, attachment.message, attachment.intake = message.ticket, message, ""
        attachment.save(update_fields=["ticket", "message", "intake"])


def _received(inbound, ticket, outcome):
    """Mark the email a ticket change came from, before any email answers it (the answer
    threads to it)."""
    if inbound is not None:
        inbound.ticket, inbound.outcome = ticket, outcome
        inbound.save(update_fields=["ticket", "outcome"])


@transaction.atomic
def create_ticket(ticket, *, intake="", files=(), inbound=None):
    """Store a new ticket with its reference; emails go out once it is committed. From the
    form, or from an email (`inbound`)."""
    now = timezone.now()
    ticket.intake = intake
    ticket.created_at = ticket.last_activity_at = ticket.waiting_since = now
    ticket.open_incidents = [incident["name"] for incident in active_incidents()]
    ticket.save()
    ticket.reference = Ticket.reference_for(ticket.pk)
    ticket.save(update_fields=["reference"])
    message = TicketMessage.objects.create(
        ticket=ticket,
        author_kind=TicketMessage.Author.CUSTOMER,
        body=ticket.description,
        created_at=now,
        via=TicketMessage.Via.EMAIL if inbound else TicketMessage.Via.WEB,
        inbound=inbound,
    )
    _attach(files, message)
    _received(inbound, ticket, InboundEmail.Outcome.NEW_TICKET)
    if intake:
        SuggestionOpen.objects.filter(intake=intake, ticket__isnull=True).update(ticket=ticket)
    emails.queue(ticket, "ticket_received", ticket.email)
    emails.queue(ticket, "staff_new_ticket", settings.SUPPORT_EMAIL)
    return ticket


def record_changes(ticket, before, actor):
    """Log each tracked field that differs from `before` (a dict of field -> display value)."""
    now = timezone.now()
    events = []
    for field, old in before.items():
        new = _display(ticket, field)
        if new != old:
            events.append(
                TicketEvent(
                    ticket=ticket,
                    actor=actor,
                    field=field,
                    old_value=old,
                    new_value=new,
                    created_at=now,
                )
            )
    TicketEvent.objects.bulk_create(events)
    return events


def snapshot(ticket):
    return {field: _display(ticket, field) for field in TRACKED_FIELDS}


def apply_status_clocks(ticket, old_status):
    """Keep resolution time and the waiting clock consistent with a new status."""
    if ticket.status == old_status:
        return
    now = timezone.now()
    if ticket.status in FINISHED:
        ticket.resolved_at = ticket.resolved_at or now
        ticket.waiting_since = None
    elif old_status in FINISHED:
        ticket.resolved_at = None
    if ticket.status == TicketStatus.PENDING:
        ticket.waiting_since = None
    elif ticket.status in WAITING_ON_SUPPORT and old_status not in WAITING_ON_SUPPORT:
        # Reopened: the ticket waits on support again, and its SLA clock restarts.
        ticket.waiting_since = ticket.waiting_since or now


@transaction.atomic
def staff_update(ticket, *, actor, before, old_status, reply="", internal=False, files=()):
    """Save the admin's changes to a ticket plus an optional reply or internal note."""
    now = timezone.now()
    if reply:
        message = TicketMessage.objects.create(
            ticket=ticket,
            author_kind=TicketMessage.Author.STAFF,
            author=actor,
            body=reply,
            is_internal=internal,
            created_at=now,
        )
        _attach(files, message)
        if not internal:
            ticket.first_response_at = ticket.first_response_at or now
            ticket.waiting_since = None
            if ticket.status in (TicketStatus.NEW, TicketStatus.OPEN) and (
                ticket.status == old_status
            ):
                # Answering hands the ticket to the customer unless staff chose a status.
                ticket.status = TicketStatus.PENDING
            ticket.last_activity_at = now
            emails.queue(ticket, "staff_reply", ticket.email)
    if ticket.status == TicketStatus.NEW and ticket.assignee_id:
        ticket.status = TicketStatus.OPEN
    apply_status_clocks(ticket, old_status)
    ticket.save()
    record_changes(ticket, before, actor)
    if not (reply and not internal):
        tell_customer_if_resolved(ticket, old_status)
    return ticket


def tell_customer_if_resolved(ticket, old_status):
    """Staff resolved the ticket without writing: the customer still hears of it."""
    if ticket.status == TicketStatus.RESOLVED and old_status != TicketStatus.RESOLVED:
        ticket.last_activity_at = timezone.now()
        ticket.save(update_fields=["last_activity_at"])
        emails.queue(ticket, "ticket_resolved", ticket.email)


@transaction.atomic
def customer_reply(ticket, body, *, files=(), inbound=None, sender=""):
    """The customer answers, on the private page or by email (`inbound`; `sender` when it
    is someone the requester copied); a resolved or pending ticket opens again."""
    ticket = Ticket.objects.select_for_update().get(pk=ticket.pk)
    before, old_status = snapshot(ticket), ticket.status
    now = timezone.now()
    message = TicketMessage.objects.create(
        ticket=ticket,
        author_kind=TicketMessage.Author.CUSTOMER,
        body=body,
        created_at=now,
        via=TicketMessage.Via.EMAIL if inbound else TicketMessage.Via.WEB,
        inbound=inbound,
        sender=sender,
    )
    _attach(files, message)
    _received(inbound, ticket, InboundEmail.Outcome.REPLY)
    if ticket.status != TicketStatus.NEW:
        ticket.status = TicketStatus.OPEN
    ticket.waiting_since = ticket.waiting_since or now
    ticket.last_activity_at = now
    apply_status_clocks(ticket, old_status)
    ticket.save()
    record_changes(ticket, before, actor=None)
    to = ticket.assignee.email if ticket.assignee and ticket.assignee.email else None
    emails.queue(ticket, "staff_customer_reply", to or settings.SUPPORT_EMAIL)
    return ticket


@transaction.atomic
def email_note(ticket, body, *, inbound, sender, files=()):
    """An email on a ticket from someone who is not its customer: kept as an internal note
    for an agent to read (and forward to the customer, or not). It changes no status."""
    message = TicketMessage.objects.create(
        ticket=ticket,
        author_kind=TicketMessage.Author.CUSTOMER,
        body=body,
        is_internal=True,
        via=TicketMessage.Via.EMAIL,
        inbound=inbound,
        sender=sender,
    )
    _attach(files, message)
    _received(inbound, ticket, InboundEmail.Outcome.NOTE)
    to = ticket.assignee.email if ticket.assignee and ticket.assignee.email else None
    emails.queue(ticket, "staff_customer_reply", to or settings.SUPPORT_EMAIL, message=message)
    return message


@transaction.atomic
def customer_solved(ticket):
    ticket = Ticket.objects.select_for_update().get(pk=ticket.pk)
    if ticket.is_finished:
        return ticket
    before, old_status = snapshot(ticket), ticket.status
    ticket.status = TicketStatus.RESOLVED
    ticket.last_activity_at = timezone.now()
    apply_status_clocks(ticket, old_status)
    ticket.save()
    record_changes(ticket, before, actor=None)
    TicketMessage.objects.create(
        ticket=ticket,
        author_kind=TicketMessage.Author.SYSTEM,
        body="Marked as solved on the ticket's page.",
    )
    return ticket


class MergeRefused(Exception):
    pass


@transaction.atomic
def merge(tickets, *, actor):
    """Merge duplicates into the oldest ticket: their messages are copied over in order and
    they are closed with a pointer to it. Returns the ticket kept.

    Only one requester's tickets merge: another customer could not follow the kept ticket.
    """
    pks = [t.pk for t in tickets]
    tickets = list(
        Ticket.objects.select_for_update()
        .filter(pk__in=pks, merged_into__isnull=True)
        .order_by("created_at", "pk")
    )
    if len(tickets) < 2:
        raise MergeRefused("Select two or more tickets that are not merged yet.")
    if len({t.email_key for t in tickets}) > 1:
        raise MergeRefused("Only tickets from the same requester can be merged.")
    keep, duplicates = tickets[0], tickets[1:]
    # Tickets merged into a duplicate before now point at the ticket kept: no chains.
    Ticket.objects.filter(merged_into__in=duplicates).update(merged_into=keep)
    keep_before, keep_status = snapshot(keep), keep.status
    # Decided before the duplicates close: does any of them still wait on support?
    waiting = [t.waiting_since for t in tickets if t.status in WAITING_ON_SUPPORT]
    for dup in duplicates:
        for message in dup.messages.all():
            copy = TicketMessage.objects.create(
                ticket=keep,
                author_kind=message.author_kind,
                author=message.author,
                body=message.body,
                is_internal=message.is_internal,
                created_at=message.created_at,
                via=message.via,
                sender=message.sender,
                inbound=message.inbound,
            )
            Attachment.objects.filter(message=message).update(message=copy, ticket=keep)
        TicketMessage.objects.create(
            ticket=keep,
            author_kind=TicketMessage.Author.SYSTEM,
            author=actor,
            body=f"Merged {dup.reference} into this ticket.",
            is_internal=True,
        )
        before, old_status = snapshot(dup), dup.status
        dup.status = TicketStatus.CLOSED
        dup.merged_into = keep
        apply_status_clocks(dup, old_status)
        dup.save()
        record_changes(dup, before, actor)
        TicketMessage.objects.create(
            ticket=dup,
            author_kind=TicketMessage.Author.SYSTEM,
            author=actor,
            body=f"This ticket was merged into {keep.reference}; the conversation continues there.",
        )
    keep.priority = max(t.priority for t in tickets)
    if waiting:
        if keep.status not in WAITING_ON_SUPPORT:
            keep.status = TicketStatus.OPEN
        keep.waiting_since = min(filter(None, waiting), default=timezone.now())
    apply_status_clocks(keep, keep_status)
    keep.last_activity_at = timezone.now()
    keep.save()
    record_changes(keep, keep_before, actor)
    return keep


def send_links(address):
    """The "lost your link?" form: email fresh links to the tickets of this address.
    Runs as a task, so the form answers in the same time whether or not there are any.

    Tickets are found by the address's normal form, and each email goes to the address
    stored on its tickets, never to the address as typed. Links sent before keep their own
    expiry: a request revives none of them."""
    tickets = list(Ticket.objects.for_address(address).order_by("-created_at")[:20])
    by_address = {}
    for ticket in tickets:
        by_address.setdefault(ticket.email, []).append(ticket)
    with transaction.atomic():
        for stored_address, own in by_address.items():
            emails.queue_links(own, stored_address)
    return len(tickets)
