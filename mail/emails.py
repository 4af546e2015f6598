"""Emails that belong to no app's own table (mail.models.Email): queued with `queue()`,
sent by the worker (`deliver_email`), retried by the clock (mail.jobs)."""

import logging

from django.db import transaction
from django.tasks import task
from django.utils import timezone

from mail import headers, outbox, transport
from mail.models import Email

log = logging.getLogger(__name__)
MESSAGE_ID_PREFIX = "mail"


def queue(*, kind, to, subject, body, extra_headers=None, automatic=True):
    """Store one email (in the caller's transaction) and send it after the commit."""
    email = Email.objects.create(
        kind=kind,
        to=to,
        subject=" ".join(subject.split())[:300],
        body=body,
        headers={**(headers.automatic() if automatic else {}), **(extra_headers or {})},
        message_id=headers.new_message_id(MESSAGE_ID_PREFIX),
    )
    outbox.enqueue_on_commit(deliver_email, email.pk)
    return email


@task
def deliver_email(email_id):
    return deliver(email_id)


def deliver(email_id):
    """Send one stored email. Never raises: a failure is recorded and tried again later."""
    with transaction.atomic():
        email = (
            Email.objects.select_for_update()
            .filter(pk=email_id, state__in=[Email.State.PENDING, Email.State.FAILED])
            .first()
        )
        if email is None:
            return "nothing to send"
        if email.state == Email.State.FAILED and email.next_attempt_at > timezone.now():
            return "not due"
        email.attempts += 1
        message = transport.message(
            to=[email.to],
            subject=email.subject,
            body=email.body,
            headers={"Message-ID": email.message_id, **email.headers},
        )
        try:
            transport.send(message)
        except Exception as error:
            retry_at = email.schedule_retry(
                f"{type(error).__name__}: {error}",
                permanent=isinstance(error, transport.Unsendable),
            )
            email.state = Email.State.FAILED if retry_at else Email.State.GAVE_UP
            email.save()
            log.warning("Email %s (%s) failed: %s", email.pk, email.kind, email.last_error)
            if retry_at:
                transaction.on_commit(
                    lambda: outbox.enqueue(deliver_email, email.pk, run_after=retry_at)
                )
            return "failed"
        email.state, email.sent_at, email.last_error = Email.State.SENT, timezone.now(), ""
        email.save()
        return "sent"


def due(now=None):
    now = now or timezone.now()
    return Email.objects.filter(
        state__in=[Email.State.PENDING, Email.State.FAILED], next_attempt_at__lte=now
    )


def bounced(message_ids: list[str], *, permanent: bool, why: str) -> int:
    """Marks our own emails that bounced (mail.bounces routes the "mail" prefix here)."""
    return Email.objects.filter(message_id__in=message_ids).update(
        state=Email.State.BOUNCED, last_error=f"Bounced: {why}"[:1000]
    )
