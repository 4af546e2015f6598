"""Changes to many tickets at once (the queue's bulk actions), through the same workflow as
one ticket: each move is checked against the transition table and logged."""

from django.db import transaction

from tickets.models import IllegalTransition, TicketStatus
from tickets.services import tell_customer_resolved


@transaction.atomic
def change(queryset, *, actor, status=None, **triage):
    """Apply triage values and/or a status to each ticket. Returns (how many changed,
    [(ticket, why it was refused)]). Assigning a new ticket opens it."""
    changed, refused = 0, []
    for ticket in queryset.select_for_update(of=("self",)).select_related("assignee"):
        fields = ticket.change_triage(by=actor, **triage)
        target = status
        if target is None and "assignee" in fields and ticket.status == TicketStatus.NEW:
            target = TicketStatus.OPEN
        moved = False
        if target:
            try:
                moved = ticket.transition(target, by=actor)
            except IllegalTransition as refusal:
                refused.append((ticket, str(refusal)))
            if moved and target == TicketStatus.RESOLVED:
                tell_customer_resolved(ticket)
        changed += bool(fields or moved)
    return changed, refused
