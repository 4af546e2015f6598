"""Getting notifications to subscribers: the fan-out, the sending, retries.

The guarantees are the ticket outbox's (tickets/emails.py): every message is stored (a
Delivery row) before any send is tried, sent by the task worker after the commit, retried
with backoff when it fails, and shown in the admin when it gives up. On top of that:

- one Delivery per subscriber and notification (a unique constraint), so fanning out again
  after a crash or a retry creates nothing new;
- a Delivery is *claimed* by one UPDATE (pending or due → sending) right before its send and
  marked sent right after, each committed on its own: whoever runs a batch again skips what
  was sent or is being sent. Only a worker that dies between a send and the commit that
  follows (milliseconds) leaves a claim behind; the tick sends it again after
  STATUS_DELIVERY_LEASE_MINUTES, with the same Message-ID / delivery id, so the receiver can
  tell it is the same message.
"""

import hashlib
import hmac
import json
import logging
import smtplib
import threading
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait
from datetime import timedelta
from itertools import batched

from django.conf import settings
from django.core.mail import EmailMessage, mailers
from django.db.models import F
from django.template.loader import render_to_string
from django.utils import timezone

from helpcenter import retry, safehttp
from status import subscriptions
from status.models import Channel, Delivery, Notification, Subscriber

log = logging.getLogger(__name__)
State = Delivery.State
SENDABLE = [State.PENDING, State.FAILED]
USER_AGENT = "helpcenter-status/1 (+webhooks)"
DOCUMENTATION = "/status/subscribe/#webhooks"


# --------------------------------------------------------------------------- tasks


def enqueue(what, *args, run_after=None):
    """Hand work to the task backend. If the backend is down, the rows stay pending and the
    tick (`manage.py status tick`) sends them; so does a retry when the backend cannot defer
    work (the immediate backend of `make run`)."""
    from status import tasks

    task = {"fan_out": tasks.fan_out_notification, "send": tasks.send_deliveries}[what]
    if run_after is not None:
        if not task.get_backend().supports_defer:
            return
        task = task.using(run_after=run_after)
    try:
        task.enqueue(*args)
    except Exception:
        log.exception("Could not enqueue %s%s; the tick will pick it up", what, args)


