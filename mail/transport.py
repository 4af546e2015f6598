"""All email is eventually sent by one function: `send()`."""

from django.core.mail import EmailMessage, mailers


def message(*, to, subject, body, headers=None, reply_to=None, from_email=None):
    """An email as we send them: plain text, from DEFAULT_FROM_EMAIL unless told."""
    return EmailMessage(
        subject=" ".join(subject.split()),
        body=body,
        from_email=from_email,  # None: DEFAULT_FROM_EMAIL
        to=list(to),
        reply_to=reply_to,
        headers=headers or {},
    )


def send(email, *, connection=None):
    """Send one EmailMessage through the configured mailer (MAILERS["default"]), or through
    `connection`, one the caller keeps open for a batch. Raises what the server raises."""
    (connection or mailers["default"]).send_messages([email])
