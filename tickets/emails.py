"""Ticket emails: what they say, rendered and stored as OutboundEmail rows inside the caller's
transaction, then sent through the mail gateway (mail.outbox, mail.transport) once that
transaction commits."""

import logging
import re

from django.conf import settings
from django.db import transaction
from django.tasks import task
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from core.addresses import address_key_or_raw
from mail import outbox, transport
from mail.links import absolute
from tickets import mailthread, satisfaction
from tickets.models import (
    TO_CUSTOMER,
    EmailKind,
    OutboundEmail,
    RequestsLink,
    Ticket,
    TicketLink,
    TicketMessage,
)

log = logging.getLogger(__name__)


def render(kind, context):
    """Subject and body as plain text (the "text" engine escapes nothing)."""
    subject = render_to_string(f"tickets/email/{kind}_subject.txt", context, using="text")
    body = render_to_string(f"tickets/email/{kind}.txt", context, using="text")
    return " ".join(subject.split()), body.strip() + "\n"


# Where a private link goes in a stored body: "[private link 1]" opens the first ticket of
# the email's `link_tickets`. The link itself is minted only when the email is sent.
LINK_PLACEHOLDER = "[private link {}]"
LINK_PLACEHOLDER_RE = re.compile(r"\[private link (\d{1,3})\]")
REQUESTS_PLACEHOLDER = "[my requests link]"


def _context(ticket, kind):
    return {
        "ticket": ticket,
        # Emails to the customer carry a private link to the ticket; emails to staff, the
        # admin's.
        "ticket_url": LINK_PLACEHOLDER.format(1) if kind in TO_CUSTOMER else "",
        "admin_url": absolute(reverse("admin:tickets_ticket_change", args=[ticket.pk])),
        "link_days": settings.TICKET_LINK_DAYS,
        "support_email": settings.SUPPORT_EMAIL,
        "survey": dict(zip(("good", "bad"), satisfaction.PLACEHOLDERS, strict=True)),
    }


def _store(ticket, kind, to, context, link_tickets=()):
    subject, body = render(kind, context)
    in_reply_to, references = mailthread.thread_for(ticket, kind)
    email = OutboundEmail.objects.create(
        ticket=ticket,
        kind=kind,
        to=to,
        subject=subject[:300],
        body=body,
        link_tickets=[t.pk for t in link_tickets],
        message_id=mailthread.new_message_id(),
        in_reply_to=in_reply_to,
        references=references,
    )
    outbox.enqueue_on_commit(deliver_email, email.pk)
    return email


def queue(ticket, kind, to, *, message=None, extra=None):
    """Store one email about `ticket`; `message` is the reply or note it carries (by default
    the latest of its kind)."""
    context = {**_context(ticket, kind), **(extra or {})}
    if kind == EmailKind.STAFF_REPLY:
        message = message or ticket.messages.filter(is_internal=False).last()
    elif kind == EmailKind.STAFF_CUSTOMER_REPLY:
        message = (
            message or ticket.messages.filter(author_kind=TicketMessage.Author.CUSTOMER).last()
        )
    if message is not None:
        if message.is_internal and kind in TO_CUSTOMER:
            # The one place every customer email is built: a note can never get into one.
            raise ValueError(f"An internal note is never sent to the customer ({kind}).")
        context["reply"] = message
        context["files"] = list(message.attachments.all())
    link_tickets = [ticket] if kind in TO_CUSTOMER else []
    if kind == EmailKind.TICKET_RECEIVED:
        context["subject_shown"] = subject_for_unverified(ticket.subject)
    elif kind in TO_CUSTOMER:
        context["conversation"] = conversation(ticket, without=message)
    return _store(ticket, kind, to, context, link_tickets)


def queue_merged(duplicate, kept):
    """Tell the customer of a merged ticket where the conversation continues: the email
    threads with the duplicate, and its private link opens the ticket kept."""
    context = {
        **_context(duplicate, EmailKind.TICKET_MERGED),
        "kept": kept,
        "conversation": conversation(duplicate),
    }
    return _store(duplicate, EmailKind.TICKET_MERGED, duplicate.email, context, [kept])


# A word that may name a place: a link, an address, a domain name (a dot before a letter).
# Full stops of other scripts count too.
DOMAIN_LIKE_RE = re.compile(r"\S*(?:://|@|[.\u3002\uff0e\uff61][^\W\d_])\S*")
SUBJECT_SHOWN_CHARS = 80


def subject_for_unverified(subject):
    """The subject the customer gave, repeated in the acknowledgement (so two requests can be
    told apart in an inbox), but without what makes a stranger's text worth sending to
    someone else's address through our form: links, addresses and domain names become "…",
    and it is cut at SUBJECT_SHOWN_CHARS."""
    words = " ".join(DOMAIN_LIKE_RE.sub("…", subject).split())
    if len(words) > SUBJECT_SHOWN_CHARS:
        words = words[: SUBJECT_SHOWN_CHARS - 1].rstrip() + "…"
    return "" if words.strip("… ") == "" else words


# How many earlier messages a customer email quotes below the new one.
QUOTED_MESSAGES = 10


