"""Posting messages to Slack: stored first (a SlackMessage, in the writer's transaction),
claimed, POSTed through the one path of chat messages (mail.chat), recorded, retried on the
outbox's schedule (mail.outbox); the claim, lease and commit discipline of status.delivery
and api.webhooks."""

import logging
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.tasks import task
from django.utils import timezone

from mail import chat, outbox
from slack.models import SlackMessage

log = logging.getLogger("slack.delivery")
State = SlackMessage.State
SENDABLE = [State.PENDING, State.FAILED]


@task
def send_messages(message_ids):
    return send(message_ids)


def queue(*, message, event, channel=None, response_url="", ticket=None, key=""):
    """Store one message (a dict: mail.chat.body's fields) for a channel, or for the
    response_url of a click; it is posted after the commit. With a `key`, a channel gets
    it once: None when it had it already."""
    if key and SlackMessage.objects.filter(channel=channel, key=key).exists():
        return None
    try:
        with transaction.atomic():
            row = SlackMessage.objects.create(
                channel=channel,
                response_url=response_url,
                event=event,
                ticket=ticket,
                key=key,
                message=message,
            )
    except IntegrityError:
        if key:
            return None  # posted before (slack_once_per_key)
        raise
    outbox.enqueue_on_commit(send_messages, [row.pk])
    return row


def claim(row, now):
    """Pending (or due) → sending, by one UPDATE; a message to a channel turned off is
    cancelled."""
    sendable = SlackMessage.objects.filter(pk=row.pk, state__in=SENDABLE)
    if row.channel_id and not row.channel.active:
        sendable.update(state=State.CANCELLED)
        return False
    claimed = sendable.filter(next_attempt_at__lte=now).update(
        state=State.SENDING, claimed_at=now, last_attempt_at=now, attempts=F("attempts") + 1
    )
    row.attempts += 1
    return bool(claimed)


def post(row):
    message = row.message
    body = chat.body(message.get("text", ""), **{k: v for k, v in message.items() if k != "text"})
    return chat.post(
        row.url,
        body,
        timeout=settings.SLACK_TIMEOUT,
        allow_private=settings.STATUS_WEBHOOK_ALLOW_PRIVATE,
    )


def send(message_ids):
    """Post these messages (those still due), one after the other: a channel's messages
    arrive in order. Returns {"sent": n, "failed": n}."""
    rows = SlackMessage.objects.filter(pk__in=message_ids, state__in=SENDABLE)
    outcome, retries = {"sent": 0, "failed": 0}, []
    for row in rows.select_related("channel").order_by("pk"):
        if not claim(row, timezone.now()):
            continue
        result = post(row)
        if result.delivered:
            SlackMessage.objects.filter(pk=row.pk).update(
                state=State.SENT,
                sent_at=timezone.now(),
                response_status=result.status,
                last_error="",
            )
            outcome["sent"] += 1
            continue
        now = timezone.now()
        retry_at = outbox.next_attempt_at(row.attempts, now=now)
        SlackMessage.objects.filter(pk=row.pk).update(
            state=State.FAILED if retry_at else State.GAVE_UP,
            next_attempt_at=retry_at or now,
            response_status=result.status,
            last_error=result.error[:1000],
        )
        log.warning("Slack message %s failed (try %s): %s", row.pk, row.attempts, result.error)
        outcome["failed"] += 1
        if retry_at:
            retries.append((row.pk, retry_at))
    for pk, run_after in retries:
        outbox.enqueue(send_messages, [pk], run_after=run_after)
    return outcome


def send_due(*, now=None):
    """The outbox's retry pass over Slack's messages (a claim a dead worker left is posted
    again: Slack may show that one message twice)."""
    lease = timedelta(minutes=settings.STATUS_DELIVERY_LEASE_MINUTES)
    return outbox.send_due(SlackMessage, send, lease=lease, now=now)


def send_again(message_ids):
    """Staff's "post again": a fresh set of tries."""
    SlackMessage.objects.filter(pk__in=message_ids).exclude(state=State.SENDING).update(
        state=State.PENDING, attempts=0, next_attempt_at=timezone.now()
    )
    return send(message_ids)
