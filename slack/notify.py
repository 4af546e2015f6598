"""Which channels hear of what: new urgent tickets, customer replies, tickets about to
miss their service level (the clock's `slack.sla_warnings`), and rules that post. A channel
receives a ticket when it listens to the event and the ticket is in one of its groups and
one of its queue views (when it names any)."""

from django.db.models import Q
from django.utils import timezone

from slack import delivery, messages
from slack.models import Event, SlackChannel
from tickets.models import WAITING_ON_SUPPORT, SLAState, Ticket
from tickets.queueviews import view_q

HEADLINES = {
    Event.URGENT: "New urgent ticket",
    Event.CUSTOMER_REPLY: "The customer replied",
    Event.SLA: "SLA about to breach",
}


def receives(channel, ticket):
    groups = {group.pk for group in channel.groups.all()}
    if groups and ticket.group_id not in groups:
        return False
    views = list(channel.views.all())
    if not views:
        return True
    wanted = Q()
    for view in views:
        wanted |= view_q(view.query, view.owner)
    return Ticket.objects.filter(wanted, pk=ticket.pk).exists()


def notify(ticket, event, *, key="", channels=None):
    """Queue the ticket's card for every channel that receives it (of `channels`, by
    default those listening to `event`); how many were queued."""
    card = messages.ticket_card(ticket, headline=HEADLINES[event])
    queued = 0
    if channels is None:
        channels = SlackChannel.objects.for_event(event)
    for channel in channels:
        if receives(channel, ticket):
            row = delivery.queue(channel=channel, event=event, ticket=ticket, message=card, key=key)
            queued += row is not None
    return queued


def post_for_rule(ticket, *, channel_name, text, reason):
    """A rule's "Post to a Slack channel": the ticket's card headed by the rule's text."""
    channel = SlackChannel.objects.active().filter(name=channel_name).first()
    if channel is None:  # renamed or turned off since the rule was written
        return None
    headline = text.strip() or reason
    card = messages.ticket_card(ticket, headline=headline[:300])
    return delivery.queue(channel=channel, event=Event.RULE, ticket=ticket, message=card)


def warn_sla(now=None):
    """Tickets waiting on support whose service level is at risk (the queue's "at risk":
    the last quarter of the time it gave): each channel hears of one once per due time."""
    now = now or timezone.now()
    channels = list(SlackChannel.objects.for_event(Event.SLA))
    if not channels:
        return {"warned": 0}
    waiting = Ticket.objects.filter(status__in=WAITING_ON_SUPPORT, sla_due_at__gt=now)
    warned = 0
    for ticket in waiting.select_related("group", "assignee").iterator(chunk_size=500):
        if ticket.sla_state(now) == SLAState.AT_RISK:
            key = f"sla:{ticket.pk}:{int(ticket.sla_due_at.timestamp())}"
            warned += notify(ticket, Event.SLA, key=key, channels=channels)
    return {"warned": warned}
