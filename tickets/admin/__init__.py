"""The staff side of support, in the Django admin."""

from tickets.admin.deflection import SuggestionOpenAdmin
from tickets.admin.inbound import InboundEmailAdmin
from tickets.admin.outbox import OutboundEmailAdmin
from tickets.admin.queue import TicketAdmin
from tickets.admin.satisfaction import SatisfactionRatingAdmin

__all__ = [
    "InboundEmailAdmin",
    "OutboundEmailAdmin",
    "SatisfactionRatingAdmin",
    "SuggestionOpenAdmin",
    "TicketAdmin",
]
