"""What tickets announce to the apps above them, which tickets does not import (the API's
webhooks listen: api/webhooks/receivers.py; Slack channels: slack/receivers.py). Changes to
a ticket are its TicketEvent and TicketMessage rows; a new ticket is announced here, once it
has its reference and first message, before rules and routing change it, and again once
they have run."""

from django.dispatch import Signal

# Sent with `ticket`, inside the transaction that creates it.
ticket_created = Signal()
# Sent with `ticket`, inside the same transaction, once the rules on creation and the
# group's routing have run: its priority, group and assignee are what staff will see.
ticket_opened = Signal()
# Sent with `ticket` and `message`, inside the transaction, when the customer writes again
# (a reply, or an email an agent accepted as theirs).
customer_replied = Signal()
# Sent with `ticket`, `channel` (a chat channel's name), `text` and `reason` by a rule's
# "Post to a Slack channel" action, inside the rule's transaction.
chat_post_requested = Signal()

# Where the names of chat channels come from (rules name one): the app that keeps them
# registers a function returning them (slack.apps), so tickets imports no app above it.
_chat_channel_sources = []


def chat_channels_from(source):
    _chat_channel_sources.append(source)


def chat_channel_names():
    return sorted({name for source in _chat_channel_sources for name in source()})
