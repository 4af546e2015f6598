"""Merging tells the customer of each merged ticket where the conversation continues
(issue 25 item 9): offered on the confirmation page, ticked by default, through the one path
ticket emails take (tickets.emails, the outbox)."""

import re

import pytest
from django.core import mail

from tickets.models import EmailKind, OutboundEmail

CHANGELIST = "/admin/tickets/ticket/"


@pytest.fixture
def agent_client(client, agent):
    client.force_login(agent)
    return client


def _merge(agent_client, first, dup, **extra):
    post = {"_selected_action": [first.pk, dup.pk], "index": 0, "action": "merge"}
    return agent_client.post(CHANGELIST, {**post, "confirm": "yes", "keep": first.pk, **extra})


def test_the_confirmation_offers_to_tell_the_customer_ticked(agent_client, make_ticket):
    first = make_ticket(email="ada@example.com")
    dup = make_ticket(email="ada@example.com")
    post = {"_selected_action": [first.pk, dup.pk], "index": 0, "action": "merge"}
    html = agent_client.post(CHANGELIST, post).content.decode()
    box = re.search(r'<input type="checkbox" name="notify"[^>]*>', html)[0]
    assert "checked" in box
    assert "Tell the customer where the conversation continues" in html


def test_the_customer_of_the_merged_ticket_is_told_where_it_continues(
    agent_client, make_ticket, django_capture_on_commit_callbacks
):
    first = make_ticket(email="ada@example.com", subject="Streaming stops")
    dup = make_ticket(email="Ada@Example.com", subject="Still no stream", name="Ada")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        _merge(agent_client, first, dup, notify="on")
    [stored] = OutboundEmail.objects.filter(kind=EmailKind.TICKET_MERGED)
    assert stored.ticket == dup and stored.to == dup.email
    [sent] = [m for m in mail.outbox if f"Continues in {first.reference}" in m.subject]
    assert sent.to == [dup.email]
    assert sent.subject == f"[{dup.reference}] Continues in {first.reference}: Still no stream"
    assert f"the conversation continues in {first.reference}" in sent.body
    # The link opens the ticket kept.
    link = re.search(r"http://\S+/support/tickets/\S+/", sent.body)[0]
    page = agent_client.get(link.replace("http://testserver", ""), follow=True)
    assert first.reference in page.content.decode()


def test_unticked_nobody_is_told(agent_client, make_ticket):
    first = make_ticket(email="ada@example.com")
    dup = make_ticket(email="ada@example.com")
    _merge(agent_client, first, dup)  # an unticked box is not sent
    assert not OutboundEmail.objects.filter(kind=EmailKind.TICKET_MERGED).exists()
