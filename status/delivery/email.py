"""Status emails: one message per delivery, over a few SMTP connections kept open for a
batch; RFC 8058 one-click unsubscribe, and a Message-ID that stays the same on every try."""

import logging
import smtplib
import threading
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait

from django.conf import settings
from django.core.mail import mailers
from django.template.loader import render_to_string
from django.utils import timezone

from mail import headers as mail_headers
from mail import transport
from status import links
from status.delivery import records
from status.models import Delivery
from status.models.subscriptions import new_message_id

log = logging.getLogger("status.delivery")


def message_id(delivery):
    """The delivery's stored Message-ID; one queued before they were stored gets it now
    (a bounce is matched by the whole of it: status.subscriptions.bounced)."""
    if not delivery.message_id:
        candidate = new_message_id()
        Delivery.objects.filter(pk=delivery.pk, message_id="").update(message_id=candidate)
        delivery.message_id = (
            Delivery.objects.filter(pk=delivery.pk).values_list("message_id", flat=True).first()
            or candidate
        )
    return delivery.message_id


def headers(delivery, unsubscribe):
    notification = delivery.notification
    found = {
        # The same Message-ID on every try: a message sent twice is recognisably one.
        "Message-ID": message_id(delivery),
        **mail_headers.automatic(),
    }
    if notification is not None:
        # RFC 8058: the mail client unsubscribes by one POST, without a login.
        name = f"{settings.STATUS_PAGE_NAME} status"
        found.update(
            mail_headers.mailing_list(name=name, list_key="status", unsubscribe_url=unsubscribe)
        )
        if notification.incident_id:  # updates of one incident thread together
            thread = f"<status.incident.{notification.incident.code}@{mail_headers.mail_domain()}>"
            found.update({"References": thread, "In-Reply-To": thread})
    return found


def message_for(delivery):
    subscriber = delivery.subscriber
    unsubscribe = links.link(subscriber, "unsubscribe")
    context = {
        "subscriber": subscriber,
        "page_name": settings.STATUS_PAGE_NAME,
        "manage_url": links.link(subscriber, "manage"),
        "unsubscribe_url": unsubscribe,
        "notification": delivery.notification,
    }
    if delivery.purpose == Delivery.Purpose.CONFIRMATION:
        context["confirm_url"] = links.link(subscriber, "confirm")
    if delivery.purpose == Delivery.Purpose.NOTIFICATION:
        subject = delivery.notification.subject
    else:
        subject = render_to_string(
            f"status/email/{delivery.purpose}_subject.txt", context, using="text"
        )
    body = render_to_string(f"status/email/{delivery.purpose}.txt", context, using="text")
    return transport.message(
        subject=subject,
        body=body.strip() + "\n",
        to=[subscriber.email],
        headers=headers(delivery, unsubscribe),
        branded=True,
    )


# The server answered about this one message: the next ones may go through.
MESSAGE_ERRORS = (smtplib.SMTPRecipientsRefused, smtplib.SMTPResponseException, ValueError)


def send_all(deliveries, outcome, later):
    """Over STATUS_SMTP_CONNECTIONS connections at once, each kept open for the batch. Rows
    are claimed, rendered and marked here; only the SMTP conversations run in threads."""
    if not deliveries:
        return
    local, opened, in_flight = threading.local(), [], {}
    broken = None

    def send_one(message):
        if getattr(local, "mailer", None) is None:
            local.mailer = mailers["default"]
            local.mailer.open()
            opened.append(local.mailer)
        transport.send(message, connection=local.mailer)

    def settle(futures):
        nonlocal broken
        for future in futures:
            delivery, error = in_flight.pop(future), future.exception()
            if error is None:
                records.sent(delivery)
                outcome["sent"] += 1
                continue
            records.failed(delivery, f"{type(error).__name__}: {error}", later)
            outcome["failed"] += 1
            if not isinstance(error, MESSAGE_ERRORS):
                broken = error  # the server is down or the connection broke

    connections = settings.STATUS_SMTP_CONNECTIONS
    with ThreadPoolExecutor(max_workers=connections) as pool:
        try:
            for n, delivery in enumerate(deliveries):
                if len(in_flight) >= connections:
                    settle(wait(in_flight, return_when=FIRST_COMPLETED).done)
                if broken is not None:
                    # The rest waits for the first retry instead of each timing out in turn.
                    reason = f"Not tried: {type(broken).__name__}: {broken}"
                    records.postpone(deliveries[n:], reason, later)
                    break
                if not records.claim(delivery, timezone.now()):
                    continue
                try:
                    message = message_for(delivery)
                except Exception as error:
                    records.failed(delivery, f"{type(error).__name__}: {error}", later)
                    outcome["failed"] += 1
                    continue
                in_flight[pool.submit(send_one, message)] = delivery
        finally:
            # Also when the worker is being stopped: what was sent is recorded as sent.
            settle(wait(in_flight).done)
    for mailer in opened:
        try:
            mailer.close()
        except Exception:
            log.warning("Closing a mail connection failed", exc_info=True)
