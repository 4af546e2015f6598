"""No ticket is ever lost to email: stored first, sent after commit, failures retried."""

from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone

from mail import outbox
from tickets import emails
from tickets.models import OutboundEmail, Ticket

BROKEN_MAILER = {"default": {"BACKEND": "tests.tickets.broken_mailer.EmailBackend"}}


def test_emails_wait_for_the_commit(
    client, content, ticket_data, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        client.post("/support/", ticket_data())
    assert Ticket.objects.count() == 1
    assert mail.outbox == [] and len(callbacks) == 2
    assert set(OutboundEmail.objects.values_list("state", flat=True)) == {"pending"}


def test_a_failing_mail_server_loses_no_ticket_and_shows_no_error(
    client, content, ticket_data, django_capture_on_commit_callbacks
):
    with override_settings(MAILERS=BROKEN_MAILER), django_capture_on_commit_callbacks(execute=True):
        response = client.post("/support/", ticket_data())
    assert response.status_code == 302
    ticket = Ticket.objects.get()
    failed = OutboundEmail.objects.filter(ticket=ticket)
    assert {e.state for e in failed} == {"failed"}
    assert all("Connection refused" in e.last_error for e in failed)
    assert all(e.attempts == 1 and e.next_attempt_at > e.created_at for e in failed)
    page = client.get(response["Location"])
    assert page.status_code == 200 and ticket.reference in page.content.decode()

    # The mail server is back: the retry command sends what is due.
    OutboundEmail.objects.update(next_attempt_at=ticket.created_at)
    call_command("send_pending_emails", stdout=StringIO())
    assert set(OutboundEmail.objects.values_list("state", flat=True)) == {"sent"}
    assert len(mail.outbox) == 2


def test_after_the_last_retry_an_email_is_given_up_and_stays_visible(make_ticket):
    with override_settings(MAILERS=BROKEN_MAILER):
        ticket = make_ticket()
        email = ticket.emails.first()
        for _ in range(len(outbox.RETRY_MINUTES) + 1):
            OutboundEmail.objects.filter(pk=email.pk).update(next_attempt_at=timezone.now())
            emails.deliver(email.pk)
    email.refresh_from_db()
    assert email.state == "gave_up" and email.attempts == len(outbox.RETRY_MINUTES) + 1


def test_an_unavailable_task_backend_leaves_the_email_pending(
    client, content, ticket_data, django_capture_on_commit_callbacks, monkeypatch
):
    from tickets.emails import deliver_email

    def down(*args, **kwargs):
        raise ConnectionError("task broker down")

    monkeypatch.setattr(type(deliver_email), "enqueue", down)
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post("/support/", ticket_data()).status_code == 302
    assert set(OutboundEmail.objects.values_list("state", flat=True)) == {"pending"}
    call_command("send_pending_emails", stdout=StringIO())
    assert len(mail.outbox) == 2


@pytest.mark.django_db(transaction=True)
def test_with_the_database_task_backend_a_worker_sends_the_email(client, content, ticket_data):
    from django.tasks import task_backends
    from django_tasks_db import DatabaseBackend

    task_backends["default"] = DatabaseBackend(
        "default", {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": [], "OPTIONS": {}}
    )
    try:
        client.post("/support/", ticket_data())
        assert mail.outbox == []  # queued, not sent by the web request
        assert OutboundEmail.objects.filter(state="pending").count() == 2
        call_command("db_worker", batch=True, no_startup_delay=True, verbosity=0)
    finally:
        del task_backends["default"]
    assert sorted(m.to[0] for m in mail.outbox) == ["ada@example.com", "support@example.com"]
    assert set(OutboundEmail.objects.values_list("state", flat=True)) == {"sent"}


def test_a_retry_that_is_not_due_spends_no_attempt(make_ticket):
    with override_settings(MAILERS=BROKEN_MAILER):
        email = make_ticket().emails.first()
        emails.deliver(email.pk)
        assert emails.deliver(email.pk) == "not due"
    email.refresh_from_db()
    assert email.attempts == 1
