"""Mail's periodic work, run by the clock (core.clock)."""

from core import clock
from mail import emails


@clock.every("mail.email_retries", minutes=1)
def send_due_emails():
    """Mail's own emails (the review digest...) that are pending or due a retry."""
    outcomes = [emails.deliver(pk) for pk in emails.due().values_list("pk", flat=True)]
    return {"sent": outcomes.count("sent"), "failed": outcomes.count("failed")}
