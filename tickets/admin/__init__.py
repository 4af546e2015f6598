"""The staff side of support, in the Django admin."""

from tickets.admin.deflection import SuggestionOpenAdmin
from tickets.admin.macros import MacroAdmin
from tickets.admin.outbox import OutboundEmailAdmin
from tickets.admin.queue import TicketAdmin
from tickets.admin.satisfaction import SatisfactionRatingAdmin

__all__ = [
    "MacroAdmin",
    "OutboundEmailAdmin",
    "SatisfactionRatingAdmin",
    "SuggestionOpenAdmin",
    "TicketAdmin",
]
