"""Sending deliveries: claimed, signed, POSTed a few at a time, recorded, retried; the
guarantees are status.delivery's (the same claim, lease and commit discipline)."""

import json
import logging
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from itertools import batched

from django.conf import settings
from django.db.models import F
from django.tasks import task
from django.template.loader import render_to_string
from django.utils import timezone

from api.models import WebhookDelivery, WebhookEndpoint
from api.webhooks.payloads import WebhookDocument
from mail import emails, outbox
from mail import webhooks as signing
from mail.links import absolute
from status.delivery import relaxed_commits

log = logging.getLogger("api.webhooks")
State = WebhookDelivery.State
SENDABLE = [State.PENDING, State.FAILED]
USER_AGENT = "helpcenter-webhooks/1"


@task
def send_deliveries(delivery_ids):
    return send(delivery_ids)


def body(event) -> bytes:
    """The request body: the same bytes on every try (Standard Webhooks' shape)."""
    document: WebhookDocument = {
        "type": event.type,
        "timestamp": event.created_at.isoformat().replace("+00:00", "Z"),
        "data": event.payload,
    }
    return json.dumps(document, separators=(",", ":"), sort_keys=True).encode()


def claim(chunk, now):
    """The chunk's deliveries still due, pending (or due) → sending, in three queries for
    the chunk: a disabled endpoint's are cancelled, the rest claimed by one UPDATE, and
    those it claimed (no other worker had) returned."""
    ids = [d.pk for d in chunk]
    disabled = [d.pk for d in chunk if d.endpoint.disabled_at is not None]
    sendable = WebhookDelivery.objects.filter(state__in=SENDABLE)
    if disabled:
        sendable.filter(pk__in=disabled).update(state=State.CANCELLED)
    sendable.filter(pk__in=ids, next_attempt_at__lte=now).exclude(pk__in=disabled).update(
        state=State.SENDING, claimed_at=now, last_attempt_at=now, attempts=F("attempts") + 1
    )
    mine = set(
        WebhookDelivery.objects.filter(pk__in=ids, state=State.SENDING, claimed_at=now).values_list(
            "pk", flat=True
        )
    )
    claimed = [d for d in chunk if d.pk in mine]
    for delivery in claimed:
        delivery.attempts += 1
    return claimed


def post(delivery):
    """Runs in a thread: no database access."""
    endpoint, event = delivery.endpoint, delivery.event
    return signing.deliver(
        endpoint.url,
        key=endpoint.secret.encode(),
        msg_id=event.code,
        body=body(event),
        headers={"User-Agent": USER_AGENT, "X-Helpcenter-Event": event.type},
        timeout=settings.API_WEBHOOK_TIMEOUT,
        allow_private=settings.STATUS_WEBHOOK_ALLOW_PRIVATE,
    )


def sent(delivered, now):
    """[(delivery, outcome)] delivered: recorded by one UPDATE per distinct answer (receivers
    mostly give the same: one for the chunk), and their endpoints' runs of failures ended by
    one more."""
    answers = defaultdict(list)
    for delivery, outcome in delivered:
        answers[outcome.status, outcome.excerpt].append(delivery.pk)
    for (status, excerpt), ids in answers.items():
        WebhookDelivery.objects.filter(pk__in=ids).update(
            state=State.SENT,
            sent_at=now,
            response_status=status,
            response_excerpt=excerpt,
            last_error="",
        )
    endpoints = {delivery.endpoint_id for delivery, _ in delivered}
    WebhookEndpoint.objects.filter(pk__in=endpoints, failures_in_a_row__gt=0).update(
        failures_in_a_row=0
    )


