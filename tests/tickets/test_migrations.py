"""Upgrades keep the links customers were sent working, and leave no usable link in the
database."""

import hashlib

import pytest

from tests.migrations import latest, migrate, restore, start_at

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

BEFORE_HASHING = [("tickets", "0002_staff_groups")]
HASHED = [("tickets", "0003_hashed_private_links")]
BEFORE_PLACEHOLDERS = [("tickets", "0004_email_kinds")]


def test_links_sent_before_hashing_still_open_their_ticket(client):
    old = start_at(BEFORE_HASHING)
    token = "old-token-sent-in-an-email-before-the-upgrade-0123"
    ticket = old.get_model("tickets", "Ticket").objects.create(
        reference="HC-000001",
        access_token=token,
        email="ada@example.com",
        subject="Stream stops early",
        description="It stops.",
    )
    emails = old.get_model("tickets", "OutboundEmail").objects
    body = f"Your ticket: http://help.example.com/support/tickets/{token}/\n"
    sent = emails.create(
        ticket=ticket, kind="ticket_received", to="a@x.org", body=body, state="sent"
    )
    pending = emails.create(ticket=ticket, kind="staff_reply", to="a@x.org", body=body)
    try:
        new = migrate(HASHED)
        link = new.get_model("tickets", "TicketLink").objects.get()
        assert link.ticket.reference == "HC-000001"
        assert token not in repr(list(new.get_model("tickets", "TicketLink").objects.values()))
        stored = new.get_model("tickets", "OutboundEmail").objects
        assert stored.get(pk=sent.pk).body.endswith("/support/tickets/[private link]/\n")
        assert token in stored.get(pk=pending.pk).body  # still to go out, with its link

        now = latest()
        response = client.get(f"/support/tickets/{token}/")
        assert response.status_code == 200 and "Stream stops early" in response.content.decode()
        stored = now.get_model("tickets", "OutboundEmail").objects
        assert token not in stored.get(pk=pending.pk).body
        assert stored.get(pk=pending.pk).body == "Your ticket: [private link 1]\n"
        assert stored.get(pk=pending.pk).link_tickets == [ticket.pk]
        assert stored.get(pk=sent.pk).body == "Your ticket: [private link]\n"

        # And back: hashes cannot be undone, so each ticket gets a new, distinct token.
        now.get_model("tickets", "Ticket").objects.create(
            reference="HC-000002", email="bo@example.com", subject="Other", description="x"
        )
        old = migrate(BEFORE_HASHING)
        tokens = set(old.get_model("tickets", "Ticket").objects.values_list("access_token"))
        assert len(tokens) == 2 and (token,) not in tokens
    finally:
        restore()


def test_a_link_held_by_an_unsent_email_dies_in_the_upgrade(client):
    """Before: a failed email kept its link in the body, where staff could read it."""
    old = start_at(BEFORE_PLACEHOLDERS)
    Ticket = old.get_model("tickets", "Ticket")
    ticket = Ticket.objects.create(
        reference="HC-000001", email="Ada@GMAIL.com", subject="Stuck", description="x"
    )
    token = "minted-for-an-email-that-never-went-out-0123456789"
    old.get_model("tickets", "TicketLink").objects.create(
        ticket=ticket, token_hash=hashlib.sha256(token.encode()).hexdigest()
    )
    failed = old.get_model("tickets", "OutboundEmail").objects.create(
        ticket=ticket,
        kind="staff_reply",
        to="Ada@GMAIL.com",
        body=f"Reply on http://help.example.com/support/tickets/{token}/ please.\n",
        state="failed",
    )
    try:
        new = latest()
        assert client.get(f"/support/tickets/{token}/").status_code == 404
        email = new.get_model("tickets", "OutboundEmail").objects.get(pk=failed.pk)
        assert email.body == "Reply on [private link 1] please.\n"
        assert email.link_tickets == [ticket.pk]
        stored = new.get_model("tickets", "Ticket").objects.get(pk=ticket.pk)
        assert stored.email_key == "ada@gmail.com"
    finally:
        restore()


def test_emails_stored_before_redaction_lose_their_private_links():
    old = start_at([("tickets", "0014_inbound_provider_verdicts")])
    token = "AbCdEfGhIjKlMnOpQrStUvWxYz0123456789-_abcdefg"
    quoted = f"Thanks!\n\n> Your ticket: https://help.example.com/support/tickets/{token}/\n"
    ticket = old.get_model("tickets", "Ticket").objects.create(
        reference="HC-000001", email="ada@example.com", subject="Stuck", description=quoted
    )
    inbound = old.get_model("tickets", "InboundEmail").objects.create(
        raw="inbound/x.eml", size=1, source="pipe", full_text=quoted, ticket=ticket
    )
    messages = old.get_model("tickets", "TicketMessage").objects
    by_email = messages.create(
        ticket=ticket, author_kind="customer", body=quoted, via="email", inbound=inbound
    )
    by_web = messages.create(ticket=ticket, author_kind="customer", body=quoted, via="web")
    try:
        new = latest()
        redacted = "Thanks!\n\n> Your ticket: [private link]\n"
        assert new.get_model("mail", "InboundEmail").objects.get().full_text == redacted
        stored = new.get_model("tickets", "TicketMessage").objects
        assert stored.get(pk=by_email.pk).body == redacted
        assert stored.get(pk=by_web.pk).body == quoted  # typed on the web: not an email
        assert new.get_model("tickets", "Ticket").objects.get().description == redacted
    finally:
        restore()
