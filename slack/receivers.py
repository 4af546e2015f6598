"""Tickets' announcements (tickets.events) → Slack messages, stored in the writer's
transaction (posted after it commits). Connected in SlackConfig.ready()."""

from django.dispatch import receiver

from slack import notify
from slack.models import Event
from tickets.events import chat_post_requested, customer_replied, ticket_opened
from tickets.models import Priority


@receiver(ticket_opened, dispatch_uid="slack.ticket_opened")
def _opened(sender, ticket, **kwargs):
    if ticket.priority == Priority.URGENT:
        notify.notify(ticket, Event.URGENT)


@receiver(customer_replied, dispatch_uid="slack.customer_replied")
def _replied(sender, ticket, message, **kwargs):
    notify.notify(ticket, Event.CUSTOMER_REPLY)


@receiver(chat_post_requested, dispatch_uid="slack.rule")
def _rule(sender, ticket, channel, text, reason, **kwargs):
    notify.post_for_rule(ticket, channel_name=channel, text=text, reason=reason)
