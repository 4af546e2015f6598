"""Internationalised addresses (RFC 6532: UTF-8 headers, a non-ASCII local part, an IDN
domain) through the real intake, and the replies to them (issue 21). Each test failed
before: `core.addresses` refused a non-ASCII local part, so such mail was dropped as having
"no usable sender address", and an email to one would have been retried for 15 hours."""

import email
import email.policy
import socket

import pytest
from aiosmtpd.controller import Controller
from django.core import mail

from core.addresses import address_key
from mail import outbox
from mail.models import InboundEmail
from tests.tickets.desk import change_url, form_data
from tests.tickets.inbound import deliver, fixture
from tickets import emails
from tickets.models import OutboundEmail, Ticket

Outcome = InboundEmail.Outcome
pytestmark = pytest.mark.django_db
SENDER = "jörg@müller.example"


def _raw(sender):
    return (
        f"From: {sender}\r\nTo: support@example.com\r\nSubject: Grüße\r\n"
        f"Message-ID: <{abs(hash(sender))}@example.net>\r\n"
        "Content-Type: text/plain; charset=utf-8\r\n\r\nHallo, die Rechnung fehlt.\r\n"
    ).encode()


def test_an_internationalised_sender_opens_a_ticket(django_capture_on_commit_callbacks):
    mail.outbox.clear()
    stored = deliver(fixture("international_sender.eml"), django_capture_on_commit_callbacks)
    ticket = Ticket.objects.get()
    assert (stored.state, stored.outcome, stored.owner) == ("processed", Outcome.NEW_TICKET, ticket)
    assert (ticket.name, ticket.email) == ("Jörg Müller", SENDER)  # as the customer wrote it
    assert ticket.email_key == "jörg@xn--mller-kva.example"
    assert ticket.subject == "Grüße: die Rechnung für Dezember fehlt"
    assert "die Rechnung für Dezember ist nicht in meinem Konto" in ticket.description
    assert stored.sender == SENDER


@pytest.mark.parametrize(
    ("sender", "address"),
    [
        ("jdöe@mächine.example", "jdöe@mächine.example"),
        ('"Jörg" <jörg@müller.example>', "jörg@müller.example"),
        ("=?utf-8?q?J=C3=B6rg?= <jörg@xn--mller-kva.example>", "jörg@xn--mller-kva.example"),
        ("用户@例子.广告", "用户@例子.广告"),
        ("ada@bücher.example", "ada@bücher.example"),  # an IDN domain alone was read before
    ],
)
def test_every_spelling_of_an_internationalised_sender_is_read(
    sender, address, django_capture_on_commit_callbacks
):
    stored = deliver(_raw(sender), django_capture_on_commit_callbacks)
    assert stored.outcome == Outcome.NEW_TICKET, stored.detail
    assert stored.owner.email == address


@pytest.mark.parametrize(
    "sender",
    [
        "jö\u202erg@müller.example",  # a right-to-left override
        "jö\u200brg@müller.example",  # a zero-width space
        "ſjörg@müller.example",  # a letter that upper-cases into ASCII S
        "pаypаl.jörg@müller.example",  # Cyrillic а among Latin letters
        "jörg@pаypal.example",  # the same in the domain
        "ö" * 33 + "@müller.example",  # 66 octets before the @
        "ｊörg@müller.example",  # a full-width j
        "ada@" + ("b" * 50 + ".") * 6 + "example",  # 315 characters: once cut to 254 and kept
    ],
)
def test_hostile_internationalised_senders_are_still_refused(
    sender, django_capture_on_commit_callbacks
):
    stored = deliver(_raw(sender), django_capture_on_commit_callbacks)
    assert (stored.state, stored.outcome) == ("dropped", Outcome.UNREADABLE)
    assert stored.detail.startswith("no usable sender address")
    assert not Ticket.objects.exists()


def test_the_same_customer_whatever_the_spelling_of_the_domain_or_the_o(
    django_capture_on_commit_callbacks,
):
    first = deliver(_raw("Jörg@müller.example"), django_capture_on_commit_callbacks)
    # A decomposed ö (o and a combining diaeresis) and the punycode domain.
    second = deliver(_raw("jo\u0308rg@xn--mller-kva.example"), django_capture_on_commit_callbacks)
    assert first.owner.email_key == second.owner.email_key == address_key(SENDER)
    assert first.sender_key == second.sender_key  # one rate limit


