"""The outbox: what every outgoing message (email or webhook) goes through, whichever app's
table holds it (tickets' emails, status deliveries, mail's own emails). The guarantees:

- a message is stored before any send is tried, inside the caller's transaction;
- it is handed to the task worker after that transaction commits (`enqueue_on_commit`); if
  the task backend is down, or cannot wait for a retry (the immediate backend of
  `make run`), the row stays due and the clock's retry job sends it (`enqueue`);
- a failed send is tried again on one schedule (`RETRY_MINUTES`, `next_attempt_at`), then
  given up and shown to staff;
- a row claimed by a worker that died while sending is tried again once its lease is over,
  by the one retry pass every outbox table shares (`send_due`).
"""

import logging
from datetime import timedelta
from itertools import batched

from django.db import models, transaction
from django.utils import timezone

log = logging.getLogger(__name__)

# Minutes to wait before each retry; after the last one the message is given up (about
# 15 hours in all).
RETRY_MINUTES = (1, 5, 30, 120, 720)


def next_attempt_at(attempts, *, now, schedule=RETRY_MINUTES):
    """After `attempts` failed tries: when to try again, or None once the schedule is spent."""
    if attempts > len(schedule):
        return None
    return now + timedelta(minutes=schedule[max(attempts, 1) - 1])


def enqueue(task, *args, run_after=None):
    """Hand work to the task backend. Never raises: if the backend is down (or cannot wait
    until `run_after`), the rows stay due and the clock's retry jobs pick them up."""
    if run_after is not None:
        if not task.get_backend().supports_defer:
            return
        task = task.using(run_after=run_after)
    try:
        task.enqueue(*args)
    except Exception:
        log.exception("Could not enqueue %s%s; the clock will pick it up", task.name, args)


def enqueue_on_commit(task, *args):
    """`enqueue` once the caller's transaction commits (never work on rows that may vanish)."""
    transaction.on_commit(lambda: enqueue(task, *args))


class AttemptsQuerySet(models.QuerySet):
    """The retry pass's questions, for an outbox table whose `State` names PENDING, SENDING
    and FAILED rows and which keeps `next_attempt_at` and `claimed_at`."""

    def due(self, now):
        """Failed rows whose retry time has come, and pending rows (their task was lost, or
        the task backend was down)."""
        State = self.model.State
        return self.filter(state__in=[State.PENDING, State.FAILED], next_attempt_at__lte=now)

    def stale_claims(self, now, lease):
        """Claimed for sending longer ago than any send takes: the worker died meanwhile."""
        return self.filter(state=self.model.State.SENDING, claimed_at__lt=now - lease)


STOPPED = "The worker stopped while sending."


def send_due(model, send, *, lease, now=None, batch=200):
    """The retry pass of an outbox table: claims a dead worker left become failures due now
    (sent again: the receiver may see that one twice), then every due row is sent,
    `batch` at a time, by `send(ids)`, which answers {"sent": n, "failed": n}."""
    now = now or timezone.now()
    model.objects.stale_claims(now, lease).update(
        state=model.State.FAILED, next_attempt_at=now, last_error=STOPPED
    )
    due = list(model.objects.due(now).order_by("pk").values_list("pk", flat=True))
    outcome = {"sent": 0, "failed": 0}
    for ids in batched(due, batch):
        for key, value in send(list(ids)).items():
            outcome[key] += value
    return outcome


class Attempts(models.Model):
    """What every outbox row keeps about its sending: tries, the last error, when it is due
    again, when it was sent. Each app's table adds what its messages say and their states."""

    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True

    def schedule_retry(self, error, *, now=None, permanent=False):
        """After a failed try (`attempts` already counts it): when to try again, or None when
        the schedule is spent or the failure is `permanent` (mail.transport.Unsendable: the
        caller gives the row up). Sets last_error and next_attempt_at on the instance; the
        caller saves."""
        now = now or timezone.now()
        self.last_error = error[:1000]
        retry_at = None if permanent else next_attempt_at(self.attempts, now=now)
        self.next_attempt_at = retry_at or now
        return retry_at
