"""The customer's private ticket page and "lost your link?"."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from tests.html import texts
from tests.tickets.links import emailed_link, link_in, open_from_requests
from tickets import merging, services
from tickets.models import Ticket, TicketLink, TicketMessage


def _reply_as(agent, ticket, body, internal=False):
    services.staff_update(
        ticket,
        actor=agent,
        reply=body,
        internal=internal,
    )


def test_private_page_shows_the_conversation_without_internal_notes(
    client, content, make_ticket, agent
):
    ticket = make_ticket(description="My stream stops after 30 seconds.")
    _reply_as(agent, ticket, "Which SDK version do you use?")
    _reply_as(agent, ticket, "Customer is on the legacy plan, check quota.", internal=True)
    response = client.get(emailed_link(ticket))
    html = response.content.decode()
    assert response.status_code == 200
    assert {"private", "no-store"} <= set(response["Cache-Control"].replace(",", " ").split())
    bodies = [t.strip() for t in texts(html, "message__body")]
    assert bodies[0] == "My stream stops after 30 seconds."
    assert bodies[1].startswith("Which SDK version do you use?") and len(bodies) == 2
    assert "legacy plan" not in html
    assert "Waiting for your reply" in texts(html, "ticket-status")[0]
    assert '<meta name="robots" content="noindex">' in html


@pytest.mark.parametrize("token", ["x", "a" * 43, "a" * 300, "%2e%2e"])
def test_a_wrong_token_is_a_404(client, content, make_ticket, token):
    make_ticket()
    response = client.get(f"/support/tickets/{token}/")
    assert response.status_code == 404
    assert "This ticket link does not work" in response.content.decode()
    assert 'action="/support/tickets/"' in response.content.decode()  # ask for a new one
    assert client.post(f"/support/tickets/{token}/", {"body": "hi"}).status_code == 404
    assert client.post(f"/support/tickets/{token}/solved/").status_code == 404


def _age_links(ticket, days, used_days_ago=None):
    used = timezone.now() - timedelta(days=used_days_ago) if used_days_ago is not None else None
    TicketLink.objects.filter(ticket=ticket).update(
        created_at=timezone.now() - timedelta(days=days), last_used_at=used
    )


def test_a_link_expires_after_30_days_without_use(client, content, make_ticket):
    ticket = make_ticket()
    link = emailed_link(ticket)
    _age_links(ticket, days=31)
    assert client.get(link).status_code == 404
    _age_links(ticket, days=60, used_days_ago=29)
    assert client.get(link).status_code == 200
    # That visit was a use: the link has 30 days again.
    [stored] = TicketLink.objects.filter(ticket=ticket)
    assert stored.expires_at() > timezone.now() + timedelta(days=29)


def test_activity_on_the_ticket_does_not_keep_an_unused_link_alive(
    client, content, make_ticket, agent
):
    ticket = make_ticket()
    link = emailed_link(ticket)
    _age_links(ticket, days=31)
    _reply_as(agent, ticket, "Any news?")  # its email carries a new link of its own
    assert client.get(link).status_code == 404


def test_customer_reply_reopens_a_resolved_ticket_and_notifies_the_assignee(
    client, content, make_ticket, agent, django_capture_on_commit_callbacks
):
    ticket = make_ticket()
    ticket.assignee, ticket.status = agent, "resolved"
    ticket.save()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(emailed_link(ticket), {"body": "It broke again today."})
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert ticket.status == "open" and ticket.waiting_since is not None
    assert ticket.resolved_at is None
    assert ticket.messages.last().body == "It broke again today."
    assert ticket.events.get(field="status").new_value == "Open"
    assert [m.to for m in mail.outbox][-1] == ["agent@example.com"]


def test_empty_or_huge_reply_is_refused_and_kept(client, content, make_ticket):
    ticket = make_ticket()
    html = client.post(emailed_link(ticket), {"body": ""}).content.decode()
    assert texts(html, "field-error") == ["Write your reply, or attach a file."]
    huge = "word " * 2001
    html = client.post(emailed_link(ticket), {"body": huge}).content.decode()
    assert "This is 10,004 characters long; the limit is 10,000." in texts(html, "field-error")[0]
    assert huge.strip() in html
    assert ticket.messages.count() == 1


def test_customer_can_mark_the_ticket_solved(client, content, make_ticket):
    ticket = make_ticket()
    response = client.post(emailed_link(ticket) + "solved/")
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert ticket.status == "resolved" and ticket.resolved_at is not None
    html = client.get(emailed_link(ticket)).content.decode()
    assert "Resolved" in texts(html, "ticket-status")[0]
    assert "Not solved after all?" in html
    assert client.get(emailed_link(ticket) + "solved/").status_code == 405


def test_a_closed_ticket_takes_no_reply(client, content, make_ticket):
    ticket = make_ticket()
    Ticket.objects.filter(pk=ticket.pk).update(status="closed")
    html = client.post(emailed_link(ticket), {"body": "hello?"}).content.decode()
    assert "This ticket is closed" in html
    assert ticket.messages.count() == 1


def test_lost_link_gives_the_same_answer_either_way_and_emails_only_real_tickets(
    client, content, make_ticket, django_capture_on_commit_callbacks
):
    ticket = make_ticket(email="ada@example.com")
    old_link = emailed_link(ticket)
    _age_links(ticket, days=40)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        known = client.post("/support/tickets/", {"email": "ADA@example.com"})
        unknown = client.post("/support/tickets/", {"email": "nobody@example.com"})

    def strip(response):
        html = re.sub(r'(nonce|value)="[^"]*"', "", response.content.decode())
        return html.replace("ADA@example.com", "X").replace("nobody@example.com", "X")

    assert known.status_code == unknown.status_code == 200
    assert strip(known) == strip(unknown)
    # Sent to the address stored on the ticket, not to the address as typed.
    assert [m.to for m in mail.outbox] == [["ada@example.com"]]
    assert client.get(open_from_requests(client, mail.outbox[0].body, ticket)).status_code == 200
    # Asking for a new link revives no old one.
    assert client.get(old_link).status_code == 404


def test_lost_link_is_rate_limited_per_address(client, content, make_ticket, settings):
    for _ in range(3):
        assert client.post("/support/tickets/", {"email": "ada@example.com"}).status_code == 200
    response = client.post("/support/tickets/", {"email": "ada@example.com"})
    assert response.status_code == 429 and "Please wait" in response.content.decode()


def test_a_merged_tickets_link_opens_the_kept_one(client, content, make_ticket, agent):
    first = make_ticket(email="ada@example.com", description="First try.")
    same = make_ticket(email="Ada@Example.com", description="Second try.")
    merging.merge([first, same], actor=agent)
    html = client.get(emailed_link(same)).content.decode()
    assert first.reference in texts(html, "eyebrow")[0]
    assert f"Your ticket {same.reference} was merged into this one" in html
    assert [b.strip() for b in texts(html, "message__body")] == ["First try.", "Second try."]
    # A reply through the old link continues the kept conversation.
    client.post(emailed_link(same), {"body": "Any news?"})
    assert first.messages.last().body == "Any news?"
    assert not same.messages.filter(body="Any news?").exists()


def test_merges_that_chain_lead_to_the_last_ticket_kept(client, content, make_ticket, agent):
    a = make_ticket(email="ada@example.com", description="First.")
    b = make_ticket(email="ada@example.com", description="Second.")
    c = make_ticket(email="ada@example.com", description="Third.")
    Ticket.objects.filter(pk=c.pk).update(created_at=a.created_at - timedelta(days=1))
    merging.merge([a, b], actor=agent)  # b into a
    merging.merge([a, c], actor=agent)  # then a into c (the oldest)
    assert Ticket.objects.get(pk=b.pk).merged_into_id == c.pk  # re-pointed: no chain
    for ticket in (a, b):
        html = client.get(emailed_link(ticket)).content.decode()
        assert c.reference in texts(html, "eyebrow")[0]


def test_a_link_never_follows_a_merge_into_another_customers_ticket(client, content, make_ticket):
    ada = make_ticket(email="ada@example.com")
    eve = make_ticket(email="eve@example.com", request_id="req_secret", subject="Eve's problem")
    Ticket.objects.filter(pk=ada.pk).update(merged_into=eve, status="closed")  # old data
    html = client.get(emailed_link(ada)).content.decode()
    assert ada.reference in texts(html, "eyebrow")[0]
    assert "req_secret" not in html and "Eve's problem" not in html
    assert f"This ticket was merged into {eve.reference}." in html


def test_the_database_keeps_no_working_link(
    client, content, ticket_data, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/support/", ticket_data())
    [customer] = [m for m in mail.outbox if m.to == ["ada@example.com"]]
    path = link_in(customer.body)
    token = path.rstrip("/").rsplit("/", 1)[1]
    assert len(token) >= 40
    assert client.get(path).status_code == 200

    from django.apps import apps

    stored = repr(
        [
            row
            for model in apps.get_app_config("tickets").get_models()
            for row in model.objects.values()
        ]
    )
    assert token not in stored  # only its hash, and the sent email's copy is blanked out
    [link] = TicketLink.objects.all()
    assert client.get(f"/support/tickets/{link.token_hash}/").status_code == 404


def test_tickets_of_different_requesters_never_merge(content, make_ticket, agent):
    ada = make_ticket(email="ada@example.com")
    eve = make_ticket(email="eve@example.com", description="Eve's secret words.")
    with pytest.raises(merging.MergeRefused):
        merging.merge([ada, eve], actor=agent)
    assert not TicketMessage.objects.filter(ticket=ada, body="Eve's secret words.").exists()
    eve.refresh_from_db()
    assert eve.merged_into is None and eve.status == "new"


def test_times_show_in_the_customers_time_zone_when_known(client, content, make_ticket):
    from datetime import UTC, datetime

    ticket = make_ticket(occurred_tz="Asia/Tokyo")
    Ticket.objects.filter(pk=ticket.pk).update(created_at=datetime(2026, 11, 29, 1, 0, tzinfo=UTC))
    html = client.get(emailed_link(ticket)).content.decode()
    assert "29 Nov 2026, 10:00 JST" in html
