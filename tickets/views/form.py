"""The contact form, suggestions while typing, and the confirmation."""

import logging
import secrets
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods
from django_ratelimit.core import get_usage

from answers.models import Passage
from answers.services import Reply, answer
from core.parsing import row_id
from core.text import plural
from core.web.ip import network
from kb.models import PageBlock
from runbooks.models import Runbook
from search.models import SearchDocument
from search.services import search
from tickets import attachments, services
from tickets.forms import TicketForm, signed_start
from tickets.models import SuggestionOpen, Ticket
from tickets.views.common import email_key, minutes, rate_limited

log = logging.getLogger(__name__)

SUGGESTIONS = 4
RECEIPT_MAX_AGE = 60 * 60  # the confirmation page can be reloaded for an hour


def _from_runbook(request):
    slug = request.GET.get("runbook", "") or request.POST.get("runbook", "")
    if not slug:
        return None, []
    runbook = Runbook.objects.published().filter(slug=slug[:200]).first()
    if runbook is None:
        return None, []
    checked = request.GET.get("checked", "") or request.POST.get("checked", "")
    wanted = {x for x in checked[:500].split(",") if x}
    done = []
    for prefix, items in (("check", runbook.checks.all()), ("fix", runbook.fix_steps.all())):
        done += [item.text for n, item in enumerate(items, 1) if f"{prefix}-{n}" in wanted]
    return runbook, done


def suggestions_for(*texts, besides=None):
    """What may solve it, from the subject and error typed; never the runbook the customer
    just came from (`besides`), which they have read."""
    text = " ".join(t.strip() for t in texts if t and t.strip())[:200]
    if not text:
        return None
    results = search(text, per_page=SUGGESTIONS + 1)
    if results.is_browse:
        return None
    if besides is not None:
        url = besides.get_absolute_url()
        results.hits = [hit for hit in results.hits if hit.url != url]
    results.hits = results.hits[:SUGGESTIONS]
    return results


def answer_for(subject, besides=None):
    """ "This may answer it": a direct answer to the subject (answers), beside the
    suggestions; opening its citation counts toward deflection like a suggestion. Like the
    suggestions, never an answer quoted from the runbook the customer came from (`besides`):
    they have read it, and it did not solve their problem."""
    if not subject or not subject.strip():
        return Reply(query="")
    reply = answer(subject[:200])
    if besides is not None and reply.answer is not None:
        read = besides.get_absolute_url()
        if any(c.url.split("#")[0] == read for c in reply.answer.citations):
            reply.answer = None
    return reply


@never_cache
@require_http_methods(["GET", "POST"])
def ticket_create(request):
    runbook, checks_done = _from_runbook(request)
    source = request.POST if request.method == "POST" else request.GET
    search_query = source.get("q", "").strip()[:200]
    status = 200
    notice = ""
    pending = []
    if request.method == "POST":
        form = TicketForm(request.POST, request.FILES)
        sent = _send(request, form, runbook=runbook, checks_done=checks_done, q=search_query)
        if not isinstance(sent, tuple):
            return sent  # stored (or a bot's, answered alike): on to the confirmation
        status, notice, wait = sent
        # Shown again with everything typed, the same field errors, and the files sent so
        # far (within the caps on files waiting). The start time stays: the customer has
        # spent it (a new one only if missing).
        file_errors = list(form.errors.get("files", []))
        if status != 429:
            aside = _set_aside(request, form)
            pending = aside.files
            file_errors += aside.messages()
        data = request.POST.copy()
        if form.seconds_since_start() is None or form.too_old():
            data["started"] = signed_start()
        form = TicketForm(data)
        form.is_valid()
        if file_errors:  # one message: the field shows its first
            form.add_error("files", " ".join(file_errors))
    else:
        initial = {
            "started": signed_start(),
            "intake": secrets.token_urlsafe(16),
            "subject": search_query,
        }
        if runbook:
            initial["category"] = runbook.support_category
        form = TicketForm(initial=initial)

    subject = form.data.get("subject") if form.is_bound else form.initial.get("subject", "")
    error = form.data.get("error_message", "") if form.is_bound else ""
    context = {
        "form": form,
        "notice": notice,
        "runbook": runbook,
        "checks_done": checks_done,
        "checked": source.get("checked", "")[:500],
        "search_query": search_query,
        "suggestions": suggestions_for(subject or "", error, besides=runbook),
        "reply": answer_for(subject or "", besides=runbook),
        "intake": form["intake"].value() or "",
        "blocks": PageBlock.as_dict(),
        "support_email": settings.SUPPORT_EMAIL,
        "pending_files": pending,
    }
    response = TemplateResponse(request, "tickets/ticket_create.html", context, status=status)
    if status == 429:
        response["Retry-After"] = str(wait)
    return response


def _limits(*names):
    keys = {"ip": "ip", "email": email_key}
    return [
        (f"tickets:{name}", keys[name.rsplit("_", 1)[-1]], settings.TICKET_RATE_LIMITS[name])
        for name in names
    ]


