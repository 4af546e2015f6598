"""Email in. Every path (the `receive_email` pipe, provider webhooks: mail.providers) calls
`receive()`, which stores the raw message and nothing else; a task then calls `process()`,
which reads it (mail.inbound.parse), decides whether a person wrote it, routes a bounce to
the app whose email bounced (mail.bounces) and hands everything else to the conversation
handler an app registered (tickets: tickets.email_in).

What a message does (docs/running/email.md; how sure each match is of the sender:
docs/running/email-security.md):
- a reply to one of our emails (In-Reply-To/References naming a Message-ID we made), or one
  to the ticket's own reply address, from the customer (or someone they copied) becomes a
  customer message, unless our receiving side saw DMARC fail for its From domain;
- a weaker match (`HC-000123` in the subject from the requester's address, or the
  customer's own earlier Message-ID) only with the From domain verified (DMARC, or aligned
  DKIM or SPF);
- an unverified match, an internal note "Unverified email claiming to be from ..." that an
  agent can accept as the customer's message; from someone else, an internal note;
- anything else from a person, a new ticket;
- auto-replies, lists, bulk mail, bounces, our own mail and a runaway sender never create a
  ticket or an email; a bounce marks the email that bounced.
"""

import hashlib
import ipaddress
import logging
from datetime import timedelta
from email.utils import parseaddr

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.tasks import task
from django.utils import timezone

from core.addresses import address_key, address_key_or_raw, mailbox_key
from core.redaction import redact_private_links
from mail import bounces, headers, outbox
from mail.inbound import auth, kinds
from mail.inbound.parse import clean, headers_only, parse, redacted_raw
from mail.models import InboundEmail

log = logging.getLogger(__name__)
Outcome = InboundEmail.Outcome


class Rejected(Exception):
    """A message that cannot be stored (retrying will not help: the sender is told)."""


def receive(raw, *, source, provider_verdicts=None, client_address="", in_web_request=False):
    """Store one raw message and queue its processing. Returns the stored row, or the one
    stored before for a message with the same Message-ID (delivered twice: kept once).
    Raises Rejected for a message over INBOUND_MAX_BYTES; any other error means it was not
    stored (the caller answers so that the sender's server retries). `provider_verdicts`:
    what a webhook provider reported in its own fields (SPF, DKIM, spam). `client_address`:
    the IP address that handed the message to the provider or mail server, when known
    (counted per network for acknowledgements). `in_web_request`:
    the message is never parsed in this process if the task backend would run it here (the
    immediate backend); the worker or `manage.py process_inbound` does."""
    if len(raw) > settings.INBOUND_MAX_BYTES:
        raise Rejected(
            f"message too big: {len(raw)} bytes, the limit is {settings.INBOUND_MAX_BYTES}"
        )
    message_id, sender, subject = headers_only(raw)
    # Without a Message-ID, the same bytes delivered twice are still one message.
    message_id = message_id or f"<sha256.{hashlib.sha256(raw).hexdigest()}@no-message-id>"
    earlier = InboundEmail.objects.filter(message_id=message_id).first()
    if earlier is not None:
        return earlier
    inbound = InboundEmail(
        size=len(raw),
        source=source[:40],
        message_id=message_id,
        sender=sender,
        sender_key=mailbox_key(sender)[:320],
        network=network_of(client_address, sender),
        subject=redact_private_links(subject),
        provider_verdicts={
            clean(key)[:50]: clean(value)[:500] for key, value in (provider_verdicts or {}).items()
        },
    )
    inbound.raw.save(f"{hashlib.sha256(raw).hexdigest()[:32]}.eml", ContentFile(raw), save=False)
    try:
        with transaction.atomic():
            inbound.save()
    except IntegrityError:  # the same message, stored by a parallel delivery just now
        inbound.raw.delete(save=False)
        return InboundEmail.objects.get(message_id=message_id)
    transaction.on_commit(lambda: _enqueue(inbound.pk, in_web_request=in_web_request))
    return inbound


def network_of(client_address, sender):
    """The network a message came from, for limits: the connecting address's /24 (IPv4) or
    /48 (IPv6) when known, else the sender's domain."""
    try:
        ip = ipaddress.ip_address(client_address.strip().strip("[]"))
    except ValueError:
        domain = address_key_or_raw(sender).rpartition("@")[2]
        return f"domain:{domain}"[:100]
    prefix = 24 if ip.version == 4 else 48
    return f"ip:{ipaddress.ip_network(f'{ip}/{prefix}', strict=False)}"


def _enqueue(inbound_id, *, in_web_request=False):
    """To the worker; it stays "received" (the clock's mail.inbound_waiting, or `manage.py
    process_inbound`, picks it up) when the backend is down, or when it would run here in a
    web request (the immediate backend)."""
    from django.tasks.backends.immediate import ImmediateBackend

    if in_web_request and isinstance(process_inbound_email.get_backend(), ImmediateBackend):
        log.info("Inbound email %s waits for manage.py process_inbound", inbound_id)
        return
    outbox.enqueue(process_inbound_email, inbound_id)


@task
def process_inbound_email(inbound_id):
    return process(inbound_id)


# The one handler of conversations (tickets.email_in.handle): called with the stored email
# and its reading for every message a person wrote; it sets the email's outcome and detail.
_conversation_handler = None


def handle_conversations_with(handler):
    global _conversation_handler
    _conversation_handler = handler


