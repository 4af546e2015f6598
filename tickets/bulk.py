"""Changes to many tickets at once (the queue's bulk actions), through the same workflow as
one ticket: each move is checked against the transition table and logged."""

from django.db import transaction

from tickets import routing, triggers
from tickets.models import Event, IllegalTransition, InvalidAssignment
from tickets.services import move_after_change

NO_CHANGE = object()


@transaction.atomic
def change(queryset, *, actor, status=None, add_tags=(), remove_tags=(), group=NO_CHANGE, **triage):
    """Apply triage values, a group, tags and/or a status to each ticket. Returns (how many
    changed, [(ticket, why it was refused)]). The status moves as after one ticket's change
    (services.move_after_change: assigning a new ticket opens it); an assignee
    outside the ticket's group is refused; a ticket moved to a group leaves an assignee
    who is not a member (and the group's rule may assign one)."""
    changed, refused = 0, []
    for ticket in queryset.select_for_update(of=("self",)).select_related("assignee", "group"):
        try:
            fields = ticket.change_triage(by=actor, **triage)
        except InvalidAssignment as refusal:
            refused.append((ticket, str(refusal)))
            continue
        if group is not NO_CHANGE:
            fields += routing.move_to_group(ticket, group, by=actor)
        added, removed = ticket.change_tags(add=add_tags, remove=remove_tags, by=actor)
        try:
            moved = move_after_change(ticket, status or None, by=actor)
        except IllegalTransition as refusal:
            refused.append((ticket, str(refusal)))
            moved = False
        if fields or moved or added or removed:
            changed += 1
            triggers.run(ticket, event=Event.UPDATED, actor_kind="staff")
    return changed, refused
