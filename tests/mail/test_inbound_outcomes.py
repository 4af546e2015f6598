"""What becomes of the messages no person wrote, and of those read with less certainty
(issue 21): through receive() and the processing task, as production runs them."""

import pytest
from django.core import mail

from mail import bounces
from mail.models import InboundEmail
from tests.mail.test_inbound_reading import FAILURE, _report, message
from tests.tickets.inbound import deliver
from tickets.models import Ticket

Outcome = InboundEmail.Outcome
pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("raw", "outcome"),
    [
        (
            message("From: MAILER-DAEMON@mx.example.net\nSubject: failure notice", FAILURE),
            Outcome.BOUNCE,
        ),
        (
            _report(
                "disposition-notification",
                "message/disposition-notification",
                "Disposition: manual-action/MDN-sent-manually; displayed\n",
            ),
            Outcome.RECEIPT,
        ),
        (
            _report("feedback-report", "message/feedback-report", "Feedback-Type: abuse\n"),
            Outcome.ABUSE_REPORT,
        ),
        (
            _report(
                "delivery-status",
                "message/delivery-status",
                "Final-Recipient: rfc822; a@example.com\nAction: delayed\nStatus: 4.4.1\n",
            ),
            Outcome.DELAYED,
        ),
    ],
)
def test_mail_of_the_mail_system_opens_no_ticket_and_is_never_answered(
    raw, outcome, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    stored = deliver(raw, django_capture_on_commit_callbacks)
    assert (stored.state, stored.outcome) == ("dropped", outcome)
    assert not Ticket.objects.exists() and mail.outbox == []


def test_a_message_with_a_sender_only_in_reply_to_opens_a_ticket(
    django_capture_on_commit_callbacks,
):
    raw = message('From: "Ada" <>\nReply-To: Ada <ada@example.org>\nSubject: Export broken')
    stored = deliver(raw, django_capture_on_commit_callbacks)
    assert stored.outcome == Outcome.NEW_TICKET
    assert (stored.owner.email, stored.sender) == ("ada@example.org", "ada@example.org")


def test_unsure_extraction_keeps_the_quote_marked_and_the_whole_email_unfolds(
    django_capture_on_commit_callbacks, client, agent
):
    raw = message(
        "From: Ada <ada@example.org>\nSubject: Export broken",
        "I agree with this:\n> the button is gone\n> since the update\nPlease fix.\n",
    )
    stored = deliver(raw, django_capture_on_commit_callbacks)
    ticket = stored.owner
    [first] = ticket.messages.all()
    assert "> the button is gone" in first.body and "Please fix." in first.body
    assert "(Quoted lines kept: no quote header showed where the new text ends.)" in first.body
    client.force_login(agent)
    page = client.get(f"/admin/tickets/ticket/{ticket.pk}/change/").content.decode()
    assert "The whole email" in page and "since the update" in page


def test_every_app_routed_bounces_takes_them_as_mail_bounces_passes_them():
    """Each registered handler is a mail.bounces.BounceHandler: the Message-IDs, whether the
    failure is permanent and why, by keyword; it answers how many rows it changed."""
    routes = bounces._routes
    assert set(routes) >= {"mail", "status", "tickets"}
    for found in routes.values():
        assert found.handler(["<none.1@elsewhere.example>"], permanent=True, why="5.1.1") == 0
        assert isinstance(found.describe(2), str) and found.describe(2)
