"""What happened to a ticket since an agent opened it, in words: "Sam Rivera replied 2 min
ago". The ticket page names these when a save comes too late (the stale-save notice), so the
agent knows what to read before saving again."""

from datetime import UTC, datetime, timedelta

from django.utils import timezone

from core.people import staff_name
from tickets import sla
from tickets.models import TicketMessage

MOST = 4  # the notice names the latest few; the conversation and history show the rest


def ago(moment, now):
    if now - moment < timedelta(minutes=1):
        return "just now"
    return f"{sla.short_span(now - moment)} ago"


def seen_moment(version):
    """The moment an agent's page was current (its seen_version), or None."""
    try:
        moment = datetime.fromisoformat(version or "")
        if timezone.is_naive(moment):
            return None
        return moment.astimezone(UTC)  # a moment a database cannot hold is refused here
    except (ValueError, OverflowError):
        return None


def _message_words(message, ticket):
    if message.author_kind == TicketMessage.Author.CUSTOMER:
        return message.sender or ticket.name or ticket.email, "wrote"
    if message.author_kind == TicketMessage.Author.STAFF:
        who = staff_name(message.author) if message.author else "A colleague"
        return who, "added an internal note" if message.is_internal else "replied"
    return None


def _event_words(event):
    if event.actor:
        who = staff_name(event.actor)
    elif event.field == "trigger":
        who = "A rule"
    else:
        who = "The customer or the help center"
    if event.field in {"status", "priority", "assignee", "category", "group"}:
        what = f"set the {event.field} to {event.new_value or 'none'}"
    else:
        what = f"changed the {event.field}"
    return who, what


def changes_since(ticket, since, *, now=None):
    """The latest changes made to `ticket` after `since`, newest first, as sentences'
    parts: ["Sam Rivera replied 2 min ago", "Dana wrote 5 min ago"]."""
    now = now or timezone.now()
    found = []
    messages = ticket.messages.filter(created_at__gt=since).select_related("author")
    for message in messages.order_by("-created_at", "-pk")[:MOST]:
        words = _message_words(message, ticket)
        if words:
            found.append((message.created_at, *words))
    events = ticket.events.filter(created_at__gt=since).select_related("actor")
    for event in events.order_by("-created_at", "-pk")[:MOST]:
        found.append((event.created_at, *_event_words(event)))
    found.sort(key=lambda row: row[0], reverse=True)
    seen, lines = set(), []
    for moment, who, what in found:
        if (who, what) in seen:
            continue
        seen.add((who, what))
        lines.append(f"{who} {what} {ago(moment, now)}")
    return lines[:MOST]
