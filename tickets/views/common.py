"""What the customer-side views share: rate limits and the private-link wrapper."""

import functools
import logging

from django.conf import settings
from django.template.response import TemplateResponse

from core.addresses import address_key_or_raw
from core.web.ratelimits import minutes, rate_limited

__all__ = ["email_key", "minutes", "private_link", "rate_limited"]
from tickets.forms import LostLinkForm
from tickets.models import TicketLink

log = logging.getLogger(__name__)


def email_key(group, request):
    """Rate limits count per customer: the address's normal form, however it is typed."""
    return address_key_or_raw(request.POST.get("email", ""))


def private_link(view):
    """A wrong or expired private link is a 404 that says how to get a new one."""

    @functools.wraps(view)
    def wrapper(request, token, **kwargs):
        try:
            return view(request, token, **kwargs)
        except TicketLink.NotFound:
            context = {"link_days": settings.TICKET_LINK_DAYS, "form": LostLinkForm()}
            return TemplateResponse(request, "tickets/link_not_found.html", context, status=404)

    return wrapper
