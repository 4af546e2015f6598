"""After the reply: satisfaction surveys, and the default rules on time that remind,
resolve and close (run with a given `now`, as the clock would run them later)."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from tickets import emails, services, triggers
from tickets.jobs import sweep_expired
from tickets.models import (
    Attachment,
    EmailKind,
    SatisfactionRating,
    Ticket,
)

SURVEY = re.compile(r"(Good|Bad): +(http://\S+/support/rate/\S+)")


def _resolved_email(ticket, agent):
    services.staff_update(ticket, actor=agent, status="resolved")
    email = ticket.emails.get(kind=EmailKind.TICKET_RESOLVED)
    assert emails.deliver(email.pk) == "sent"
    return email, mail.outbox[-1]


def _path(url):
    return "/" + url.split("//", 1)[1].split("/", 1)[1]


def test_the_resolution_email_asks_how_we_did_and_opening_it_records_nothing(
    client, content, make_ticket, agent
):
    ticket = make_ticket(assignee=agent, category="billing")
    stored, sent = _resolved_email(ticket, agent)
    links = dict(SURVEY.findall(sent.body))
    assert set(links) == {"Good", "Bad"}
    assert "/support/rate/" not in stored.body  # no stored copy lets anyone rate
    page = client.get(_path(links["Good"]))  # what a mail scanner does
    assert page.status_code == 200 and "no-store" in page["Cache-Control"]
    text = " ".join(re.sub(r"<[^>]+>", "", page.content.decode()).split())
    assert "You chose Good in the email: press the button to send it." in text
    assert not SatisfactionRating.objects.exists()


def test_a_rating_then_a_comment_reach_the_ticket_and_the_report(
    client, content, make_ticket, agent, admin_client
):
    agent.first_name, agent.last_name = "Sam", "Rivera"
    agent.save()
    ticket = make_ticket(assignee=agent, category="billing")
    _, sent = _resolved_email(ticket, agent)
    url = _path(dict(SURVEY.findall(sent.body))["Bad"])
    response = client.post(url.split("?")[0], {"rating": "bad"}, follow=True)
    assert "you rated our help bad" in response.content.decode()
    response = client.post(
        url.split("?")[0], {"rating": "bad", "comment": "Took three days."}, follow=True
    )
    assert "Thank you for telling us." in response.content.decode()
    rated = SatisfactionRating.objects.get()
    assert (rated.ticket, rated.rating, rated.comment) == (ticket, "bad", "Took three days.")
    assert (rated.agent, rated.category) == (agent, "billing")
    # Changing one's mind keeps the comment.
    client.post(url.split("?")[0], {"rating": "good"})
    rated.refresh_from_db()
    assert (rated.rating, rated.comment) == ("good", "Took three days.")
    report = admin_client.get("/admin/tickets/satisfactionrating/").content.decode()
    assert "100% good" in report and "Sam Rivera" in report
    assert admin_client.get("/admin/tickets/satisfactionrating/?days=90").status_code == 200


def test_a_wrong_or_old_survey_link_is_a_404(client, content, make_ticket, agent, monkeypatch):
    ticket = make_ticket()
    _, sent = _resolved_email(ticket, agent)
    url = _path(dict(SURVEY.findall(sent.body))["Good"]).split("?")[0]
    assert client.get(url[:-5] + "xxxx/").status_code == 404
    import time

    real = time.time
    monkeypatch.setattr(time, "time", lambda: real() + 61 * 24 * 3600)
    assert client.get(url).status_code == 404


def test_send_and_resolve_asks_too(make_ticket, agent):
    ticket = make_ticket()
    services.staff_update(ticket, actor=agent, reply="Fixed on our side.", status="resolved")
    assert emails.deliver(ticket.emails.get(kind="ticket_resolved").pk) == "sent"
    assert len(SURVEY.findall(mail.outbox[-1].body)) == 2


@pytest.fixture
def waiting_on_customer(make_ticket, agent):
    ticket = make_ticket(email="ada@example.com")
    services.staff_update(ticket, actor=agent, reply="Which SDK version?")
    ticket.refresh_from_db()
    assert ticket.status == "pending"
    return ticket


def _day(n):
    return timezone.now() + timedelta(days=n, minutes=1)


def _run(now):
    return triggers.run_time_rules(now=now)["fired"]


def test_a_customer_who_does_not_answer_is_reminded_once(waiting_on_customer):
    ticket = waiting_on_customer
    assert _run(_day(2)) == 0
    assert _run(_day(3)) == 1
    assert _run(_day(3.5)) == 0
    ticket.refresh_from_db()
    assert ticket.status == "pending"
    [reminder] = ticket.emails.filter(kind=EmailKind.TRIGGER_EMAIL)
    assert "resolved in 4 days" in reminder.body and reminder.to == "ada@example.com"
    assert reminder.subject == f"[{ticket.reference}] We are waiting for your reply"
    assert "[private link 1]" in reminder.body and "{{" not in reminder.body
    event = ticket.events.get(field="trigger")
    assert event.new_value == (
        "Trigger 'Remind after 3 days waiting on the customer' emailed the requester"
    )
    assert event.actor is None


def test_still_no_answer_resolves_then_closes_the_ticket(waiting_on_customer):
    ticket = waiting_on_customer
    _run(_day(3))
    assert _run(_day(6)) == 0
    assert _run(_day(7.1)) == 1
    ticket.refresh_from_db()
    assert ticket.status == "resolved"
    resolved = ticket.events.get(new_value="Resolved")
    assert resolved.reason == "trigger: Resolve after 7 days without an answer"
    email = ticket.emails.filter(kind=EmailKind.TRIGGER_EMAIL).latest("pk")
    assert email.subject == f"[{ticket.reference}] Resolved: {ticket.subject}"
    assert "[how did we do: good]" in email.body
    assert _run(_day(14.2)) == 1
    ticket.refresh_from_db()
    assert ticket.status == "closed"
    closed = ticket.events.get(new_value="Closed")
    assert closed.reason == "trigger: Close 7 days after resolving"


def _waited(ticket, days):
    """As if the ticket's status had changed `days` ago (and rules fired before that)."""
    moment = timezone.now() - timedelta(days=days, minutes=1)
    Ticket.objects.filter(pk=ticket.pk).update(status_changed_at=moment, paused_since=moment)
    ticket.trigger_firings.update(fired_at=moment - timedelta(minutes=1))


