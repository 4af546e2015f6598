"""Finding one's tickets again by email."""

import logging

from django.conf import settings
from django.db import transaction
from django.template.response import TemplateResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from tickets.forms import LostLinkForm
from tickets.tasks import send_ticket_links
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
            email = form.cleaned_data["email"]
            # Looked up by a task after the response: the same answer, in the same time.
            transaction.on_commit(lambda: _enqueue_links(email))
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
