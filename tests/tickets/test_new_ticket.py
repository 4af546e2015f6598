"""Agents open tickets for customers (issue 22, item 2): "New ticket" in the queue, the
requester picked from known customers or typed, how they talked, the first message as the
customer's words or an internal note, an optional acknowledgement with the private link;
recorded as opened by the agent."""

import pytest
from django.core import mail

from tests.html import texts
from tickets import services
from tickets.models import Channel, Ticket, TicketMessage

from .desk import CHANGELIST

ADD = f"{CHANGELIST}add/"


@pytest.fixture
def agent_client(client, agent):
    client.force_login(agent)
    return client


def new_ticket(**fields):
    return {
        "email": "ada@example.com",
        "name": "",
        "channel": "phone",
        "subject": "Cannot rotate API key",
        "category": "other",
        "priority": "2",
        "first_message_is": "customer",
        "first_message": "The rotate button spins forever, invoice INV-4411 is blocked.",
        "acknowledge": "on",
        **fields,
    }


def test_the_queue_offers_new_ticket_and_the_page_offers_known_customers(agent_client, make_ticket):
    make_ticket(email="grace@example.com", name="Grace Hopper")
    html = agent_client.get(CHANGELIST).content.decode()
    assert f'href="{ADD}" class="addlink">New ticket</a>' in html
    page = agent_client.get(ADD)
    assert page.status_code == 200
    html = page.content.decode()
    assert '<option value="grace@example.com">Grace Hopper</option>' in html
    assert 'list="known-customers"' in html
    for label in ["Customer’s email", "How did they reach you?", "Phone", "Chat", "Other"]:
        assert label in html, label


def test_a_phone_call_becomes_a_ticket_with_the_customers_words_and_an_acknowledgement(
    agent_client, agent, make_ticket, django_capture_on_commit_callbacks
):
    make_ticket(email="Ada@Example.com", name="Ada Lovelace")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = agent_client.post(ADD, new_ticket())
    ticket = Ticket.objects.get(subject="Cannot rotate API key")
    assert response.status_code == 302 and response["Location"].endswith(f"/{ticket.pk}/change/")
    assert (ticket.channel, ticket.created_by, ticket.name) == ("phone", agent, "Ada Lovelace")
    [message] = ticket.messages.all()
    assert (message.author_kind, message.author, message.is_internal, message.via) == (
        "customer",
        agent,
        False,
        "agent",
    )
    [ack] = [m for m in mail.outbox if m.to == ["ada@example.com"]]
    assert ticket.reference in ack.subject and "opened request" in ack.body
    assert "(phone)" in ack.body and "/support/tickets/" in ack.body  # the private link
    event = ticket.events.get(field="ticket")
    assert event.actor == agent and event.new_value == "Opened for the customer (Phone)"
    page = agent_client.get(response["Location"]).content.decode()
    assert f"Opened {ticket.reference} for ada@example.com and emailed them its link." in page
    assert "Phone, opened by agent" in texts(page, "ticket-details")[0]
    assert "Taken down by agent" in page
    # Found by the queue's search at once.
    found = agent_client.get(CHANGELIST, {"q": "INV-4411"}).content.decode()
    assert ticket.reference in found


def test_an_internal_note_first_and_no_email(
    agent_client, agent, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        agent_client.post(
            ADD,
            new_ticket(
                email="new@customer.test",
                name="New Person",
                channel="chat",
                first_message_is="note",
                first_message="VIP on chat; call back before noon.",
                acknowledge="",
            ),
        )
    ticket = Ticket.objects.get(email="new@customer.test")
    assert (ticket.channel, ticket.name, ticket.created_by) == ("chat", "New Person", agent)
    [note] = ticket.messages.all()
    assert (note.author_kind, note.is_internal) == (TicketMessage.Author.STAFF, True)
    assert not [m for m in mail.outbox if m.to == ["new@customer.test"]]
    # The customer's page shows no internal note.
    assert not ticket.public_messages().exists()


def test_what_the_form_refuses(agent_client):
    html = agent_client.post(
        ADD, new_ticket(email="not an address", channel="web", first_message="")
    ).content.decode()
    assert "Enter a valid email address." in html
    assert "Select a valid choice. web is not one of the available choices." in html
    assert Ticket.objects.count() == 0
    with pytest.raises(ValueError):
        services.open_for_customer(Ticket(email="a@b.test"), agent=None, channel=Channel.WEB)


def test_only_staff_who_triage_may_open_tickets(client, editor, lead):
    client.force_login(editor)
    assert client.get(ADD).status_code == 403
    client.force_login(lead)
    assert client.get(ADD).status_code == 200