def conversation(ticket, *, without=None):
    """What the customer and support said before, newest first, quoted under the new
    message as mail clients do (never an internal note, nor the help center's own lines)."""
    messages = (
        ticket.public_messages()
        .exclude(author_kind=TicketMessage.Author.SYSTEM)
        .select_related("author", "ticket")
        .order_by("-created_at", "-pk")
    )
    if without is not None:
        messages = messages.exclude(pk=without.pk)
    return list(messages[:QUOTED_MESSAGES])


def queue_requests_link(tickets, to):
    """One email to `to` (the address stored on `tickets`) with a "My requests" link that
    lists them all."""
    context = {
        "tickets": tickets,
        "requests_url": REQUESTS_PLACEHOLDER,
        "link_days": settings.TICKET_LINK_DAYS,
    }
    return _store(None, EmailKind.TICKET_LINKS, to, context)


def with_links(email):
    """The body to send: each placeholder replaced by a freshly minted link to its ticket.
    Only tickets the email was queued with get links; text that merely looks like a
    placeholder for a number beyond them stays as it is."""
    tickets = Ticket.objects.in_bulk(email.link_tickets)
    urls = {}
    for n, pk in enumerate(email.link_tickets, 1):
        ticket = tickets.get(pk)
        urls[str(n)] = (
            absolute(TicketLink.objects.mint(ticket)) if ticket else "(this ticket was deleted)"
        )
    body = LINK_PLACEHOLDER_RE.sub(lambda m: urls.get(m.group(1), m.group(0)), email.body)
    if email.ticket_id and email.kind in TO_CUSTOMER:
        for placeholder, rating in satisfaction.PLACEHOLDERS.items():
            if placeholder in body:
                url = absolute(satisfaction.survey_path(email.ticket, rating))
                body = body.replace(placeholder, url)
    if email.kind == EmailKind.TICKET_LINKS and REQUESTS_PLACEHOLDER in body:
        link = absolute(RequestsLink.objects.mint(address_key_or_raw(email.to)))
        body = body.replace(REQUESTS_PLACEHOLDER, link)
    return body


@task
def deliver_email(email_id):
    return deliver(email_id)


def deliver(email_id):
    """Send one stored email. Never raises: a failure is recorded and retried later."""
    with transaction.atomic():
        email = (
            OutboundEmail.objects.select_for_update()
            .filter(pk=email_id)
            .exclude(state__in=[OutboundEmail.State.SENT, OutboundEmail.State.BOUNCED])
            .first()
        )
        if email is None:
            return "nothing to send"
        if email.state == OutboundEmail.State.FAILED and email.next_attempt_at > timezone.now():
            return "not due"  # a deferred retry and the cron job must not both spend a try
        # Links are minted in a savepoint: if the send fails they are dropped with it.
        minted = transaction.savepoint_create()
        message = transport.message(
            subject=email.subject,
            body=with_links(email),
            to=[email.to],
            # Customers answer by email (it lands on the ticket); staff answer in the admin.
            reply_to=[mailthread.reply_address(email.ticket)]
            if email.kind in TO_CUSTOMER
            else None,
            headers=mailthread.headers_for(email),
            branded=email.kind in TO_CUSTOMER,
        )
        email.attempts += 1
        try:
            transport.send(message)
        except Exception as error:
            transaction.savepoint_rollback(minted)
            unsendable = isinstance(error, transport.Unsendable)
            retry_at = email.schedule_retry(
                f"{type(error).__name__}: {error}", permanent=unsendable
            )
            email.state = OutboundEmail.State.FAILED if retry_at else OutboundEmail.State.GAVE_UP
            email.save()
            log.warning("Email %s (%s) failed: %s", email.pk, email.kind, email.last_error)
            if unsendable:
                _tell_staff_not_sent(email, error)
            if retry_at:
                transaction.on_commit(
                    lambda: outbox.enqueue(deliver_email, email.pk, run_after=retry_at)
                )
            return "failed"
        transaction.savepoint_commit(minted)
        email.state = OutboundEmail.State.SENT
        email.sent_at = timezone.now()
        email.last_error = ""
        email.save()
        return "sent"


def _tell_staff_not_sent(email, error):
    """An email no retry can send (mail.transport.Unsendable: an internationalised address
    without SMTPUTF8) is given up at once, and its ticket says so where staff read it."""
    if email.ticket_id is None:
        return
    TicketMessage.objects.create(
        ticket_id=email.ticket_id,
        author_kind=TicketMessage.Author.SYSTEM,
        body=f"Email not sent: {email.get_kind_display()}. {error}",
        is_internal=True,
    )


def bounced(message_ids: list[str], *, permanent: bool, why: str) -> int:
    """Ticket emails that bounced are marked (mail.bounces routes our prefix here)."""
    emails = OutboundEmail.objects.filter(message_id__in=message_ids).exclude(message_id="")
    return emails.update(state=OutboundEmail.State.BOUNCED, last_error=f"Bounced: {why}"[:1000])


def due_for_retry(now=None):
    now = now or timezone.now()
    return OutboundEmail.objects.filter(
        state__in=[OutboundEmail.State.PENDING, OutboundEmail.State.FAILED],
        next_attempt_at__lte=now,
    )
