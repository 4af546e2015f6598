"""Finding one's tickets again by email."""

import functools
import logging

from django.conf import settings
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.web.afterresponse import after_response
from tickets.forms import LostLinkForm
from tickets.models import RequestsLink, Ticket, TicketLink
from tickets.services import send_ticket_links
from tickets.views.common import email_key, minutes, rate_limited

log = logging.getLogger(__name__)


@never_cache
@require_http_methods(["GET", "POST"])
def lost_link(request):
    form = LostLinkForm(request.POST or None)
    status = 200
    if request.method == "POST":
        wait = rate_limited(
            request,
            ("tickets:links:ip", "ip", settings.TICKET_RATE_LIMITS["links_ip"]),
            ("tickets:links:email", email_key, settings.TICKET_RATE_LIMITS["links_email"]),
        )
        if wait:
            form.add_error(None, f"Too many requests. Please wait {minutes(wait)}.")
            status = 429
        elif form.is_valid():
            # Looked up and sent by a task enqueued once the answer has gone: the same
            # answer, in the same time and with the same queries, whether or not the address
            # has tickets.
            after_response(request, _enqueue_links, form.cleaned_data["email"])
            # The same answer whether or not the address has tickets.
            return TemplateResponse(
                request, "tickets/lost_link.html", {"sent_to": form.cleaned_data["email"]}
            )
    response = TemplateResponse(request, "tickets/lost_link.html", {"form": form}, status=status)
    if status == 429:
        response["Retry-After"] = str(wait)
    return response


def _enqueue_links(email):
    try:
        send_ticket_links.enqueue(email)
    except Exception:
        log.exception("Could not enqueue the lost-link task")


def requests_link(view):
    """A wrong or expired "My requests" link is a 404 that says how to get a new one."""

    @functools.wraps(view)
    def wrapper(request, token, **kwargs):
        try:
            link = RequestsLink.objects.open(token)
        except RequestsLink.NotFound:
            context = {"link_days": settings.TICKET_LINK_DAYS, "form": LostLinkForm()}
            return TemplateResponse(request, "tickets/link_not_found.html", context, status=404)
        return view(request, link, token=token, **kwargs)

    return wrapper


@never_cache
@require_GET
@requests_link
def requests_list(request, link, token):
    """Every ticket of the customer the link was sent to, newest first."""
    tickets = Ticket.objects.filter(email_key=link.email_key, merged_into__isnull=True)
    context = {
        "tickets": tickets.order_by("-last_activity_at", "-pk"),
        "token": token,
        "link_days": settings.TICKET_LINK_DAYS,
    }
    return TemplateResponse(request, "tickets/requests_list.html", context)


@never_cache
@require_POST
@requests_link
def requests_open(request, link, token, pk):
    """Opens one of the listed tickets: a fresh private link to it (a POST, so a mail
    scanner following links mints nothing)."""
    ticket = get_object_or_404(Ticket, pk=pk, email_key=link.email_key)
    return redirect(TicketLink.objects.mint(ticket))
