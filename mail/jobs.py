"""Mail's periodic work, run by the clock (core.clock)."""

from datetime import timedelta

from django.utils import timezone

from core import clock
from mail import emails, inbound
from mail.models import InboundEmail


@clock.every("mail.email_retries", minutes=1)
def send_due_emails():
    """Mail's own emails (the review digest...) that are pending or due a retry."""
    outcomes = [emails.deliver(pk) for pk in emails.due().values_list("pk", flat=True)]
    return {"sent": outcomes.count("sent"), "failed": outcomes.count("failed")}


@clock.every("mail.inbound_failed", hours=1, at_start=False)
def process_failed_inbound():
    """Emails whose processing failed get another go each hour (a passing database error,
    or a fix deployed since); each failure stays recorded on the email for staff."""
    return process_waiting_inbound(failed=True)


@clock.every("mail.inbound_waiting", minutes=5)
def process_waiting_inbound(*, failed=False, older_than=timedelta(minutes=1)):
    """Stored emails nobody processed (the task backend was down), and with `failed` those
    that failed before (after a fix). A minute's grace leaves the worker its own."""
    states = [InboundEmail.State.RECEIVED] + ([InboundEmail.State.FAILED] if failed else [])
    waiting = InboundEmail.objects.filter(
        state__in=states, received_at__lte=timezone.now() - older_than
    ).order_by("pk")
    outcomes = [inbound.process(pk) for pk in waiting.values_list("pk", flat=True)]
    return {"processed": len(outcomes), "failed": outcomes.count("failed")}
