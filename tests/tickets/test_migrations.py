"""Links sent before private links were hashed keep working after the upgrade."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("tickets", "0002_staff_groups")]
AFTER = [("tickets", "0003_hashed_private_links")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def test_links_sent_before_hashing_still_open_their_ticket(client):
    old = _migrate(BEFORE)
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
        new = _migrate(AFTER)
        link = new.get_model("tickets", "TicketLink").objects.get()
        assert link.ticket.reference == "HC-000001"
        assert token not in repr(list(new.get_model("tickets", "TicketLink").objects.values()))
        response = client.get(f"/support/tickets/{token}/")
        assert response.status_code == 200 and "Stream stops early" in response.content.decode()
        stored = new.get_model("tickets", "OutboundEmail").objects
        assert stored.get(pk=sent.pk).body.endswith("/support/tickets/[private link]/\n")
        assert token in stored.get(pk=pending.pk).body  # still to go out, with its link

        # And back: hashes cannot be undone, so each ticket gets a new, distinct token.
        new.get_model("tickets", "Ticket").objects.create(
            reference="HC-000002", email="bo@example.com", subject="Other", description="x"
        )
        old = _migrate(BEFORE)
        tokens = set(old.get_model("tickets", "Ticket").objects.values_list("access_token"))
        assert len(tokens) == 2 and (token,) not in tokens
    finally:
        _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
