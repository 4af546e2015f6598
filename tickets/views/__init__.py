"""Customer side of support: the contact form, suggestions while typing, the confirmation,
the private ticket page and finding one's tickets again."""

from tickets.views.form import (
    suggestion_open,
    suggestions_for,
    ticket_create,
    ticket_sent,
    ticket_suggestions,
)
from tickets.views.private import ticket_detail, ticket_file, ticket_solved
from tickets.views.requests import lost_link, requests_list, requests_open
from tickets.views.survey import rate

__all__ = [
    "lost_link",
    "rate",
    "requests_list",
    "requests_open",
    "suggestion_open",
    "suggestions_for",
    "ticket_create",
    "ticket_detail",
    "ticket_file",
    "ticket_sent",
    "ticket_solved",
    "ticket_suggestions",
]
