"""A delivery's record: claimed before its send, marked sent or failed after, each by
one UPDATE committed on its own (see status.delivery)."""

import logging

from django.db.models import F
from django.utils import timezone

from mail import outbox
from status.models import Channel, Delivery

log = logging.getLogger("status.delivery")
State = Delivery.State
SENDABLE = [State.PENDING, State.FAILED]


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


def failed(delivery, error, later, response_status=None):
    """A failed try: due again on the outbox's schedule, or given up. What follows (the retry
    handed to the worker, a webhook given up disabled) is added to `later`, for the batch to
    do once it is sent (status.delivery.send)."""
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
        later.retry([delivery.pk], retry_at)
    elif delivery.channel != Channel.EMAIL:
        later.disable(delivery.subscriber, f"Gave up after {delivery.attempts} tries: {error}")


def postpone(deliveries, reason, later):
    retry_at = outbox.next_attempt_at(1, now=timezone.now())
    Delivery.objects.filter(pk__in=[d.pk for d in deliveries], state=State.PENDING).update(
        state=State.FAILED, next_attempt_at=retry_at, last_error=reason[:1000]
    )
    later.retry([d.pk for d in deliveries], retry_at)


class Later:
    """What a batch leaves to do once its sends are over: retries to hand to the worker,
    webhooks to disable."""

    def __init__(self):
        self.retries, self.disabled = [], []

    def retry(self, delivery_ids, run_after):
        self.retries.append((list(delivery_ids), run_after))

    def disable(self, subscriber, reason):
        self.disabled.append((subscriber, reason))
