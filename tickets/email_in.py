"""Email conversations into tickets: the handler mail.inbound calls for every message a
person wrote (registered in tickets.apps). It finds the ticket a message answers and how
surely (docs/running/email-security.md), then adds the customer's reply, an internal note,
or a new ticket, with the files the email brought."""

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import ngettext

from core.addresses import address_key, address_key_or_raw
from core.categories import SupportCategory
from mail.inbound import auth, is_our_address
from mail.models import InboundEmail
from tickets import attachments, mailthread, services
from tickets.models import Ticket, TicketStatus


def handle(inbound, parsed):
    """Act on one message a person wrote (mail.inbound.process calls it, in its transaction)."""
    _act(inbound, parsed)


def _files(parsed, ticket):
    """Store the files an email brought; (stored, notes on those not kept)."""
    stored, notes = [], []
    room = attachments.room_left(ticket)
    for file in parsed.files[: settings.TICKET_ATTACHMENTS_PER_MESSAGE]:
        try:
            kind, content_type = attachments.check(
                file.name, file.content[:65536], len(file.content)
            )
            if len(file.content) > room:
                raise ValidationError(f"{file.name}: the ticket has no room for more files.")
        except ValidationError as error:
            notes.append(error.messages[0])
            continue
        room -= file.size
        stored.append(
            attachments.store(file.name, file.content, kind=kind, content_type=content_type)
        )
    extra = len(parsed.files) - settings.TICKET_ATTACHMENTS_PER_MESSAGE
    if extra > 0:
        notes.append(
            ngettext(
                "%(n)d more file was not kept (at most %(most)d per email).",
                "%(n)d more files were not kept (at most %(most)d per email).",
                extra,
            )
            % {"n": extra, "most": settings.TICKET_ATTACHMENTS_PER_MESSAGE}
        )
    return stored, notes + parsed.notes


UNSURE = "(Quoted lines kept: no quote header showed where the new text ends.)"


def _text(parsed, notes, limit):
    text = parsed.reply or "(The email had no text.)"
    if parsed.reply_unsure:
        text += "\n\n" + UNSURE
    if len(text) > limit:
        text = text[: limit - 80].rstrip() + "\n\n(Shortened: staff can read the whole email.)"
    if notes:
        text += "\n\n" + "\n".join(f"Not kept: {note}" for note in notes)
    return text[:limit]


# How a message was matched to a ticket (docs/running/email-security.md).
STRONG = "a Message-ID we made"  # unguessable, only in emails we sent
MEDIUM = "the ticket's reply address"  # in every email of the ticket, and its Reply-To
WEAK = "a reference anyone can write"  # HC-000123, or the customer's own Message-ID


def _match(parsed):
    """(ticket or None, how it was found)."""
    ticket, ours = mailthread.ticket_from_headers(parsed.in_reply_to, parsed.references)
    if ticket is not None and ours:
        return ticket, STRONG
    by_address = mailthread.ticket_from_address(parsed.to + parsed.cc)
    if by_address is not None:
        return by_address, MEDIUM
    if ticket is not None:
        return ticket, WEAK
    return mailthread.ticket_from_subject(parsed.subject, parsed.sender), WEAK


def _unverified_why(strength, verdict, parsed):
    """Why a match from the customer's address is not taken as theirs, or ""."""
    domain = parsed.sender.rpartition("@")[2]
    if parsed.sender_from != "From":
        return f"the From header names no address; {parsed.sender} is the {parsed.sender_from}"
    if verdict == auth.FAILED:
        return f"our mail server saw DMARC fail for {domain}"
    if strength == WEAK and verdict != auth.VERIFIED:
        return f"found by {strength}, and nothing verified that it came from {domain}"
    return ""


def _act(inbound, parsed):
    ticket, strength = _match(parsed)
    if ticket is not None:
        ticket = ticket.kept()
    if ticket is None or ticket.status == TicketStatus.CLOSED:
        return _new_ticket(inbound, parsed, follows=ticket)
    results = parsed.results + auth.provider_results(inbound.provider_verdicts)
    verdict = auth.judge(results, parsed.sender)
    files, notes = _files(parsed, ticket)
    why = _unverified_why(strength, verdict, parsed)
    if ticket.speaks_for_customer(parsed.sender) and not why:
        _remember_copied(ticket, parsed)
        sender = "" if address_key(parsed.sender) == ticket.email_key else parsed.sender
        body = _text(parsed, notes, 10_000)
        services.customer_reply(ticket, body, files=files, inbound=inbound, sender=sender)
    else:
        if why:
            body = (
                f"Unverified email claiming to be from {parsed.sender} (not shown to the "
                f"customer: {why}; accept it if it is theirs):\n\n"
            )
        else:
            body = f"Email from {parsed.sender} (not the customer; not shown to them):\n\n"
        body += _text(parsed, notes, 9_000)
        services.email_note(ticket, body, inbound=inbound, sender=parsed.sender, files=files)
    inbound.detail = f"on {ticket.reference}" + (f" (unverified: {why})" if why else "")


def _copied(addresses, known=()):
    """The people copied on an email, less us and those already `known` (address keys)."""
    seen, people = set(known), []
    for address in addresses:
        key = address_key_or_raw(address)
        if key not in seen and not is_our_address(address):
            seen.add(key)
            people.append(address)
    return people


def _remember_copied(ticket, parsed):
    """People the requester copies on an email to us may answer for them."""
    if address_key(parsed.sender) != ticket.email_key:
        return
    new = _copied(parsed.cc, {ticket.email_key, *map(address_key_or_raw, ticket.cc)})
    if new:
        ticket.cc = (ticket.cc + new)[:20]
        Ticket.objects.filter(pk=ticket.pk).update(cc=ticket.cc)


def _new_ticket(inbound, parsed, *, follows=None):
    subject = parsed.subject or "(no subject)"
    description = _text(parsed, [], 4_900)
    if follows is not None:
        description = f"(Follow-up to {follows.reference}, which is closed.)\n\n{description}"
    ticket = Ticket(
        name=parsed.sender_name,
        email=parsed.sender,
        subject=subject[:200],
        description=description[:5000],
        category=SupportCategory.OTHER,
    )
    files, notes = _files(parsed, None)
    if notes:
        ticket.description = _text(parsed, notes, 5000)
    ticket.cc = _copied(parsed.cc, {address_key_or_raw(parsed.sender)})[:20]
    why_not = _why_not_acknowledge(inbound)
    inbound.acknowledged = not why_not
    services.create_ticket(ticket, files=files, inbound=inbound, acknowledge=not why_not)
    inbound.detail = f"created {ticket.reference}" + (
        f"; not acknowledged: {why_not}" if why_not else ""
    )


def _why_not_acknowledge(inbound):
    """Acknowledgements go to whatever address a message claims: capped per network and
    overall, so forged mail cannot turn us into a mail cannon (the ticket is opened all the
    same; staff see why it was not acknowledged)."""
    since = timezone.now() - timedelta(hours=1)
    sent = InboundEmail.objects.filter(acknowledged=True, received_at__gte=since)
    if sent.filter(network=inbound.network).count() >= settings.INBOUND_ACKS_PER_NETWORK_PER_HOUR:
        return (
            f"{settings.INBOUND_ACKS_PER_NETWORK_PER_HOUR} acknowledgements in the last hour "
            f"to mail from {inbound.network.partition(':')[2]}"
        )
    if sent.count() >= settings.INBOUND_ACKS_PER_HOUR:
        return f"{settings.INBOUND_ACKS_PER_HOUR} acknowledgements in the last hour"
    return ""