def test_without_smtputf8_the_acknowledgement_is_given_up_at_once_and_staff_told(
    django_capture_on_commit_callbacks,
):
    """The default mailers (locmem here, console, Django's SMTP backend) cannot send to a
    non-ASCII local part: the ticket is opened, the staff email goes out, and the customer's
    acknowledgement is given up on its first try, with an internal note on the ticket."""
    mail.outbox.clear()
    stored = deliver(fixture("international_sender.eml"), django_capture_on_commit_callbacks)
    ticket = stored.owner
    ack = ticket.emails.get(kind="ticket_received")
    assert (ack.state, ack.attempts) == (OutboundEmail.State.GAVE_UP, 1)
    assert "SMTPUTF8" in ack.last_error and SENDER in ack.last_error
    assert [m.to for m in mail.outbox] == [["support@example.com"]]  # the staff email only
    [note] = ticket.messages.filter(author_kind="system")
    assert note.is_internal
    assert note.body.startswith("Email not sent: Ticket received (to the customer).")
    assert SENDER in note.body and "SMTPUTF8" in note.body
    assert not emails.due_for_retry().filter(pk=ack.pk).exists()  # the clock leaves it


def test_staff_work_the_ticket_and_see_their_reply_was_not_sent(
    client, agent, django_capture_on_commit_callbacks
):
    """The ticket page takes the address (its form never re-validates it), and a reply
    that cannot go out says so on the page instead of failing for 15 hours."""
    stored = deliver(fixture("international_sender.eml"), django_capture_on_commit_callbacks)
    ticket = stored.owner
    client.force_login(agent)
    assert SENDER in client.get(change_url(ticket)).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            change_url(ticket), form_data(ticket, reply="Die Rechnung ist unterwegs.", _send="")
        )
    assert response.status_code == 302
    reply = ticket.emails.get(kind="staff_reply")
    assert (reply.state, reply.attempts) == (OutboundEmail.State.GAVE_UP, 1)
    page = client.get(change_url(ticket)).content.decode()
    assert "Email not sent: Reply from support (to the customer)." in page


class Sink:
    def __init__(self):
        self.envelopes = []

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append(envelope)
        return "250 OK"


@pytest.fixture
def smtp_server(settings):
    """A real SMTP server (aiosmtpd) the site sends through with mail.smtp.EmailBackend;
    `smtp_server(smtputf8=False)` makes one that does not offer SMTPUTF8."""
    started = []

    def start(*, smtputf8=True):
        sink = Sink()
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        controller = Controller(
            sink, hostname="127.0.0.1", port=port, enable_SMTPUTF8=smtputf8, decode_data=False
        )
        controller.start()
        started.append(controller)
        settings.MAILERS = {
            "default": {
                "BACKEND": "mail.smtp.EmailBackend",
                "OPTIONS": {"host": "127.0.0.1", "port": port, "use_tls": False, "timeout": 5},
            }
        }
        return sink

    yield start
    for controller in started:
        controller.stop()


def test_with_smtputf8_the_customer_is_acknowledged_at_their_own_address(
    smtp_server, django_capture_on_commit_callbacks
):
    sink = smtp_server(smtputf8=True)
    stored = deliver(fixture("international_sender.eml"), django_capture_on_commit_callbacks)
    ack = stored.owner.emails.get(kind="ticket_received")
    assert ack.state == OutboundEmail.State.SENT, ack.last_error
    [to_customer] = [e for e in sink.envelopes if SENDER in e.rcpt_tos]
    assert "SMTPUTF8" in to_customer.mail_options
    message = email.message_from_bytes(to_customer.content, policy=email.policy.SMTPUTF8)
    assert message["To"] == SENDER  # in UTF-8, no encoded word before the @
    assert "Grüße" in message["Subject"]
    assert "die Rechnung für Dezember" in message.get_body(("plain",)).get_content()
    # An ASCII address still goes out as Django sends it (no SMTPUTF8 asked for).
    [to_staff] = [e for e in sink.envelopes if "support@example.com" in e.rcpt_tos]
    assert "SMTPUTF8" not in to_staff.mail_options


def test_a_server_without_smtputf8_gives_the_acknowledgement_up_at_once(
    smtp_server, django_capture_on_commit_callbacks
):
    sink = smtp_server(smtputf8=False)
    stored = deliver(fixture("international_sender.eml"), django_capture_on_commit_callbacks)
    ack = stored.owner.emails.get(kind="ticket_received")
    assert (ack.state, ack.attempts) == (OutboundEmail.State.GAVE_UP, 1)
    assert "does not offer" in ack.last_error
    assert stored.owner.messages.filter(author_kind="system", is_internal=True).exists()
    assert [e.rcpt_tos for e in sink.envelopes] == [["support@example.com"]]


def test_other_failures_keep_their_retry_schedule():
    """Only an unsendable address skips the schedule: a server that is down is retried."""
    row = OutboundEmail(attempts=1)
    assert row.schedule_retry("ConnectionRefusedError") is not None
    assert row.schedule_retry("Unsendable", permanent=True) is None
    assert len(outbox.RETRY_MINUTES) > 1
