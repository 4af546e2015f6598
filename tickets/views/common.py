"""What the customer-side views share: rate limits and the private-link wrapper."""

import functools
import logging

from django.conf import settings
from django.template.response import TemplateResponse
from django_ratelimit.core import get_usage

from helpcenter.addresses import address_key_or_raw
from tickets.forms import LostLinkForm
from tickets.models import TicketLink

log = logging.getLogger(__name__)


def email_key(group, request):
    """Rate limits count per customer: the address's normal form, however it is typed."""
    return address_key_or_raw(request.POST.get("email", ""))


def rate_limited(request, *limits, increment=True):
    """Count this POST against each (group, key, rate) limit; return seconds to wait or 0.
    With increment=False, only look: would one more go over a limit?"""
    wait = 0
    for group, key, rate in limits:
        usage = get_usage(
            request, group=group, key=key, rate=rate, method="POST", increment=increment
        )
        if usage is None:
            continue
        over = usage["should_limit"] if increment else usage["count"] >= usage["limit"]
        if over:
            wait = max(wait, usage["time_left"], 1)
    return wait


def _too_many(response, wait):
    response.status_code = 429
    response["Retry-After"] = str(wait)
    return response


def minutes(seconds):
    minutes = max(1, round(seconds / 60))
    return f"{minutes} minute{'s' if minutes != 1 else ''}"


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