def fan_out(notification_id):
    """One Delivery per interested subscriber (again: nothing new), then the batches."""
    notification = Notification.objects.filter(pk=notification_id).first()
    if notification is None:
        return 0
    subscribers = (
        Subscriber.objects.for_notification(notification)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    for chunk in batched(subscribers.iterator(chunk_size=2000), 1000):
        Delivery.objects.bulk_create(
            [Delivery(notification=notification, subscriber_id=pk) for pk in chunk],
            ignore_conflicts=True,
        )
    pending = list(
        notification.deliveries.filter(state=State.PENDING)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    Notification.objects.filter(pk=notification.pk).update(
        fanned_out_at=timezone.now(), recipients=notification.deliveries.count()
    )
    for batch in batched(pending, settings.STATUS_DELIVERY_BATCH):
        enqueue("send", list(batch))
    return len(pending)


# --------------------------------------------------------------------------- sending


def send(delivery_ids):
    """Send these deliveries (those still due): emails over one connection, webhooks a few
    at a time. Returns {"sent": n, "failed": n}."""
    deliveries = list(
        Delivery.objects.filter(pk__in=delivery_ids, state__in=SENDABLE)
        .select_related("subscriber", "notification__incident")
        .order_by("pk")
    )
    outcome = {"sent": 0, "failed": 0}
    emails = [d for d in deliveries if d.channel == Channel.EMAIL]
    hooks = [d for d in deliveries if d.channel != Channel.EMAIL]
    _send_emails(emails, outcome)
    _send_webhooks(hooks, outcome)
    return outcome


def _claim(delivery, now):
    """Pending (or due) → sending, by one UPDATE: only one worker ever wins a delivery. One
    whose subscriber left (deleted: the row's subscriber is gone), was disabled or is not
    confirmed is cancelled instead."""
    sendable = Delivery.objects.filter(pk=delivery.pk, state__in=SENDABLE)
    subscriber = delivery.subscriber
    if delivery.purpose == Delivery.Purpose.NOTIFICATION and not (
        subscriber and subscriber.is_active
    ):
        sendable.update(state=State.CANCELLED)
        return False
    claimed = sendable.filter(next_attempt_at__lte=now, subscriber__isnull=False).update(
        state=State.SENDING, claimed_at=now, last_attempt_at=now, attempts=F("attempts") + 1
    )
    if not claimed:
        sendable.filter(subscriber__isnull=True).update(state=State.CANCELLED)
        return False
    delivery.attempts += 1
    return True


def _sent(delivery, response_status=None):
    Delivery.objects.filter(pk=delivery.pk).update(
        state=State.SENT, sent_at=timezone.now(), response_status=response_status, last_error=""
    )


def _failed(delivery, error, response_status=None):
    now = timezone.now()
    retry_at = retry.next_attempt_at(delivery.attempts, now=now)
    Delivery.objects.filter(pk=delivery.pk).update(
        state=State.FAILED if retry_at else State.GAVE_UP,
        next_attempt_at=retry_at or now,
        response_status=response_status,
        last_error=error[:1000],
    )
    log.warning("Status delivery %s failed (try %s): %s", delivery.pk, delivery.attempts, error)
    if retry_at:
        enqueue("send", [delivery.pk], run_after=retry_at)
    elif delivery.channel != Channel.EMAIL:
        subscriptions.disable_webhook(
            delivery.subscriber, reason=f"Gave up after {delivery.attempts} tries: {error}"
        )


# --------------------------------------------------------------------------- email


def _headers(delivery, unsubscribe):
    subscriber, notification = delivery.subscriber, delivery.notification
    domain = settings.SITE_URL.split("//")[-1].split("/")[0].split(":")[0] or "localhost"
    headers = {
        # The same Message-ID on every try: a message sent twice is recognisably one.
        "Message-ID": f"<status.{delivery.pk}.{subscriber.code}@{domain}>",
        "Auto-Submitted": "auto-generated",
    }
    if notification is not None:
        headers.update(
            {
                "List-Id": f"{settings.STATUS_PAGE_NAME} status <status.{domain}>",
                # RFC 8058: the mail client unsubscribes by one POST, without a login.
                "List-Unsubscribe": f"<{unsubscribe}>",
                "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
                "Precedence": "bulk",
            }
        )
        if notification.incident_id:  # updates of one incident thread together
            thread = f"<status.incident.{notification.incident.code}@{domain}>"
            headers.update({"References": thread, "In-Reply-To": thread})
    return headers


def _message(delivery):
    subscriber = delivery.subscriber
    unsubscribe = subscriptions.link(subscriber, "unsubscribe")
    context = {
        "subscriber": subscriber,
        "page_name": settings.STATUS_PAGE_NAME,
        "manage_url": subscriptions.link(subscriber, "manage"),
        "unsubscribe_url": unsubscribe,
        "notification": delivery.notification,
    }
    if delivery.purpose == Delivery.Purpose.CONFIRMATION:
        context["confirm_url"] = subscriptions.link(subscriber, "confirm")
    if delivery.purpose == Delivery.Purpose.NOTIFICATION:
        subject = delivery.notification.subject
    else:
        subject = render_to_string(
            f"status/email/{delivery.purpose}_subject.txt", context, using="text"
        )
    body = render_to_string(f"status/email/{delivery.purpose}.txt", context, using="text")
    return EmailMessage(
        subject=" ".join(subject.split()),
        body=body.strip() + "\n",
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[subscriber.email],
        headers=_headers(delivery, unsubscribe),
    )


# The server answered about this one message: the next ones may go through.
MESSAGE_ERRORS = (smtplib.SMTPRecipientsRefused, smtplib.SMTPResponseException, ValueError)


def _send_emails(deliveries, outcome):
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
        local.mailer.send_messages([message])

    def settle(futures):
        nonlocal broken
        for future in futures:
            delivery, error = in_flight.pop(future), future.exception()
            if error is None:
                _sent(delivery)
                outcome["sent"] += 1
                continue
            _failed(delivery, f"{type(error).__name__}: {error}")
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
                    _postpone(deliveries[n:], reason)
                    break
                if not _claim(delivery, timezone.now()):
                    continue
                try:
                    message = _message(delivery)
                except Exception as error:
                    _failed(delivery, f"{type(error).__name__}: {error}")
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


def _postpone(deliveries, reason):
    retry_at = retry.next_attempt_at(1, now=timezone.now())
    Delivery.objects.filter(pk__in=[d.pk for d in deliveries], state=State.PENDING).update(
        state=State.FAILED, next_attempt_at=retry_at, last_error=reason[:1000]
    )
    enqueue("send", [d.pk for d in deliveries], run_after=retry_at)


# --------------------------------------------------------------------------- webhooks


def signature(secret, body):
    """The X-Status-Signature-256 header: HMAC-SHA256 of the raw body, hex."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def webhook_body(delivery):
    subscriber, notification = delivery.subscriber, delivery.notification
    if subscriber.channel == Channel.CHAT:
        return json.dumps({"text": notification.chat_text}).encode()
    meta = {
        "unsubscribe": subscriptions.link(subscriber, "unsubscribe"),
        "documentation": settings.SITE_URL.rstrip("/") + DOCUMENTATION,
        "event": notification.event,
        "delivery_id": f"{notification.code}.{subscriber.code}",
    }
    return json.dumps({"meta": meta, **notification.payload}, separators=(",", ":")).encode()


def _post(delivery):
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
    try:
        status = safehttp.post(
            subscriber.url,
            body,
            headers,
            timeout=settings.STATUS_WEBHOOK_TIMEOUT,
            allow_private=settings.STATUS_WEBHOOK_ALLOW_PRIVATE,
        )
    except safehttp.UnsafeURL as error:
        return None, f"Refused: {error}"
    except Exception as error:
        return None, f"{type(error).__name__}: {error}"
    if 200 <= status < 300:
        return status, ""
    if 300 <= status < 400:
        return status, f"HTTP {status}: redirects are not followed"
    return status, f"HTTP {status}"


def _send_webhooks(deliveries, outcome):
    if not deliveries:
        return
    with ThreadPoolExecutor(max_workers=settings.STATUS_WEBHOOK_CONCURRENCY) as pool:
        # A few at a time, each claimed just before: a worker that dies leaves at most that
        # few claimed.
        for chunk in batched(deliveries, settings.STATUS_WEBHOOK_CONCURRENCY):
            claimed = [d for d in chunk if _claim(d, timezone.now())]
            for delivery, (status, error) in zip(claimed, pool.map(_post, claimed), strict=True):
                if error:
                    _failed(delivery, error, response_status=status)
                    outcome["failed"] += 1
                else:
                    _sent(delivery, response_status=status)
                    outcome["sent"] += 1


# --------------------------------------------------------------------------- the clock


def send_due(*, now=None):
    """Retries that are due, pending rows whose task was lost, and claims left by a worker
    that died (sent again, see the module's docstring)."""
    now = now or timezone.now()
    lease = timedelta(minutes=settings.STATUS_DELIVERY_LEASE_MINUTES)
    Delivery.objects.stale_claims(now, lease).update(
        state=State.FAILED,
        next_attempt_at=now,
        last_error="The worker stopped while sending: tried again.",
    )
    due = list(Delivery.objects.due(now).order_by("pk").values_list("pk", flat=True))
    outcome = {"sent": 0, "failed": 0}
    for batch in batched(due, settings.STATUS_DELIVERY_BATCH):
        for key, value in send(list(batch)).items():
            outcome[key] += value
    return outcome


def retry_now(delivery_ids):
    """Staff's "retry now": failed and given-up deliveries get a fresh set of tries."""
    Delivery.objects.filter(pk__in=delivery_ids, state__in=[State.FAILED, State.GAVE_UP]).update(
        state=State.PENDING, attempts=0, next_attempt_at=timezone.now()
    )
    return send(delivery_ids)
