"""A customer's reply that quotes our email carries their ticket's private link; whoever
reads the stored email must not be able to act as the customer with it."""

import email
import quopri
from email.message import EmailMessage

import pytest
from django.contrib.auth import get_user_model
from django.core import mail

from mail.models import InboundEmail
from tests.tickets.inbound import deliver
from tests.tickets.links import emailed_link
from tickets.models import Attachment

pytestmark = pytest.mark.django_db
SURVEY = "/support/rate/.eJwzNDQxMDEwNTQ2NgIADQwCHQ:1vQxyz:AbCdEfGhIjKlMnOpQrStUvWxYz012345/"
MANAGE = "/status/subscription/ImExYjJjM2Q0ZTVmNiI:1vQxyz:Jy9LPQx8lwY9CgpN3eY3QmoUH7zHlz/"


def _quoting_reply(ticket, link):
    """A reply quoting our acknowledgement (its link in the quoted text, and once more in
    the new text), in quoted-printable with a soft line break inside the token, with our
    email saved as a file and a log that holds the link attached."""
    ack = ticket.emails.get(kind="ticket_received")
    url = f"https://help.example.com{link}"
    text = (
        f"I can't open {url} any more, and the survey https://help.example.com{SURVEY} "
        f"neither; status: https://help.example.com{MANAGE}\n\n"
        f"On Mon, 30 Nov 2026, Help center <support@example.com> wrote:\n"
        f"> We received your request. Your ticket:\n> {url}\n"
    )
    message = EmailMessage()
    message["From"] = ticket.email
    message["To"] = "support@example.com"
    message["Subject"] = f"Re: [{ticket.reference}] We received your request"
    message["Message-ID"] = "<quoting-1@example.com>"
    message["In-Reply-To"] = ack.message_id
    message.set_content(text, cte="quoted-printable")
    forwarded = EmailMessage()
    forwarded["Subject"] = "We received your request"
    forwarded.set_content(f"Your ticket: {url}\n", cte="quoted-printable")
    message.add_attachment(
        forwarded.as_bytes(), "application", "octet-stream", filename="our-email.eml"
    )
    message.add_attachment(f"GET {url} 200\n".encode(), "text", "plain", filename="log.txt")
    raw = message.as_bytes()
    token = link.split("/")[3]
    assert token not in raw.decode("latin-1")  # split by soft breaks or base64-encoded
    assert token in quopri.decodestring(raw).decode("latin-1")
    return raw, token


@pytest.fixture
def superuser(db):
    return get_user_model().objects.create_superuser("root", "root@example.com", "pw-root-123")


def test_the_stored_email_and_all_its_displays_hold_no_private_link(
    make_ticket, agent, superuser, client, django_capture_on_commit_callbacks
):
    ticket = make_ticket(email="ada@example.com", assignee=agent)
    link = emailed_link(ticket)
    raw, token = _quoting_reply(ticket, link)
    mail.outbox.clear()
    stored = deliver(raw, django_capture_on_commit_callbacks)
    assert stored.outcome == InboundEmail.Outcome.REPLY
    secrets_ = [token, SURVEY.split("/")[3], MANAGE.split("/")[3]]

    def clean(text):
        return not any(secret in text for secret in secrets_)

    message = ticket.messages.get(inbound=stored)
    assert "[private link]" in message.body and clean(message.body)
    assert "[private link]" in stored.full_text and clean(stored.full_text)
    [notice] = mail.outbox  # the assignee's "customer replied" email
    assert clean(notice.body)
    files = Attachment.objects.filter(message=message).order_by("name")
    assert [f.name for f in files] == ["log.txt", "our-email.eml"]
    for file in files:
        with file.file.open("rb") as saved:
            content = saved.read()
        assert b"[private link]" in quopri.decodestring(content) and clean(content.decode())

    client.force_login(agent)
    page = client.get(f"/admin/tickets/ticket/{ticket.pk}/change/").content.decode()
    assert "The whole email" in page and clean(page)
    detail = client.get(f"/admin/mail/inboundemail/{stored.pk}/change/").content.decode()
    assert "[private link]" in detail and clean(detail) and "/raw/" not in detail
    assert client.get(f"/admin/mail/inboundemail/{stored.pk}/raw/").status_code == 403

    client.force_login(superuser)
    detail = client.get(f"/admin/mail/inboundemail/{stored.pk}/change/").content.decode()
    assert f"/admin/mail/inboundemail/{stored.pk}/raw/" in detail
    response = client.get(f"/admin/mail/inboundemail/{stored.pk}/raw/")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    download = response.content
    decoded = quopri.decodestring(download).decode("latin-1")
    assert "[private link]" in decoded and clean(decoded) and clean(download.decode("latin-1"))
    for part in email.message_from_bytes(download).walk():
        if not part.is_multipart():
            body = part.get_payload(decode=True) or b""
            assert clean(quopri.decodestring(body).decode("latin-1")), part.get_content_type()

    # The customer's own link still works: redaction hides it, it does not revoke it.
    client.logout()
    assert client.get(link).status_code == 200


def test_a_message_beyond_the_parsing_limits_is_not_offered_raw(
    superuser, client, settings, django_capture_on_commit_callbacks
):
    """Its encoded parts past the limit cannot be checked for links."""
    settings.INBOUND_MAX_PARTS = 2
    parts = "".join(
        "--b\nContent-Type: text/plain\nContent-Transfer-Encoding: base64\n\n"
        "aHR0cHM6Ly9oZWxwLmV4YW1wbGUuY29tL3N1cHBvcnQvdGlja2V0cy9zZWNyZXQvCg==\n"
        for _ in range(4)
    )
    raw = (
        "From: a@example.com\nSubject: Parts\nMessage-ID: <p@example.com>\n"
        f"Content-Type: multipart/mixed; boundary=b\n\n{parts}--b--\n"
    ).encode()
    stored = deliver(raw, django_capture_on_commit_callbacks)
    client.force_login(superuser)
    response = client.get(f"/admin/mail/inboundemail/{stored.pk}/raw/")
    assert response.status_code == 409 and b"not offered" in response.content