def _send(request, form, *, runbook, checks_done, q):
    """Store the ticket if all is well: the redirect to the confirmation; else (status,
    notice, seconds to wait). Every send counts towards a generous cap per network; only
    tickets actually stored count towards the tickets-per-hour limits, so a customer fixing
    a mistake never hears that they sent tickets they did not."""
    wait = rate_limited(request, *_limits("attempts_ip"))
    if wait:
        return (
            429,
            _notice("This form was sent very many times from your network in the last hour", wait),
            wait,
        )
    if form.is_honeypot_filled():  # a bot: answered like a success, nothing stored
        return redirect("tickets:ticket-sent", receipt=_receipt(None))
    if form.too_old():
        return 200, _too_old(), 0
    if form.too_fast():
        return 200, "That was very quick. Please check your ticket, then send it again.", 0
    if not form.is_valid():
        return 200, "", 0
    duplicate = _same_form_ticket(form)
    if duplicate:  # the same form sent twice (double click, reload): one ticket
        return redirect("tickets:ticket-sent", receipt=_receipt(duplicate))
    if attachments.gone(form.data.get("intake", "")[:40], _keep(request)):
        return 200, "", 0  # files ticked to keep waited too long: the form asks for them
    limits = _limits("created_ip", "created_email")
    wait = rate_limited(request, *limits, increment=False)
    if wait:
        return (
            429,
            _notice(
                "You have already sent several tickets in the last hour, so this one was not "
                "sent yet",
                wait,
            ),
            wait,
        )
    ticket = form.save(commit=False)
    ticket.runbook, ticket.checks_done, ticket.search_query = runbook, checks_done, q
    with transaction.atomic():
        files = _form_files(request, form)
        services.create_ticket(
            ticket,
            intake=form.cleaned_data["intake"],
            files=files,
            field_values=form.field_values(),
        )
    rate_limited(request, *limits)
    return redirect("tickets:ticket-sent", receipt=_receipt(ticket))


def _too_old():
    hours = settings.TICKET_FORM_MAX_AGE_SECONDS // 3600
    age = plural(hours, "hour") if hours else plural(settings.TICKET_FORM_MAX_AGE_SECONDS, "second")
    return (
        f"This form was opened more than {age} ago, so it was not sent. Please check your "
        "ticket and send it again: everything you typed is still here."
    )


def _notice(what, wait):
    return (
        f"{what}. Please wait {minutes(wait)} and send it again: everything you typed is "
        f"still here. In a hurry? Email {settings.SUPPORT_EMAIL}."
    )


def _keep(request):
    return request.POST.getlist("keep_files")[:50]


def _accepted(form):
    form.is_valid()  # the files field reads and checks the uploads
    return getattr(form.fields["files"], "accepted", [])


def _form_files(request, form):
    """The ticket's files: kept from earlier sends of the same form, and those sent now."""
    return attachments.for_form(form.data.get("intake", "")[:40], _accepted(form), _keep(request))


def _set_aside(request, form):
    """The files of a form that comes back with errors, kept for its next send."""
    return attachments.set_aside(
        form.data.get("intake", "")[:40],
        _accepted(form),
        _keep(request),
        network=network(request),
    )


@require_GET
def ticket_suggestions(request):
    """The "These may solve it" list, refreshed while the subject or error is typed."""
    runbook, _ = _from_runbook(request)
    results = suggestions_for(
        request.GET.get("subject", "")[:200],
        request.GET.get("error_message", "")[:500],
        besides=runbook,
    )
    context = {
        "suggestions": results,
        "reply": answer_for(request.GET.get("subject", ""), besides=runbook),
        "intake": request.GET.get("intake", "")[:40],
    }
    return TemplateResponse(request, "tickets/ticket_create.html#suggestions", context)


@require_GET
def suggestion_open(request, pk):
    """Counts a suggestion opened from the form (for the deflection rate), then goes to it.
    The target comes from the index, never from the request."""
    document = get_object_or_404(SearchDocument, pk=pk)
    intake = request.GET.get("intake", "")[:40]
    counted = get_usage(
        request, group="tickets:suggestion", key="ip", rate="120/h", method="GET", increment=True
    )
    if intake and not (counted and counted["should_limit"]):
        SuggestionOpen.objects.create(intake=intake, url=document.url, title=document.title[:300])
    # An answer's citation: the passage's own place on the page (a passage of this document).
    passage = row_id(request.GET.get("passage", ""))
    if passage is not None:
        cited = Passage.objects.filter(pk=passage, document=document).first()
        if cited is not None:
            return redirect(cited.url)
    return redirect(document.url)


RECEIPT_SALT = "tickets.receipt"


def _receipt(ticket):
    """A signed, short-lived note of which ticket was just sent (0 for a bot's). The
    confirmation shows the reference, never the private link: that goes to the email
    address only, so nobody reads replies meant for an address they typed."""
    return signing.dumps(ticket.pk if ticket else 0, salt=RECEIPT_SALT, compress=True)


def _same_form_ticket(form):
    intake = form.cleaned_data.get("intake")
    if not intake:
        return None
    return (
        Ticket.objects.for_address(form.cleaned_data["email"])
        .filter(intake=intake, created_at__gte=timezone.now() - timedelta(hours=1))
        .first()
    )


@never_cache
@require_GET
def ticket_sent(request, receipt):
    try:
        pk = signing.loads(receipt, salt=RECEIPT_SALT, max_age=RECEIPT_MAX_AGE)
    except signing.BadSignature:
        raise Http404 from None
    ticket = Ticket.objects.filter(pk=pk).first() if pk else None
    if pk and ticket is None:
        raise Http404
    context = {"ticket": ticket, "link_days": settings.TICKET_LINK_DAYS}
    return TemplateResponse(request, "tickets/ticket_sent.html", context)
