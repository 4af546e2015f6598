"""Staff invitations (accounts.invitations) leave through the outbox like every email:
accounts, below the gateway, says what they say and signals; this sends them."""

from django.dispatch import receiver

from accounts.invitations import LINK, staff_invited
from mail import emails
from mail.links import absolute


@receiver(staff_invited)
def send_invitation(sender, *, user, subject, body, path, **kwargs):
    # Not automatic: the person is expected to answer it (set a password), and an
    # auto-reply to it is fine.
    return emails.queue(
        kind="accounts.invitation",
        to=user.email,
        subject=subject,
        body=body.replace(LINK, absolute(path)).strip() + "\n",
        automatic=False,
    )
