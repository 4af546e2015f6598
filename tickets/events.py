"""What tickets announce to the apps above them, which tickets does not import (the API's
webhooks listen: api/webhooks/receivers.py). Changes to a ticket are its TicketEvent and
TicketMessage rows; a new ticket is announced here, once it has its reference and first
message, before rules and routing change it."""

from django.dispatch import Signal

# Sent with `ticket`, inside the transaction that creates it.
ticket_created = Signal()
