"""A rule's actions, each through the ticket's own methods (the workflow's table for the
status, change_triage for triage fields, the routing for a group), each logged on the
ticket with the rule's name as the reason. Notes and emails are filled like macros: only
the known variables, never a template."""

from core.people import staff_name
from tickets import emails, events, macros, routing
from tickets.models import (
    ActionKind,
    EmailKind,
    IllegalTransition,
    Priority,
    Ticket,
    TicketMessage,
    TicketStatus,
)
from tickets.models.groups import assignment_problem
from tickets.models.trigger_actions import ACTION_ORDER

A = ActionKind


def ordered(actions):
    return sorted(actions, key=lambda action: (ACTION_ORDER[action.action], action.pk or 0))


def apply(action, ctx, reason):
    """Apply one action. Returns (changed, words): whether the ticket changed, and what
    happened in words for the log (None when nothing did)."""
    ticket, kind, value = ctx.ticket, action.action, action.value
    if kind == A.SET_PRIORITY:
        changed = ticket.change_triage(by=None, reason=reason, priority=int(value))
        return _said(changed, f"set priority {Priority(int(value)).label}")
    if kind == A.SET_CATEGORY:
        changed = ticket.change_triage(by=None, reason=reason, category=value)
        return _said(changed, f"set category {ticket.get_category_display()}")
    if kind == A.SET_GROUP:
        changed = routing.move_to_group(ticket, action.group, by=None, reason=reason)
        words = f"set group {action.group.name}"
        if "assignee" in changed and ticket.assignee:
            words += f", assigned to {staff_name(ticket.assignee)}"
        return _said(changed, words)
    if kind == A.SET_ASSIGNEE:
        return _assign(ticket, action.assignee, reason)
    if kind in (A.ADD_TAGS, A.REMOVE_TAGS):
        adding = kind == A.ADD_TAGS
        added, removed = ticket.change_tags(
            add=value if adding else (), remove=() if adding else value, reason=reason
        )
        names = " ".join(added or removed)
        return _said(added or removed, f"{'added' if adding else 'removed'} tags {names}")
    if kind == A.SET_FIELD:
        changed = ticket.set_field_values({action.custom_field: value}, reason=reason)
        shown = action.custom_field.display(value)
        return _said(changed, f"set {action.custom_field.label} {shown}")
    if kind == A.SET_STATUS:
        return _move(ticket, value, reason, ctx.now)
    if kind == A.ADD_NOTE:
        body = macros.fill(action.text, ticket=ticket, agent=ticket.assignee).text
        TicketMessage.objects.create(
            ticket=ticket,
            author_kind=TicketMessage.Author.SYSTEM,
            body=f"{body}\n\n({reason})",
            is_internal=True,
            created_at=ctx.now,
        )
        ticket.refresh_search_text()
        return True, "added an internal note"
    if kind == A.EMAIL_REQUESTER:
        agent = ticket.assignee
        extra = {
            "subject": macros.fill(value, ticket=ticket, agent=agent).text,
            "text": macros.fill(action.text, ticket=ticket, agent=agent).text,
        }
        emails.queue(ticket, EmailKind.TRIGGER_EMAIL, ticket.email, extra=extra)
        return True, "emailed the requester"
    if kind == A.POST_TO_SLACK:
        text = macros.fill(action.text, ticket=ticket, agent=ticket.assignee).text
        events.chat_post_requested.send(
            sender=Ticket, ticket=ticket, channel=value, text=text, reason=reason
        )
        return True, f"posted to Slack {value}"
    return False, None


def _said(changed, words):
    return (True, words) if changed else (False, None)


def _assign(ticket, person, reason):
    if person is None or not (person.is_active and person.is_staff):
        return False, "did not assign: the rule's assignee can no longer work tickets"
    problem = assignment_problem(ticket.group, person)
    if problem:
        return False, f"did not assign: {problem}"
    changed = ticket.change_triage(by=None, reason=reason, assignee=person)
    return _said(changed, f"assigned to {staff_name(person)}")


def _move(ticket, value, reason, now):
    status = TicketStatus(value)
    if ticket.status == status:
        return False, None
    try:
        ticket.transition(status, reason=reason, now=now)
    except IllegalTransition as refusal:
        return False, f"did not set status {status.label}: {refusal}"
    return True, f"set status {status.label}"
