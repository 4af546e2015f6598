"""What the desk posts to Slack: a ticket's card (Block Kit, with the buttons Slack posts
back to slack.views) and the short answers to someone who clicked or typed a command. Each
is a dict of mail.chat.body's fields; `text` is what notifications and clients without
Block Kit show. Customer-written text is escaped for mrkdwn, and no customer address or
message leaves the site: staff open the ticket for those."""

from django.urls import reverse
from django.utils import timezone

from core.people import staff_name
from mail.chat import escape
from mail.links import absolute

ASSIGN, NOTE, RESOLVE = "ticket.assign", "ticket.note", "ticket.resolve"
NOTE_BLOCK, NOTE_INPUT = "note", "note_text"


def _button(text, action_id, value, **extra):
    return {
        "type": "button",
        "text": {"type": "plain_text", "text": text},
        "action_id": action_id,
        "value": value,
        **extra,
    }


def _facts(ticket):
    facts = [ticket.get_priority_display(), ticket.get_status_display()]
    facts.append(f"group {ticket.group.name}" if ticket.group_id else "no group")
    facts.append(
        f"assigned to {staff_name(ticket.assignee)}" if ticket.assignee_id else "unassigned"
    )
    if ticket.sla_due_at and not ticket.is_finished:
        due = timezone.localtime(ticket.sla_due_at)
        facts.append(f"SLA due {due:%-d %b %H:%M} ({due:%Z})")
    return " · ".join(escape(fact) for fact in facts)


def ticket_card(ticket, *, headline):
    """The card of a ticket: what happened, the ticket (a link to its admin page), its
    state, a box for an internal note and the three buttons."""
    url = absolute(reverse("admin:tickets_ticket_change", args=[ticket.pk]))
    title = f"{ticket.reference} {ticket.subject}"
    reference = ticket.reference
    heading = f"*{escape(headline)}*\n<{url}|{escape(title)}>"
    return {
        "text": escape(f"{headline}: {title}"),
        "blocks": [
            {
                "type": "section",
                "text": {"type": "mrkdwn", "text": heading},
            },
            {"type": "context", "elements": [{"type": "mrkdwn", "text": _facts(ticket)}]},
            {
                "type": "input",
                "block_id": NOTE_BLOCK,
                "optional": True,
                "label": {"type": "plain_text", "text": "Internal note"},
                "element": {
                    "type": "plain_text_input",
                    "action_id": NOTE_INPUT,
                    "multiline": True,
                    "max_length": 3000,
                },
            },
            {
                "type": "actions",
                "block_id": f"ticket-{reference}",
                "elements": [
                    _button("Assign to me", ASSIGN, reference),
                    _button("Add note", NOTE, reference),
                    _button(
                        "Resolve",
                        RESOLVE,
                        reference,
                        style="primary",
                        confirm={
                            "title": {"type": "plain_text", "text": "Resolve the ticket?"},
                            "text": {
                                "type": "plain_text",
                                "text": "The customer is told it is resolved.",
                            },
                            "confirm": {"type": "plain_text", "text": "Resolve"},
                            "deny": {"type": "plain_text", "text": "Cancel"},
                        },
                    ),
                ],
            },
        ],
    }


def private_answer(text):
    """Shown only to the person who clicked or typed (Slack's ephemeral message)."""
    return {"text": text, "response_type": "ephemeral", "replace_original": False}


def replaced_card(ticket, *, headline):
    """The card again, as the ticket is now, in place of the one clicked."""
    return {**ticket_card(ticket, headline=headline), "replace_original": True}


def channel_answer(text):
    """Shown to the whole channel the command was typed in."""
    return {"text": text, "response_type": "in_channel"}


UNMAPPED = (
    "Your Slack account is not linked to a help center staff account, so nothing was "
    "changed. Ask an administrator to add your Slack member ID ({user_id}) to your agent "
    "preferences in the help center's admin."
)
