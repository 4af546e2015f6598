"""The staff side of support, in the Django admin."""

from tickets.admin.deflection import SuggestionOpenAdmin
from tickets.admin.fields import CustomFieldAdmin, TagAdmin
from tickets.admin.groups import AgentGroupAdmin
from tickets.admin.macros import MacroAdmin
from tickets.admin.organizations import OrganizationAdmin, SupportPlanAdmin
from tickets.admin.outbox import OutboundEmailAdmin
from tickets.admin.queue import TicketAdmin
from tickets.admin.satisfaction import SatisfactionRatingAdmin
from tickets.admin.signatures import AgentPreferenceAdmin
from tickets.admin.triggers import TriggerAdmin

__all__ = [
    "AgentPreferenceAdmin",
    "AgentGroupAdmin",
    "CustomFieldAdmin",
    "TagAdmin",
    "MacroAdmin",
    "OrganizationAdmin",
    "OutboundEmailAdmin",
    "SupportPlanAdmin",
    "SatisfactionRatingAdmin",
    "SuggestionOpenAdmin",
    "TicketAdmin",
    "TriggerAdmin",
]
