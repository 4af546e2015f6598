"""All email is eventually sent by one function: `send()`."""

from django.core.mail import EmailMultiAlternatives, mailers

from mail import html as mail_html


def message(*, to, subject, body, headers=None, reply_to=None, from_email=None, branded=False):
    """An email as we send them: plain text, from DEFAULT_FROM_EMAIL unless told. `branded`:
    with an HTML alternative in the brand's layout, made from the text (mail.html), for
    the emails customers and subscribers read."""
    subject = " ".join(subject.split())
    email = EmailMultiAlternatives(
        subject=subject,
        body=body,
        from_email=from_email,  # None: DEFAULT_FROM_EMAIL
        to=list(to),
        reply_to=reply_to,
        headers=headers or {},
    )
    if branded:
        email.attach_alternative(mail_html.alternative(body, subject=subject), "text/html")
    return email


def send(email, *, connection=None):
    """Send one EmailMessage through the configured mailer (MAILERS["default"]), or through
    `connection`, one the caller keeps open for a batch. Raises what the server raises."""
    (connection or mailers["default"]).send_messages([email])
