"""How ticket emails thread: the Message-IDs we give them, what each one answers, and the
reply address that leads back to the ticket. The outbox writes these headers; inbound mail
is matched against them."""

import re
from email.utils import parseaddr

from django.conf import settings
from django.contrib.contenttypes.models import ContentType

from core.addresses import address_key_or_raw
from mail import headers
from mail.models import InboundEmail
from tickets.models import TO_CUSTOMER, EmailKind, OutboundEmail, Ticket

MAX_REFERENCES = 10
MESSAGE_ID = re.compile(r"<[^<>\s]{1,498}>")
REFERENCE = re.compile(r"\b(HC-\d{6,})\b")
# Emails nobody wrote by hand: they must not draw automatic answers (RFC 3834).
AUTOMATIC = {
    EmailKind.TICKET_RECEIVED,
    EmailKind.PENDING_REMINDER,
    EmailKind.TICKET_AUTO_RESOLVED,
    EmailKind.TICKET_LINKS,
    EmailKind.STAFF_NEW_TICKET,
    EmailKind.STAFF_CUSTOMER_REPLY,
    EmailKind.STAFF_SOLVED,
    EmailKind.TRIGGER_EMAIL,  # a rule's email (the reminder after days waiting, ...)
}


MESSAGE_ID_PREFIX = "tickets"  # registered with mail.bounces (tickets.apps)


def new_message_id():
    """A Message-ID nobody can guess (mail.headers): naming one in In-Reply-To or
    References is how a reply proves it answers an email we sent."""
    return headers.new_message_id(MESSAGE_ID_PREFIX)


def is_ours(message_id):
    """A ticket email's Message-ID (ours, come back to us)."""
    return headers.prefix_of(message_id) == MESSAGE_ID_PREFIX


def message_ids(header):
    """The Message-IDs in a References or In-Reply-To header, in order."""
    return MESSAGE_ID.findall(header or "")[-50:]


def thread_for(ticket, kind):
    """(in_reply_to, references) for a new email on `ticket`: the customer's thread holds
    the emails we sent them and the emails they sent us; staff notifications have their own."""
    if ticket is None:
        return "", ""
    to_customer = kind in TO_CUSTOMER
    sent = OutboundEmail.objects.filter(ticket=ticket).exclude(message_id="")
    sent = sent.filter(kind__in=TO_CUSTOMER) if to_customer else sent.exclude(kind__in=TO_CUSTOMER)
    dated = list(sent.values_list("created_at", "message_id"))
    if to_customer:
        received = ticket.inbound_emails.filter(outcome=InboundEmail.Outcome.NEW_TICKET)
        received |= ticket.inbound_emails.filter(outcome=InboundEmail.Outcome.REPLY)
        dated += list(received.exclude(message_id="").values_list("received_at", "message_id"))
    ids = [message_id for _, message_id in sorted(dated)][-MAX_REFERENCES:]
    return (ids[-1] if ids else ""), " ".join(ids)


def reply_address(ticket):
    """Where the customer's replies go: the ticket's own address with plus addressing
    (support+<token>@...), else the support address."""
    name, address = parseaddr(settings.SUPPORT_EMAIL)
    local, _, domain = address.rpartition("@")
    if settings.INBOUND_PLUS_ADDRESSING and ticket is not None and local and domain:
        return f"{local}+{ticket.reply_token}@{domain}"
    return address


def headers_for(email):
    """The threading and loop-prevention headers of one stored email."""
    found = {"Message-ID": email.message_id}
    if email.in_reply_to:
        found["In-Reply-To"] = email.in_reply_to
        found["References"] = email.references
    if email.kind in AUTOMATIC:
        found.update(headers.automatic())
    return found


def ticket_from_headers(in_reply_to, references):
    """(ticket, ours) for the Message-IDs an email names, newest first: `ours` when one is
    a Message-ID of an email we sent (unguessable); else a match by the customer's own
    earlier email on the ticket (its Message-ID is theirs: others may know it)."""
    ids = list(reversed(message_ids(in_reply_to) + message_ids(references)))
    if not ids:
        return None, False
    received = InboundEmail.objects.filter(
        owner_type=ContentType.objects.get_for_model(Ticket), owner_id__isnull=False
    )
    sent = OutboundEmail.objects.filter(ticket__isnull=False)
    for found, ticket_field, ours in ((sent, "ticket_id", True), (received, "owner_id", False)):
        by_id = dict(found.filter(message_id__in=ids).values_list("message_id", ticket_field))
        for message_id in ids:
            if message_id in by_id:
                return Ticket.objects.get(pk=by_id[message_id]), ours
    return None, False


def ticket_from_address(recipients):
    """The ticket whose own reply address (support+<token>@...) is among `recipients`."""
    support_local, _, support_domain = parseaddr(settings.SUPPORT_EMAIL)[1].rpartition("@")
    for address in recipients:
        local, _, domain = address.rpartition("@")
        base, plus, token = local.partition("+")
        if plus and base.lower() == support_local.lower() and domain.lower() == support_domain:
            ticket = Ticket.objects.filter(reply_token=token.lower()[:24]).first()
            if ticket:
                return ticket
    return None


def ticket_from_subject(subject, sender):
    """The ticket named by `HC-000123` in the subject, only when `sender` is its requester
    (a reference is easy to guess; the private conversation is not)."""
    match = REFERENCE.search(subject or "")
    if not match:
        return None
    ticket = Ticket.objects.filter(reference=match.group(1)).first()
    return ticket if ticket and ticket.email_key == address_key_or_raw(sender) else None
