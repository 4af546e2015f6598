"""Macros (canned responses): their text, with a few variables filled in, and their actions.

The text is never a Django template: only `{{ name }}` placeholders from VARIABLES are
replaced, by plain strings. Anything else between braces (`{% load %}`, `{{ x.__class__ }}`,
`{{ name|upper }}`, a name we do not know) stays in the text as it was typed and is listed in
`Filled.unknown`, so the agent sees it before sending instead of the customer receiving
something half-rendered.
"""

import re
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from core.people import staff_name
from tickets.models import (
    IllegalTransition,
    Macro,
    Priority,
    Ticket,
    TicketMessage,
    TicketStatus,
    parse_tags,
)
from tickets.models.groups import assignment_problem

PLACEHOLDER = re.compile(r"\{\{(.*?)\}\}|\{%.*?%\}|\{#.*?#\}", re.DOTALL)


def _first_name(name):
    parts = (name or "").split()
    return parts[0] if parts else ""


# name -> how to get it from (ticket, agent). Each returns a plain string.
VARIABLES = {
    "customer.first_name": lambda t, a: _first_name(t.name) or "there",
    "customer.name": lambda t, a: t.name or t.email,
    "customer.email": lambda t, a: t.email,
    "ticket.reference": lambda t, a: t.reference or "",
    "ticket.subject": lambda t, a: t.subject,
    "agent.name": lambda t, a: staff_name(a) if a else "The support team",
    "agent.first_name": lambda t, a: (a.first_name or staff_name(a)) if a else "The support team",
}


@dataclass
class Filled:
    text: str
    unknown: list = field(default_factory=list)


def fill(text, *, ticket, agent):
    """The text with the known variables replaced; everything else left as typed."""
    unknown = []

    def replace(match):
        name = (match.group(1) or "").strip()
        if match.group(1) is not None and name in VARIABLES:
            return str(VARIABLES[name](ticket, agent))
        if match.group(0) not in unknown:
            unknown.append(match.group(0))
        return match.group(0)

    return Filled(PLACEHOLDER.sub(replace, text), unknown)


@dataclass
class Preview:
    """What applying a macro puts in the reply box, and what it will change on send."""

    macro: Macro
    text: str
    unknown: list
    changes: dict  # form field -> value: status, priority, category, assignee, tags
    problems: list


def changes_of(macro):
    changes = {}
    if macro.set_status:
        changes["status"] = macro.set_status
    if macro.set_priority:
        changes["priority"] = macro.set_priority
    if macro.set_category:
        changes["category"] = macro.set_category
    if macro.set_assignee_id:
        changes["assignee"] = macro.set_assignee_id
    if parse_tags(macro.add_tags):
        changes["add_tags"] = " ".join(parse_tags(macro.add_tags))
    return changes


def describe(macro):
    """The macro's actions in words, for the agent reviewing them."""
    words = []
    if macro.set_status:
        words.append(f"status {TicketStatus(macro.set_status).label}")
    if macro.set_priority:
        words.append(f"priority {Priority(macro.set_priority).label}")
    if macro.set_category:
        words.append(f"category {macro.get_set_category_display()}")
    if macro.set_assignee_id:
        words.append(f"assignee {staff_name(macro.set_assignee)}")
    if parse_tags(macro.add_tags):
        words.append(f"adds tags {' '.join(parse_tags(macro.add_tags))}")
    if parse_tags(macro.remove_tags):
        words.append(f"removes tags {' '.join(parse_tags(macro.remove_tags))}")
    if macro.internal_note:
        words.append("adds an internal note")
    return words


def preview(macro, *, ticket, agent, draft=""):
    """The reply box after applying `macro` to what the agent had typed (`draft`)."""
    filled = fill(macro.body, ticket=ticket, agent=agent)
    text = f"{draft.rstrip()}\n\n{filled.text}" if draft.strip() else filled.text
    problems = []
    changes = changes_of(macro)
    removed = set(parse_tags(macro.remove_tags))
    if removed:
        # The ticket's tag boxes, those the macro removes unticked.
        changes["current_tags"] = [name for name in ticket.tag_names() if name not in removed]
    if macro.set_status and not ticket.can_move_to(macro.set_status):
        problems.append(
            f"This {TicketStatus(ticket.status).label.lower()} ticket cannot become "
            f"{TicketStatus(macro.set_status).label.lower()}; choose another status."
        )
    if macro.set_assignee_id and not (
        macro.set_assignee and macro.set_assignee.is_active and macro.set_assignee.is_staff
    ):
        problems.append("The macro's assignee can no longer work tickets.")
    elif macro.set_assignee_id and assignment_problem(ticket.group, macro.set_assignee):
        problems.append(assignment_problem(ticket.group, macro.set_assignee))
    return Preview(macro, text, filled.unknown, changes, problems)


def record_use(macro, *, ticket, by, now=None):
    """The reply the macro filled was sent: its internal note is added and the use counted."""
    now = now or timezone.now()
    if macro.internal_note.strip():
        note = fill(macro.internal_note, ticket=ticket, agent=by).text
        TicketMessage.objects.create(
            ticket=ticket,
            author_kind=TicketMessage.Author.STAFF,
            author=by,
            body=note,
            is_internal=True,
            created_at=now,
        )
    macro.count_use(now)


@transaction.atomic
def apply_actions(macro, *, ticket, by, now=None):
    """Apply a macro's actions at once, without a reply: the status through the transition
    table (IllegalTransition when it does not allow the move), the other fields through
    change_triage, then the note. Nothing is changed when the status move is refused."""
    ticket = Ticket.objects.select_for_update().get(pk=ticket.pk)
    if macro.set_status and not ticket.can_move_to(macro.set_status):
        ticket.transition(macro.set_status, by=by)  # raises IllegalTransition with the reason
    triage = {k: v for k, v in changes_of(macro).items() if k != "status"}
    if "assignee" in triage:
        triage["assignee"] = macro.set_assignee
    triage.pop("add_tags", None)
    ticket.change_triage(by=by, reason=f"macro: {macro.title}", **triage)
    ticket.change_tags(
        add=macro.add_tags, remove=macro.remove_tags, by=by, reason=f"macro: {macro.title}"
    )
    if macro.set_status:
        ticket.transition(macro.set_status, by=by, reason=f"macro: {macro.title}", now=now)
    record_use(macro, ticket=ticket, by=by, now=now)
    return ticket


__all__ = ["IllegalTransition", "apply_actions", "fill", "preview", "record_use"]
