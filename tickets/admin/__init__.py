"""The staff side of support, in the Django admin."""

from tickets.admin.deflection import SuggestionOpenAdmin
from tickets.admin.inbound import InboundEmailAdmin
from tickets.admin.outbox import OutboundEmailAdmin
from tickets.admin.queue import TicketAdmin

__all__ = [
    "InboundEmailAdmin",
    "OutboundEmailAdmin",
    "SuggestionOpenAdmin",
    "TicketAdmin",
]
