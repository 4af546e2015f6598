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

from contextlib import contextmanager
from datetime import timedelta
from itertools import batched

from django.conf import settings
from django.db import connection, transaction
from django.tasks import task
from django.utils import timezone

from mail import outbox
from status.delivery import email, records, webhooks
from status.delivery.webhooks import signature, webhook_body
from status.models import Channel, Delivery, Notification, Subscriber

State = Delivery.State

__all__ = [
    "disable_webhook",
    "enqueue",
    "fan_out",
    "queue_email",
    "relaxed_commits",
    "retry_now",
    "send",
    "send_due",
    "signature",
    "webhook_body",
]


@task
def fan_out_notification(notification_id):
    return fan_out(notification_id)


@task
def send_deliveries(delivery_ids):
    return send(delivery_ids)


TASKS = {"fan_out": fan_out_notification, "send": send_deliveries}


def enqueue(what, *args, run_after=None):
    """Hand work to the task worker (mail.outbox.enqueue: if the backend is down, the rows
    stay due and the status tick sends them)."""
    outbox.enqueue(TASKS[what], *args, run_after=run_after)


def queue_email(subscriber, purpose):
    """Store one email to the subscriber (confirmation, manage link, notice); it is sent by
    the worker after the commit, with the outbox's retries."""
    queued = Delivery.objects.create(subscriber=subscriber, purpose=purpose)
    transaction.on_commit(lambda: enqueue("send", [queued.pk]))
    return queued


def disable_webhook(subscriber, *, reason):
    """After repeated failures: stop sending, and tell whoever registered it (once)."""
    if subscriber is None or subscriber.disabled_at is not None:
        return
    Subscriber.objects.filter(pk=subscriber.pk).update(
        disabled_at=timezone.now(), disabled_reason=reason[:300]
    )
    subscriber.deliveries.filter(
        purpose=Delivery.Purpose.NOTIFICATION,
        state__in=[Delivery.State.PENDING, Delivery.State.FAILED],
    ).update(state=Delivery.State.CANCELLED)
    queue_email(subscriber, Delivery.Purpose.DISABLED_NOTICE)


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


def send(delivery_ids):
    """Send these deliveries (those still due): emails over one connection, webhooks a few
    at a time. Returns {"sent": n, "failed": n}."""
    deliveries = list(
        Delivery.objects.filter(pk__in=delivery_ids, state__in=records.SENDABLE)
        .select_related("subscriber", "notification__incident")
        .order_by("pk")
    )
    outcome, later = {"sent": 0, "failed": 0}, records.Later()
    emails = [d for d in deliveries if d.channel == Channel.EMAIL]
    hooks = [d for d in deliveries if d.channel != Channel.EMAIL]
    with relaxed_commits():
        email.send_all(emails, outcome, later)
        webhooks.send_all(hooks, outcome, later)
    for delivery_ids, run_after in later.retries:
        enqueue("send", delivery_ids, run_after=run_after)
    for subscriber, reason in later.disabled:
        disable_webhook(subscriber, reason=reason)
    return outcome


@contextmanager
def relaxed_commits():
    """On PostgreSQL, the claims and marks of a batch commit without waiting for the WAL
    flush (synchronous_commit off for this connection while sending; 1.4x to 3.5x faster
    fan-out in make bench-status). A worker that dies loses nothing by this: a committed
    row is in the server's memory. Only a crash of the database server itself can forget
    the last fraction of a second of marks, and those deliveries go again after the lease,
    with the same Message-ID / delivery id, the same window as a worker dying mid-send."""
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SET synchronous_commit TO OFF")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET synchronous_commit")


def send_due(*, now=None):
    """The outbox's retry pass over status deliveries (a claim left by a worker that died
    is sent again, see the module's docstring)."""
    lease = timedelta(minutes=settings.STATUS_DELIVERY_LEASE_MINUTES)
    return outbox.send_due(
        Delivery, send, lease=lease, now=now, batch=settings.STATUS_DELIVERY_BATCH
    )


def retry_now(delivery_ids):
    """Staff's "retry now": failed and given-up deliveries get a fresh set of tries."""
    Delivery.objects.filter(pk__in=delivery_ids, state__in=[State.FAILED, State.GAVE_UP]).update(
        state=State.PENDING, attempts=0, next_attempt_at=timezone.now()
    )
    return send(delivery_ids)
