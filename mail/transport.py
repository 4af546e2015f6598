"""All email is eventually sent by one function: `send()`."""

from email.utils import parseaddr

from django.core.mail import EmailMultiAlternatives, mailers

from core.addresses import needs_smtputf8
from mail import html as mail_html


class Unsendable(ValueError):
    """An email no retry can send: an address this mailer cannot carry. The caller gives
    it up at once and tells staff (a retry schedule would only delay the news)."""


NO_SMTPUTF8 = (
    "{address} has non-ASCII characters before the @ (an internationalised address, "
    "RFC 6532): mail to it needs SMTPUTF8, which {why}. Nothing was sent; reach the "
    "customer another way (or ask them for an ASCII address)."
)


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


def international(email):
    """The addresses of an email that only SMTPUTF8 can carry."""
    addresses = [email.from_email, *email.recipients()]
    return [address for address in map(_bare, addresses) if needs_smtputf8(address)]


def _bare(address):
    return parseaddr(str(address))[1] or str(address)


def send(email, *, connection=None):
    """Send one EmailMessage through the configured mailer (MAILERS["default"]), or through
    `connection`, one the caller keeps open for a batch. Raises what the server raises, and
    Unsendable for an internationalised address the mailer cannot send to: only a mailer
    with `smtputf8` (mail.smtp.EmailBackend) sends those; Django's own backends would write
    the local part as an RFC 2047 word no server delivers, or refuse it."""
    mailer = connection or mailers["default"]
    found = international(email)
    if found and not getattr(mailer, "smtputf8", False):
        why = f"this help center's mailer ({type(mailer).__module__}) does not send"
        raise Unsendable(NO_SMTPUTF8.format(address=found[0], why=why))
    mailer.send_messages([email])