def process(inbound_id):
    """Act on one stored message, once. Never raises: a failure is recorded on the message,
    which stays stored and can be processed again from the admin."""
    try:
        with transaction.atomic():
            inbound = (
                InboundEmail.objects.select_for_update()
                .filter(pk=inbound_id, state__in=[InboundEmail.State.RECEIVED, "failed"])
                .first()
            )
            if inbound is None:
                return "nothing to do"
            with inbound.raw.open("rb") as stored:
                raw = stored.read()
            parsed = parse(raw)
            _redact(parsed)
            provided = auth.provider_results(inbound.provider_verdicts)
            inbound.verdicts = auth.shown(parsed.results + provided)
            inbound.full_text = parsed.text[:100_000]
            drop = _why_drop(inbound, parsed)
            if drop:
                inbound.state, (inbound.outcome, inbound.detail) = "dropped", drop
            else:
                if _conversation_handler is None:
                    raise RuntimeError("No app handles conversations (tickets registers one).")
                _conversation_handler(inbound, parsed)
                inbound.state = InboundEmail.State.PROCESSED
            inbound.processed_at = timezone.now()
            inbound.save()
            return inbound.outcome
    except Exception as error:
        log.exception("Inbound email %s could not be processed", inbound_id)
        InboundEmail.objects.filter(pk=inbound_id).update(
            state=InboundEmail.State.FAILED,
            detail=clean(f"{type(error).__name__}: {error}")[:1000],
            processed_at=timezone.now(),
        )
        return "failed"


def _redact(parsed):
    """Nothing stored from an email carries a private link's token: a customer's reply that
    quotes our email would hand whoever reads it their ticket (core.redaction)."""
    parsed.subject = redact_private_links(parsed.subject)
    parsed.text = redact_private_links(parsed.text)
    parsed.reply = redact_private_links(parsed.reply)
    for file in parsed.files:
        if not file.content:
            continue  # too big to keep
        if file.name.lower().endswith(".eml"):
            file.content = redacted_raw(file.content) or b""  # beyond the limits: not kept
            if not file.content:
                parsed.notes.append(f"{file.name}: an email too complex to check for links.")
        else:
            try:
                text = file.content.decode("utf-8")
            except UnicodeDecodeError:
                continue  # not text: images, PDFs, archives are kept as they came
            file.content = redact_private_links(text).encode("utf-8")
        file.size = len(file.content)


def is_our_address(address):
    """One of our own addresses (a plus address of one included)."""
    ours = {settings.SUPPORT_EMAIL, settings.DEFAULT_FROM_EMAIL, settings.SERVER_EMAIL}
    keys = {address_key_or_raw(parseaddr(a)[1]) for a in ours}
    local, _, domain = address_key_or_raw(address).rpartition("@")
    return f"{local.partition('+')[0]}@{domain}" in keys


def _why_drop(inbound, parsed):
    """(outcome, detail) for a message that must create nothing, else None."""
    if parsed.bounce:
        if _too_many(inbound, [Outcome.BOUNCE]):
            return Outcome.TOO_MANY, _too_many_detail()
        return Outcome.BOUNCE, _mark_bounced(parsed.bounce)
    if parsed.report:
        return REPORTS[parsed.report], REPORT_DETAILS[parsed.report]
    if is_our_address(parsed.sender) or headers.is_ours(parsed.message_id):
        return Outcome.OWN, "sent by this help center"
    if parsed.automatic:
        return (Outcome.BULK if parsed.bulk else Outcome.AUTO_REPLY), parsed.automatic
    if parsed.bad_from:
        return Outcome.UNREADABLE, f"no single sender: {parsed.bad_from}"
    try:
        address_key(parsed.sender)
    except ValueError:
        return Outcome.UNREADABLE, f"no usable sender address ({parsed.sender[:80]!r})"
    if _too_many(inbound, [Outcome.NEW_TICKET, Outcome.REPLY, Outcome.NOTE]):
        return Outcome.TOO_MANY, _too_many_detail()
    return None


REPORTS = {
    kinds.DELAYED: Outcome.DELAYED,
    kinds.RECEIPT: Outcome.RECEIPT,
    kinds.ABUSE: Outcome.ABUSE_REPORT,
}
REPORT_DETAILS = {
    kinds.DELAYED: "a delay warning: the receiving server still tries, nothing marked",
    kinds.RECEIPT: "a read or delivery receipt",
    kinds.ABUSE: "an abuse (ARF) report: someone marked an email of ours as spam",
}


def _too_many(inbound, outcomes):
    """Whether this sender already reached INBOUND_PER_SENDER_PER_HOUR messages that acted
    (tickets, replies, notes; bounces, which stop subscriptions, are counted apart)."""
    since = timezone.now() - timedelta(hours=1)
    recent = InboundEmail.objects.filter(
        sender_key=inbound.sender_key, received_at__gte=since, outcome__in=outcomes
    ).exclude(pk=inbound.pk)
    return recent.count() >= settings.INBOUND_PER_SENDER_PER_HOUR


def _too_many_detail():
    return f"more than {settings.INBOUND_PER_SENDER_PER_HOUR} in an hour from this sender"


def _mark_bounced(bounce: kinds.Bounce) -> str:
    """The emails that bounced are marked by the app that sent them (mail.bounces). Only a
    well-formed delivery report naming the whole Message-ID of an email we sent marks
    anything."""
    if not bounce["report"]:
        return "looks like a bounce but is no delivery report: nothing marked"
    ids = [message_id for message_id in bounce["message_ids"] if message_id]
    why = " ".join(filter(None, [bounce["status"], bounce["diagnostic"]])) or "bounced"
    done = bounces.route(ids, permanent=bounce["status"].startswith("5"), why=why)
    return f"{done}: {why}"[:1000]
