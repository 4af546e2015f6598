"""The buttons on a ticket's card (slack.messages), as the staff account linked to the
Slack user who clicked (slack.people), with that account's permissions, through
tickets.services: the one way a ticket changes (its log, clocks, emails and rules are the
same as from the admin). Each returns the answer to post on the click's response_url."""

from core.people import staff_name
from slack import messages, people
from slack.messages import ASSIGN, NOTE, NOTE_BLOCK, NOTE_INPUT, RESOLVE, private_answer
from tickets import services
from tickets.models import IllegalTransition, Ticket, TicketStatus
from tickets.models.groups import assignment_problem

NOT_ALLOWED = "Your help center role cannot {what}, so nothing was changed."


def act(payload):
    """(answer, ticket) for a block_actions payload; (None, None) when no button of ours
    was clicked (typing in the note box alone sends nothing)."""
    action = next((a for a in payload.get("actions") or [] if a.get("action_id") in HANDLERS), None)
    if action is None:
        return None, None
    slack_user = str((payload.get("user") or {}).get("id") or "")[:20].replace("\x00", "")
    staff = people.staff_for(slack_user)
    if staff is None:
        return private_answer(messages.UNMAPPED.format(user_id=slack_user or "?")), None
    reference = str(action.get("value") or "")[:40].replace("\x00", "")
    ticket = Ticket.objects.filter(reference=reference).first()
    if ticket is None or not staff.has_perm("tickets.view_ticket"):
        return private_answer(f"No ticket {reference} that you can see."), None
    return HANDLERS[action["action_id"]](ticket, staff, payload), ticket


def _assign(ticket, staff, payload):
    if not staff.has_perm("tickets.change_ticket"):
        return private_answer(NOT_ALLOWED.format(what="assign tickets"))
    if ticket.assignee_id == staff.pk:
        return private_answer(f"{ticket.reference} is assigned to you already.")
    problem = assignment_problem(ticket.group, staff)
    if problem:
        return private_answer(problem)
    ticket = services.staff_update(ticket, actor=staff, assignee=staff)
    return messages.replaced_card(ticket, headline=f"Assigned to {staff_name(staff)} in Slack")


def note_text(payload):
    """What was typed in the card's note box (Slack sends the message's input blocks
    with each click, under state.values)."""
    values = ((payload.get("state") or {}).get("values") or {}).get(NOTE_BLOCK) or {}
    text = (values.get(NOTE_INPUT) or {}).get("value") or ""
    return str(text).replace("\x00", "").strip()[:5000]


def _note(ticket, staff, payload):
    if not staff.has_perm("tickets.add_ticketmessage"):
        return private_answer(NOT_ALLOWED.format(what="add notes"))
    text = note_text(payload)
    if not text:
        return private_answer("Type the note in the box above the buttons, then Add note.")
    ticket = services.staff_update(ticket, actor=staff, reply=text, internal=True)
    return messages.replaced_card(ticket, headline=f"Note added by {staff_name(staff)} in Slack")


def _resolve(ticket, staff, payload):
    if not staff.has_perm("tickets.change_ticket"):
        return private_answer(NOT_ALLOWED.format(what="resolve tickets"))
    if ticket.is_finished:
        return private_answer(f"{ticket.reference} is {ticket.get_status_display().lower()}.")
    try:
        ticket = services.staff_update(ticket, actor=staff, status=TicketStatus.RESOLVED)
    except IllegalTransition as refusal:  # a field required to resolve is empty...
        return private_answer(f"{ticket.reference} was not resolved: {refusal}")
    return messages.replaced_card(ticket, headline=f"Resolved by {staff_name(staff)} in Slack")


HANDLERS = {ASSIGN: _assign, NOTE: _note, RESOLVE: _resolve}
