"""The customer's private ticket page: conversation, reply, files, "mark as solved"."""

import logging

from django.conf import settings
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.csp import CSP
from django.views.decorators.cache import never_cache
from django.views.decorators.csp import csp_override
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tickets import attachments, services
from tickets.forms import ReplyForm
from tickets.models import Attachment, TicketLink
from tickets.views.common import minutes, private_link, rate_limited

log = logging.getLogger(__name__)


@never_cache
@require_http_methods(["GET", "POST"])
@private_link
def ticket_detail(request, token):
    ticket, merged = TicketLink.objects.open(token)
    form = ReplyForm()
    status = 200
    if request.method == "POST":
        form = ReplyForm(request.POST, request.FILES)
        wait = rate_limited(
            request, ("tickets:reply:ip", "ip", settings.TICKET_RATE_LIMITS["reply_ip"])
        )
        if wait:
            form.add_error(
                None, f"You have sent many replies in a short time. Please wait {minutes(wait)}."
            )
            status = 429
            retry_after = wait
        elif ticket.status == "closed":
            form.add_error(None, "This ticket is closed. Please open a new ticket.")
        elif form.is_valid():
            files = form.cleaned_data["files"]
            if sum(upload.size for upload, *_ in files) > attachments.room_left(ticket):
                form.add_error("files", "This ticket has no room for more files.")
            else:
                with transaction.atomic():
                    stored = attachments.for_form("", files)
                    body = form.cleaned_data["body"].strip() or "(Files attached.)"
                    services.customer_reply(ticket, body, files=stored)
                return redirect(reverse("tickets:ticket-detail", args=[token]) + "#latest")
    context = {
        "ticket": ticket,
        "messages_public": ticket.public_messages()
        .select_related("author")
        .prefetch_related("attachments"),
        "form": form,
        "link_days": settings.TICKET_LINK_DAYS,
        "merged": merged,
        "just_solved": request.GET.get("solved") == "1" and ticket.is_finished,
        "page_url": reverse("tickets:ticket-detail", args=[token]),
        "solved_url": reverse("tickets:ticket-solved", args=[token]),
    }
    response = TemplateResponse(request, "tickets/ticket_detail.html", context, status=status)
    if status == 429:
        response["Retry-After"] = str(retry_after)
    return response


FILE_CSP = {"default-src": [CSP.NONE], "sandbox": True}


@never_cache
@require_GET
@csp_override(FILE_CSP)
@private_link
def ticket_file(request, token, pk):
    """A file of the conversation, for whoever holds the ticket's link: always a download."""
    ticket, _ = TicketLink.objects.open(token)
    attachment = get_object_or_404(Attachment.objects.public(), pk=pk, ticket=ticket)
    return attachments.response(attachment)


@never_cache
@require_POST
@private_link
def ticket_solved(request, token):
    ticket, _ = TicketLink.objects.open(token)
    services.customer_solved(ticket)
    return redirect(reverse("tickets:ticket-detail", args=[token]) + "?solved=1#ticket-status")
