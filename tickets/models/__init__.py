"""Support tickets: what a customer sends, the conversation that follows, and the
audit trail staff leave while triaging it."""

from tickets.models.agents import AgentPreference, Macro, ReplyKind, SavedView
from tickets.models.attachments import Attachment
from tickets.models.deflection import SuggestionOpen
from tickets.models.links import RequestsLink, TicketLink, hash_token, new_access_token
from tickets.models.outbox import TO_CUSTOMER, EmailKind, OutboundEmail
from tickets.models.satisfaction import Rating, SatisfactionRating
from tickets.models.ticket import (
    Reproducibility,
    Ticket,
    TicketEvent,
    TicketMessage,
    TicketQuerySet,
    new_reply_token,
)
from tickets.models.workflow import (
    FINISHED,
    TRANSITIONS,
    UNFINISHED,
    WAITING_ON_SUPPORT,
    IllegalTransition,
    Priority,
    SLAState,
    TicketStatus,
)

__all__ = [
    "AgentPreference",
    "Macro",
    "ReplyKind",
    "SavedView",
    "Attachment",
    "FINISHED",
    "TRANSITIONS",
    "UNFINISHED",
    "IllegalTransition",
    "TO_CUSTOMER",
    "WAITING_ON_SUPPORT",
    "EmailKind",
    "OutboundEmail",
    "Priority",
    "Rating",
    "Reproducibility",
    "SatisfactionRating",
    "RequestsLink",
    "SLAState",
    "SuggestionOpen",
    "Ticket",
    "TicketEvent",
    "TicketLink",
    "TicketMessage",
    "TicketQuerySet",
    "TicketStatus",
    "hash_token",
    "new_access_token",
    "new_reply_token",
]
