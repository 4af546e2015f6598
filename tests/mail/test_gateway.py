"""The mail gateway: one way to name our Message-IDs and route what bounces, one outbox with
one retry schedule for emails no app's own table holds (the review digest)."""

import pytest
from django.core import mail
from django.test import override_settings
from django.utils import timezone

from mail import bounces, emails, headers, outbox
from mail.models import Email
from tickets import mailthread
from tickets.models import OutboundEmail

BROKEN_MAILER = {"default": {"BACKEND": "tests.tickets.broken_mailer.EmailBackend"}}


@override_settings(DEFAULT_FROM_EMAIL="Help <support@help.example.com>")
def test_our_message_ids_are_unguessable_and_carry_their_app():
    first, second = headers.new_message_id("tickets"), headers.new_message_id("tickets")
    assert first != second and first.endswith("@help.example.com>")
    assert headers.prefix_of(first) == "tickets"
    assert headers.prefix_of(headers.new_message_id("status")) == "status"
    # Ticket emails sent before the prefixes still count as ours.
    assert headers.prefix_of("<6f1c0a9b8e7d6c5b4a3f2e1d0c9b8a7f.hc@help.example.com>") == "tickets"
    # Another domain, a short token, someone else's id: not ours.
    assert not headers.is_ours(first.replace("help.example.com", "evil.example"))
    assert not headers.is_ours("<tickets.1234@help.example.com>")
    assert not headers.is_ours("<CAF=abc@mail.gmail.com>")
    with pytest.raises(ValueError):
        headers.new_message_id("a.b")


def test_a_bounce_reaches_only_the_app_whose_email_it_was(db, make_ticket):
    ticket_email = make_ticket().emails.first()
    digest = emails.queue(kind="test.digest", to="owner@example.com", subject="S", body="B")
    done = bounces.route(
        [ticket_email.message_id, digest.message_id, "<status.abc@elsewhere>"],
        permanent=True,
        why="5.1.1 no such user",
    )
    assert done == "marked 1 email as bounced, marked 1 ticket email as bounced"
    ticket_email.refresh_from_db()
    digest.refresh_from_db()
    assert ticket_email.state == OutboundEmail.State.BOUNCED
    assert digest.state == Email.State.BOUNCED
    assert mailthread.is_ours(ticket_email.message_id)


@pytest.mark.django_db
def test_mails_own_emails_are_stored_retried_and_given_up(django_capture_on_commit_callbacks):
    with override_settings(MAILERS=BROKEN_MAILER), django_capture_on_commit_callbacks(execute=True):
        email = emails.queue(kind="test.digest", to="owner@example.com", subject="S", body="B")
    email.refresh_from_db()
    assert (email.state, email.attempts) == (Email.State.FAILED, 1)
    assert "Connection refused" in email.last_error
    assert emails.deliver(email.pk) == "not due"  # a retry waits for its time
    with override_settings(MAILERS=BROKEN_MAILER):
        for _ in outbox.RETRY_MINUTES:
            Email.objects.filter(pk=email.pk).update(next_attempt_at=timezone.now())
            emails.deliver(email.pk)
    email.refresh_from_db()
    assert (email.state, email.attempts) == (Email.State.GAVE_UP, len(outbox.RETRY_MINUTES) + 1)


@pytest.mark.django_db
def test_an_address_the_mailer_cannot_carry_is_given_up_at_once(django_capture_on_commit_callbacks):
    """A non-ASCII local part needs SMTPUTF8, which the locmem mailer (like Django's own
    SMTP backend) does not do: retrying for 15 hours would change nothing (issue 21)."""
    with django_capture_on_commit_callbacks(execute=True):
        email = emails.queue(kind="test.digest", to="jörg@müller.example", subject="S", body="B")
    email.refresh_from_db()
    assert (email.state, email.attempts) == (Email.State.GAVE_UP, 1)
    assert "SMTPUTF8" in email.last_error
    assert mail.outbox == []


@pytest.mark.django_db
def test_the_clock_sends_what_the_task_backend_could_not(settings):
    from core import clock

    with override_settings(MAILERS=BROKEN_MAILER):
        email = emails.queue(kind="test.digest", to="owner@example.com", subject="S", body="B")
        emails.deliver(email.pk)
    Email.objects.filter(pk=email.pk).update(next_attempt_at=timezone.now())
    ran = {name: summary for name, summary, _ in clock.run_due(only="mail.email_retries")}
    assert ran["mail.email_retries"] == "sent: 1, failed: 0"
    [sent] = mail.outbox
    assert sent.extra_headers["Auto-Submitted"] == "auto-generated"
    assert sent.extra_headers["Message-ID"] == email.message_id