def test_an_answer_after_the_reminder_stops_the_clock(waiting_on_customer, agent):
    ticket = waiting_on_customer
    _waited(ticket, 3)
    assert _run(timezone.now()) == 1
    services.customer_reply(ticket, "SDK 4.2")
    assert _run(_day(10)) == 0
    ticket.refresh_from_db()
    assert ticket.status == "open"
    # Waiting on the customer again: a new reminder, three days after the new question.
    services.staff_update(ticket, actor=agent, reply="And the OS?")
    assert _run(timezone.now()) == 0
    _waited(ticket, 3)
    assert _run(timezone.now()) == 1
    assert ticket.emails.filter(kind=EmailKind.TRIGGER_EMAIL).count() == 2


def test_forms_never_sent_leave_no_files_behind(make_ticket):
    from tickets import attachments

    old = attachments.store("old.log", b"x", kind="text", content_type="t", intake="a")
    new = attachments.store("new.log", b"y", kind="text", content_type="t", intake="b")
    Attachment.objects.filter(pk=old.pk).update(uploaded_at=timezone.now() - timedelta(days=2))
    sweep_expired()
    assert list(Attachment.objects.all()) == [new]


def test_the_command_runs_every_step(capsys, waiting_on_customer):
    from django.core.management import call_command

    _waited(waiting_on_customer, 5)
    call_command("ticket_automations")
    assert "fired: 1" in capsys.readouterr().out
