"""Merging duplicate tickets of one customer into the one kept.

The ticket kept keeps its status when it is Pending customer: support asked the customer
something there, and a duplicate's question does not answer it (the duplicate's messages are
in its conversation to read). Otherwise a duplicate still waiting on support makes the kept
ticket wait on support too. The customer of each duplicate may be told, by email, where the
conversation continues.
"""

from django.db import transaction
from django.utils import timezone

from tickets import emails
from tickets.models import (
    WAITING_ON_SUPPORT,
    Attachment,
    Ticket,
    TicketMessage,
    TicketStatus,
)


class MergeRefused(Exception):
    pass


def why_not(tickets):
    """Why these tickets cannot merge, or "" (shown before asking to confirm)."""
    live = [t for t in tickets if t.merged_into_id is None]
    if len(live) < 2:
        return "Select two or more tickets that are not merged yet."
    if len({t.email_key for t in live}) > 1:
        return "Only tickets from the same requester can be merged."
    if any(t.status == TicketStatus.CLOSED for t in live):
        return "Closed tickets cannot be merged."
    return ""


@transaction.atomic
def merge(tickets, *, actor, keep=None, notify=False):
    """Merge duplicates into `keep` (by default the oldest): their messages are copied over
    in order and they are closed with a pointer to it; with `notify`, each duplicate's
    customer is emailed where the conversation continues. Returns the ticket kept.

    Only one requester's tickets merge: another customer could not follow the kept ticket.
    """
    pks = [t.pk for t in tickets]
    tickets = list(
        Ticket.objects.select_for_update()
        .filter(pk__in=pks, merged_into__isnull=True)
        .order_by("created_at", "pk")
    )
    problem = why_not(tickets)
    if problem:
        raise MergeRefused(problem)
    kept = next((t for t in tickets if keep is not None and t.pk == keep.pk), tickets[0])
    duplicates = [t for t in tickets if t != kept]
    # Tickets merged into a duplicate before now point at the ticket kept: no chains.
    Ticket.objects.filter(merged_into__in=duplicates).update(merged_into=kept)
    # Decided before the duplicates close: does any of them still wait on support?
    waiting = [t.waiting_since for t in tickets if t.status in WAITING_ON_SUPPORT]
    for dup in duplicates:
        _copy_conversation(dup, kept, actor)
        dup.merged_into = kept
        dup.save(update_fields=["merged_into"])
        dup.transition(TicketStatus.CLOSED, by=actor, reason=f"merged into {kept.reference}")
        TicketMessage.objects.create(
            ticket=dup,
            author_kind=TicketMessage.Author.SYSTEM,
            author=actor,
            body=f"This ticket was merged into {kept.reference}; the conversation continues there.",
        )
    kept.change_triage(by=actor, reason="merge", priority=max(t.priority for t in tickets))
    if waiting and kept.status != TicketStatus.PENDING:
        kept.waiting_since = min(filter(None, waiting), default=timezone.now())
        if kept.status not in WAITING_ON_SUPPORT:
            kept.transition(TicketStatus.OPEN, by=actor, reason="merged a waiting ticket")
    kept.last_activity_at = timezone.now()
    kept.recompute_sla()
    kept.save()
    for ticket in tickets:
        ticket.refresh_search_text()
    if notify:
        for dup in duplicates:
            emails.queue_merged(dup, kept)
    return kept


def _copy_conversation(dup, kept, actor):
    for message in dup.messages.all():
        copy = TicketMessage.objects.create(
            ticket=kept,
            author_kind=message.author_kind,
            author=message.author,
            body=message.body,
            is_internal=message.is_internal,
            created_at=message.created_at,
            via=message.via,
            sender=message.sender,
            inbound=message.inbound,
        )
        Attachment.objects.filter(message=message).update(message=copy, ticket=kept)
    TicketMessage.objects.create(
        ticket=kept,
        author_kind=TicketMessage.Author.SYSTEM,
        author=actor,
        body=f"Merged {dup.reference} into this ticket.",
        is_internal=True,
    )
