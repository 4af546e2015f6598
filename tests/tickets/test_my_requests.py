"""My requests: one emailed link lists every ticket of the customer, each openable."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.handlers.base import BaseHandler
from django.core.signals import request_finished
from django.db import close_old_connections, connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
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


def _served(address, capture):
    """One "email me my tickets" request as a WSGI server serves it: the view's answer, with
    the SQL run to make it (after every commit: the site runs in autocommit), and what is
    emailed by then; then close(), which the server calls once the answer is sent."""
    request = RequestFactory().post("/support/tickets/", {"email": address})
    request._dont_enforce_csrf_checks = True
    handler = BaseHandler()
    handler.load_middleware()
    mail.outbox.clear()
    with CaptureQueriesContext(connection) as queries, capture(execute=True):
        response = handler.get_response(request)
    in_request = ([q["sql"] for q in queries], len(mail.outbox), response.content)
    # As Django's test client does: the test's transaction must outlive the "request".
    request_finished.disconnect(close_old_connections)
    try:
        with capture(execute=True):
            response.close()
    finally:
        request_finished.connect(close_old_connections)
    return in_request, [m.to for m in mail.outbox]


@pytest.mark.parametrize("with_tickets", [True, False], ids=["tickets", "none"])
def test_the_answer_does_the_same_work_whether_or_not_the_address_has_tickets(
    content, make_ticket, django_capture_on_commit_callbacks, with_tickets
):
    """Timing the answer would tell who has tickets (21 ms with, 6 ms without): the lookup
    and the email happen only once the answer is sent, so both answers do the same work."""
    make_ticket(email="ada@example.com")
    make_ticket(email="ada@example.com")
    address = "ada@example.com" if with_tickets else "nobody@example.com"
    (sql, emailed, page), after = _served(address, django_capture_on_commit_callbacks)
    (other_sql, other_emailed, _), _ = _served(
        "grace@example.com", django_capture_on_commit_callbacks
    )
    assert (sql, emailed) == (other_sql, other_emailed) == ([], 0)
    assert not any("tickets_ticket" in q for q in sql)
    assert address in page.decode()  # the same page, naming where the link went
    assert after == ([["ada@example.com"]] if with_tickets else [])