def failed(delivery, outcome, later):
    now = timezone.now()
    retry_at = outbox.next_attempt_at(delivery.attempts, now=now)
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        state=State.FAILED if retry_at else State.GAVE_UP,
        next_attempt_at=retry_at or now,
        response_status=outcome.status,
        response_excerpt=outcome.excerpt,
        last_error=outcome.error[:1000],
    )
    endpoints = WebhookEndpoint.objects.filter(pk=delivery.endpoint_id)
    endpoints.update(failures_in_a_row=F("failures_in_a_row") + 1)
    in_a_row = endpoints.values_list("failures_in_a_row", flat=True).first() or 0
    log.warning(
        "Webhook delivery %s failed (try %s): %s", delivery.pk, delivery.attempts, outcome.error
    )
    if retry_at:
        later["retries"].append(([delivery.pk], retry_at))
    if not retry_at or in_a_row >= settings.API_WEBHOOK_DISABLE_AFTER:
        reason = f"{in_a_row} failed deliveries in a row; the last: {outcome.error}"
        later["disable"].append((delivery.endpoint, reason))


def send(delivery_ids):
    """Send these deliveries (those still due). Returns {"sent": n, "failed": n}."""
    deliveries = list(
        WebhookDelivery.objects.filter(pk__in=delivery_ids, state__in=SENDABLE)
        .select_related("event", "endpoint")
        .order_by("pk")
    )
    outcome, later = {"sent": 0, "failed": 0}, {"retries": [], "disable": []}
    width = settings.API_WEBHOOK_CONCURRENCY
    with relaxed_commits(), ThreadPoolExecutor(max_workers=width) as pool:
        # A few at a time, each claimed just before: a worker that dies leaves at most that
        # few claimed (sent again after the lease, with the same webhook-id).
        for chunk in batched(deliveries, width):
            claimed = claim(chunk, timezone.now())
            results = list(zip(claimed, pool.map(post, claimed), strict=True))
            delivered = [(d, result) for d, result in results if result.delivered]
            if delivered:
                sent(delivered, timezone.now())
            outcome["sent"] += len(delivered)
            for delivery, result in results:
                if not result.delivered:
                    failed(delivery, result, later)
                    outcome["failed"] += 1
    for ids, run_after in later["retries"]:
        outbox.enqueue(send_deliveries, ids, run_after=run_after)
    for endpoint, reason in later["disable"]:
        disable(endpoint, reason=reason)
    return outcome


def disable(endpoint, *, reason):
    """Stop sending to an endpoint that keeps failing, and tell who registered it (once)."""
    now = timezone.now()
    stopped = WebhookEndpoint.objects.filter(pk=endpoint.pk, disabled_at__isnull=True).update(
        disabled_at=now, disabled_reason=reason[:300]
    )
    if not stopped:
        return False
    endpoint.deliveries.filter(state__in=SENDABLE).update(state=State.CANCELLED)
    person = endpoint.created_by
    if person is not None and person.email:
        context = {
            "endpoint": endpoint,
            "reason": reason,
            "admin_url": absolute(f"/admin/api/webhookendpoint/{endpoint.pk}/change/"),
        }
        emails.queue(
            kind="api.webhook_disabled",
            to=person.email,
            subject=f"Webhook disabled: {endpoint.url}"[:300],
            body=render_to_string("api/email/webhook_disabled.txt", context, using="text"),
        )
    return True


def enable(endpoint):
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(
        disabled_at=None, disabled_reason="", failures_in_a_row=0
    )


def send_due(*, now=None):
    """The outbox's retry pass over webhook deliveries (a claim a dead worker left is sent
    again, with the same webhook-id)."""
    lease = timedelta(minutes=settings.STATUS_DELIVERY_LEASE_MINUTES)
    return outbox.send_due(WebhookDelivery, send, lease=lease, now=now)


def send_again(delivery_ids):
    """Staff's "send again": a fresh set of tries, with the same webhook-id (receivers that
    saw it already can tell)."""
    WebhookDelivery.objects.filter(pk__in=delivery_ids).exclude(state=State.SENDING).update(
        state=State.PENDING, attempts=0, next_attempt_at=timezone.now()
    )
    return send(delivery_ids)
