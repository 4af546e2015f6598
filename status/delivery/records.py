"""A delivery's record: claimed before its send, marked sent or failed after, each by
one UPDATE committed on its own (see status.delivery)."""

import logging

from django.db.models import F
from django.utils import timezone

from mail import outbox
from status import subscriptions
from status.models import Channel, Delivery

log = logging.getLogger("status.delivery")
State = Delivery.State
SENDABLE = [State.PENDING, State.FAILED]


def enqueue(what, *args, run_after=None):
    """Hand work to the task backend (mail.outbox.enqueue: if the backend is down, the rows
    stay due and the status tick sends them)."""
    from status import tasks

    task = {"fan_out": tasks.fan_out_notification, "send": tasks.send_deliveries}[what]
    outbox.enqueue(task, *args, run_after=run_after)


def claim(delivery, now):
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


def sent(delivery, response_status=None):
    Delivery.objects.filter(pk=delivery.pk).update(
        state=State.SENT, sent_at=timezone.now(), response_status=response_status, last_error=""
    )


def failed(delivery, error, response_status=None):
    now = timezone.now()
    retry_at = outbox.next_attempt_at(delivery.attempts, now=now)
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


def postpone(deliveries, reason):
    retry_at = outbox.next_attempt_at(1, now=timezone.now())
    Delivery.objects.filter(pk__in=[d.pk for d in deliveries], state=State.PENDING).update(
        state=State.FAILED, next_attempt_at=retry_at, last_error=reason[:1000]
    )
    enqueue("send", [d.pk for d in deliveries], run_after=retry_at)
