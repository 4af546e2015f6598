"""Support tickets: what a customer sends, the conversation that follows, and the
audit trail staff leave while triaging it."""

from tickets.models.agents import AgentPreference, Macro, ReplyKind, SavedView
from tickets.models.attachments import Attachment
from tickets.models.deflection import SuggestionOpen
from tickets.models.fields import CustomField, CustomFieldValue, FieldKind
from tickets.models.fulltext import TicketSearchText
from tickets.models.groups import AgentGroup, Assignment, InvalidAssignment
from tickets.models.links import RequestsLink, TicketLink, hash_token, new_access_token
from tickets.models.organizations import (
    Organization,
    OrganizationDomain,
    OrganizationMember,
    SLAKind,
    SLATarget,
    SupportPlan,
)
from tickets.models.outbox import TO_CUSTOMER, EmailKind, OutboundEmail
from tickets.models.satisfaction import Rating, SatisfactionRating
from tickets.models.tags import Tag, normalize_tag, parse_tags
from tickets.models.ticket import (
    Channel,
    Reproducibility,
    Ticket,
    TicketQuerySet,
    new_reply_token,
)
from tickets.models.ticket_messages import TicketEvent, TicketMessage
from tickets.models.trigger_actions import ActionKind, TriggerAction
from tickets.models.trigger_conditions import Operator, Subject, TriggerCondition
from tickets.models.trigger_rules import Event, Match, Trigger
from tickets.models.triggers import TriggerFiring
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
    "ActionKind",
    "Event",
    "Match",
    "Operator",
    "Subject",
    "Trigger",
    "TriggerAction",
    "TriggerCondition",
    "TriggerFiring",
    "AgentGroup",
    "Channel",
    "Assignment",
    "InvalidAssignment",
    "Attachment",
    "CustomField",
    "CustomFieldValue",
    "FieldKind",
    "Tag",
    "Organization",
    "OrganizationDomain",
    "OrganizationMember",
    "SLAKind",
    "SLATarget",
    "SupportPlan",
    "normalize_tag",
    "parse_tags",
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
    "TicketSearchText",
    "TicketStatus",
    "hash_token",
    "new_access_token",
    "new_reply_token",
]
