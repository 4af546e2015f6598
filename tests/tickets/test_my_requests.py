"""My requests: one emailed link lists every ticket of the customer, each openable."""

from datetime import timedelta

from django.core import mail
from django.utils import timezone

from tests.html import texts
from tests.tickets.links import open_from_requests, requests_link_in
from tickets.models import RequestsLink, TicketLink


def _ask(client, address, capture):
    mail.outbox.clear()
    with capture(execute=True):
        client.post("/support/tickets/", {"email": address})
    [email] = mail.outbox
    return email


def test_the_link_lists_every_ticket_of_the_customer_and_no_one_elses(
    client, content, make_ticket, django_capture_on_commit_callbacks
):
    older = make_ticket(email="ada@example.com", subject="Invite link expired")
    newer = make_ticket(email="ada@example.com", subject="Stream stops")
    other = make_ticket(email="eve@example.com", subject="Eve's secret")
    email = _ask(client, "ADA@example.com", django_capture_on_commit_callbacks)
    assert email.subject == "Your support requests" and email.to == ["ada@example.com"]
    assert "Stream stops" not in email.body  # the email repeats no subject: only references
    page = client.get(requests_link_in(email.body))
    html = page.content.decode()
    assert page.status_code == 200 and "no-store" in page["Cache-Control"]
    titles = texts(html, "request__title")
    assert titles == [f"{newer.reference} Stream stops", f"{older.reference} Invite link expired"]
    assert "Eve" not in html
    assert client.post(f"{requests_link_in(email.body)}open/{other.pk}/").status_code == 404
    ticket_page = client.get(open_from_requests(client, email.body, older))
    assert "Invite link expired" in ticket_page.content.decode()


def test_opening_a_ticket_from_the_list_needs_a_post(
    client, content, make_ticket, django_capture_on_commit_callbacks
):
    ticket = make_ticket(email="ada@example.com")
    email = _ask(client, "ada@example.com", django_capture_on_commit_callbacks)
    before = TicketLink.objects.count()
    url = f"{requests_link_in(email.body)}open/{ticket.pk}/"
    assert client.get(url).status_code == 405  # a mail scanner following links mints nothing
    assert TicketLink.objects.count() == before


def test_the_list_link_expires_after_30_days_without_use(
    client, content, make_ticket, django_capture_on_commit_callbacks
):
    make_ticket(email="ada@example.com")
    email = _ask(client, "ada@example.com", django_capture_on_commit_callbacks)
    link = requests_link_in(email.body)
    RequestsLink.objects.update(created_at=timezone.now() - timedelta(days=31))
    response = client.get(link)
    assert response.status_code == 404
    assert "Email me the link" in response.content.decode()


def test_marking_solved_tells_the_assignee_and_thanks_the_customer(
    client, content, make_ticket, agent, django_capture_on_commit_callbacks
):
    from tests.tickets.links import emailed_link

    ticket = make_ticket(assignee=agent)
    link = emailed_link(ticket)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(link + "solved/", follow=True)
    html = response.content.decode()
    assert f"Thank you: {ticket.reference} is marked as solved." in html
    [note] = mail.outbox
    assert note.to == [agent.email] and "marked" in note.body and "as solved" in note.body
