"""Inbound email moved from tickets to the mail gateway keeps every email and the ticket it
belongs to, both ways."""

import pytest

from tests.migrations import latest, migrate, restore, start_at

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

BEFORE = [("tickets", "0017_attachment_network"), ("mail", "0001_outbox")]


def test_an_email_keeps_its_ticket_through_the_move_and_back():
    old = start_at(BEFORE)
    ticket = old.get_model("tickets", "Ticket").objects.create(
        reference="HC-000001", email="ada@example.com", email_key="ada@example.com",
        subject="Stream stops", description="After 30 s.",
    )  # fmt: skip
    email = old.get_model("tickets", "InboundEmail").objects.create(
        raw="inbound/x.eml", size=10, source="pipe", message_id="<a@b>", ticket_id=ticket.pk
    )
    old.get_model("tickets", "TicketMessage").objects.create(
        ticket_id=ticket.pk, body="Hello", inbound_id=email.pk
    )
    try:
        new = latest()
        moved = new.get_model("mail", "InboundEmail").objects.get(pk=email.pk)
        assert moved.owner_id == ticket.pk and moved.owner_type.model == "ticket"
        message = new.get_model("tickets", "TicketMessage").objects.get()
        assert message.inbound_id == email.pk
        agents = new.get_model("auth", "Group").objects.get(name="Support agents")
        assert agents.permissions.filter(
            content_type__app_label="mail", codename="view_inboundemail"
        ).exists()

        back = migrate(BEFORE)
        inbound = back.get_model("tickets", "InboundEmail").objects.get(pk=email.pk)
        assert inbound.ticket_id == ticket.pk
    finally:
        restore()
