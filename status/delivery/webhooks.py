"""Webhooks: the Statuspage JSON (or a chat message) POSTed to the subscriber's URL, signed
with HMAC-SHA256, a few at a time, never to a private address (core.safehttp).

A JSON webhook is signed twice with the subscriber's secret: the Standard Webhooks headers
(mail.webhooks: webhook-id, webhook-timestamp, webhook-signature; the timestamp is signed,
so a request replayed later is refused), and X-Status-Signature-256 (the body alone), kept
for receivers written before. The secret is 64 hex characters; its ASCII bytes are the
HMAC key of both, which Standard Webhooks libraries take as `whsec_` + base64 of those
bytes (signing_key, standard_secret: shown at registration).
"""

import hashlib
import hmac
import json
from concurrent.futures import ThreadPoolExecutor
from itertools import batched

from django.conf import settings
from django.utils import timezone

from mail import chat, webhooks
from mail.links import absolute
from mail.webhooks import signature_headers, standard_secret
from status import links
from status.delivery import records
from status.models import Channel
from status.payloads import WebhookMeta

USER_AGENT = "helpcenter-status/1 (+webhooks)"
DOCUMENTATION = "/status/subscribe/#webhooks"


def signing_key(secret):
    """The HMAC key of a subscriber's secret: its characters' bytes."""
    return secret.encode()


def signature(secret, body):
    """The X-Status-Signature-256 header: HMAC-SHA256 of the raw body, hex."""
    return "sha256=" + hmac.new(signing_key(secret), body, hashlib.sha256).hexdigest()


def secret_for_libraries(secret):
    """The subscriber's secret as Standard Webhooks libraries take it (whsec_...)."""
    return standard_secret(signing_key(secret))


def message_id(delivery):
    """The webhook-id: one per notification and subscriber, the same on every retry."""
    return f"msg_{delivery.notification.code}_{delivery.subscriber.code}"


def webhook_body(delivery) -> bytes:
    """A JSON subscriber's body is `meta` and the notification's payload
    (status.payloads.NotificationPayload); a chat subscriber's, the text alone."""
    subscriber, notification = delivery.subscriber, delivery.notification
    if subscriber.channel == Channel.CHAT:
        return chat.body(notification.chat_text)
    meta: WebhookMeta = {
        "unsubscribe": links.link(subscriber, "unsubscribe"),
        "documentation": absolute(DOCUMENTATION),
        "event": notification.event,
        "delivery_id": f"{notification.code}.{subscriber.code}",
    }
    return json.dumps({"meta": meta, **notification.payload}, separators=(",", ":")).encode()


def post(delivery):
    """(status code or None, error text or "") for one webhook: runs in a thread, no
    database access."""
    subscriber = delivery.subscriber
    body = webhook_body(delivery)
    headers = {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        "X-Status-Event": delivery.notification.event,
        "X-Status-Delivery": f"{delivery.notification.code}.{subscriber.code}",
    }
    if subscriber.secret:
        headers["X-Status-Signature-256"] = signature(subscriber.secret, body)
        headers.update(
            signature_headers(
                key=signing_key(subscriber.secret), msg_id=message_id(delivery), body=body
            )
        )
    options = {
        "timeout": settings.STATUS_WEBHOOK_TIMEOUT,
        "allow_private": settings.STATUS_WEBHOOK_ALLOW_PRIVATE,
    }
    if subscriber.channel == Channel.CHAT:  # the one path of chat messages (mail.chat)
        outcome = chat.post(subscriber.url, body, headers=headers, **options)
    else:
        outcome = webhooks.post(subscriber.url, body, headers=headers, **options)
    return outcome.status, outcome.error


def send_all(deliveries, outcome, later):
    if not deliveries:
        return
    with ThreadPoolExecutor(max_workers=settings.STATUS_WEBHOOK_CONCURRENCY) as pool:
        # A few at a time, each claimed just before: a worker that dies leaves at most that
        # few claimed.
        for chunk in batched(deliveries, settings.STATUS_WEBHOOK_CONCURRENCY):
            claimed = [d for d in chunk if records.claim(d, timezone.now())]
            for delivery, (status, error) in zip(claimed, pool.map(post, claimed), strict=True):
                if error:
                    records.failed(delivery, error, later, response_status=status)
                    outcome["failed"] += 1
                else:
                    records.sent(delivery, response_status=status)
                    outcome["sent"] += 1
