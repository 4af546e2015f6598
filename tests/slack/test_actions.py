"""The buttons of a ticket's card, posted back by Slack: signed requests only, acting as
the linked staff account through the ticket services, answered on the response URL (a
real HTTP server standing in for Slack)."""

import pytest

from tests.slack.conftest import SECRET, block_actions, signed
from tickets.models import AgentGroup, OutboundEmail, TicketEvent, TicketMessage

ACTIONS = "/integrations/slack/actions/"
COMMANDS = "/integrations/slack/commands/"
pytestmark = pytest.mark.django_db


@pytest.fixture
def click(client, slack_server, django_capture_on_commit_callbacks):
    """Click a button as Slack posts it; the answers Slack's response URL got."""

    def post(action_id, ticket, **kw):
        before = len(slack_server.received)
        body = block_actions(
            action_id, ticket.reference, response_url=slack_server.url + "/actions/T/1/x", **kw
        )
        with django_capture_on_commit_callbacks(execute=True):
            response = signed(client, ACTIONS, body)
        assert response.status_code == 200
        ticket.refresh_from_db()
        return [hit["json"] for hit in slack_server.received[before:]]

    return post


@pytest.mark.parametrize("path", [ACTIONS, COMMANDS])
def test_without_a_signing_secret_the_endpoints_do_not_exist(client, settings, path):
    settings.SLACK_SIGNING_SECRET = ""
    assert signed(client, path, "payload=%7B%7D").status_code == 404


@pytest.mark.parametrize("path", [ACTIONS, COMMANDS])
def test_unsigned_wrongly_signed_and_old_requests_are_refused(
    client, path, make_ticket, agent, mapped
):
    mapped(agent)
    ticket = make_ticket()
    body = block_actions(
        "ticket.assign", ticket.reference, response_url="https://hooks.slack.com/x"
    )
    unsigned = client.post(path, body, content_type="application/x-www-form-urlencoded")
    assert unsigned.status_code == 401
    assert signed(client, path, body, secret=SECRET[::-1]).status_code == 403
    assert signed(client, path, body, timestamp=1531420618).status_code == 403  # Slack's example
    stale = signed(client, path, body, timestamp=int(__import__("time").time()) - 301)
    assert stale.status_code == 403
    only_timestamp = client.post(
        path, body, content_type="application/x-www-form-urlencoded",
        headers={"X-Slack-Request-Timestamp": "1531420618"},
    )  # fmt: skip
    assert only_timestamp.status_code == 401
    assert client.get(path).status_code == 405
    ticket.refresh_from_db()
    assert ticket.assignee is None


def test_someone_not_linked_to_staff_is_told_privately_and_nothing_changes(click, make_ticket):
    ticket = make_ticket()
    [answer] = click("ticket.assign", ticket)
    assert answer["response_type"] == "ephemeral" and answer["replace_original"] is False
    assert "not linked to a help center staff account" in answer["text"]
    assert "UA8RXUSPL" in answer["text"]
    assert ticket.assignee is None and not ticket.events.filter(actor__isnull=False).exists()


def test_assign_to_me_assigns_as_the_linked_agent(click, make_ticket, agent, mapped):
    mapped(agent)
    ticket = make_ticket()
    [answer] = click("ticket.assign", ticket)
    assert ticket.assignee == agent and ticket.status == "open"  # assigning opens a new one
    event = TicketEvent.objects.get(ticket=ticket, field="assignee")
    assert event.actor == agent
    assert answer["replace_original"] is True
    assert answer["text"].startswith("Assigned to agent in Slack: " + ticket.reference)
    assert any(b["type"] == "actions" for b in answer["blocks"])
    [again] = click("ticket.assign", ticket)
    assert again["response_type"] == "ephemeral" and "already" in again["text"]


def test_assign_to_me_keeps_the_groups_rule(click, make_ticket, agent, mapped, lead):
    mapped(agent)
    billing = AgentGroup.objects.create(name="Billing")
    billing.members.add(lead)
    ticket = make_ticket(group=billing)
    [answer] = click("ticket.assign", ticket)
    assert "not in the Billing group" in answer["text"]
    assert ticket.assignee is None


def test_add_note_adds_the_typed_text_as_an_internal_note(click, make_ticket, agent, mapped):
    mapped(agent)
    ticket = make_ticket()
    [answer] = click("ticket.note", ticket, note="Looks like the <billing> migration & co.")
    note = TicketMessage.objects.get(ticket=ticket, author=agent)
    assert note.is_internal and note.body == "Looks like the <billing> migration & co."
    assert "Note added by agent" in answer["text"]
    [empty] = click("ticket.note", ticket, note=None)
    assert empty["response_type"] == "ephemeral" and "Type the note" in empty["text"]
    assert TicketMessage.objects.filter(ticket=ticket, author=agent).count() == 1


def test_resolve_resolves_and_tells_the_customer(click, make_ticket, agent, mapped):
    mapped(agent)
    ticket = make_ticket()
    [answer] = click("ticket.resolve", ticket)
    assert ticket.status == "resolved"
    assert ticket.events.get(field="status").actor == agent
    assert OutboundEmail.objects.filter(ticket=ticket, kind="ticket_resolved").exists()
    assert answer["text"].startswith("Resolved by agent in Slack")
    [again] = click("ticket.resolve", ticket)
    assert again["text"] == f"{ticket.reference} is resolved."


def test_buttons_act_with_the_accounts_role(click, make_ticket, mapped, django_user_model):
    nobody = mapped(django_user_model.objects.create_user("norole", is_staff=True))
    ticket = make_ticket()
    for action in ("ticket.assign", "ticket.note", "ticket.resolve"):
        [answer] = click(action, ticket, note="x")
        assert answer["response_type"] == "ephemeral"
        assert "No ticket" in answer["text"]  # it cannot even see tickets
    assert ticket.status == "new" and ticket.assignee is None
    assert not TicketMessage.objects.filter(ticket=ticket, author=nobody).exists()


def test_a_deactivated_account_is_not_linked_any_more(click, make_ticket, agent, mapped):
    mapped(agent)
    agent.is_active = False
    agent.save()
    ticket = make_ticket()
    [answer] = click("ticket.resolve", ticket)
    assert "not linked" in answer["text"] and ticket.status == "new"


def test_answers_go_only_to_slacks_response_urls(
    client, make_ticket, slack_server, django_capture_on_commit_callbacks
):
    ticket = make_ticket()
    body = block_actions("ticket.assign", ticket.reference, response_url="http://169.254.169.254/x")
    with django_capture_on_commit_callbacks(execute=True):
        assert signed(client, ACTIONS, body).status_code == 200
    assert slack_server.received == []


@pytest.mark.parametrize(
    "body",
    [
        "",
        "payload=",
        "payload=not-json",
        "payload=%5B%5D",
        'payload={"type":"block_actions","actions":"x"}',
        'payload={"type":"block_actions","actions":[1],"user":"x"}',
        'payload={"type":"block_actions","actions":[{"action_id":"ticket.assign"}],"user":[]}',
        "payload=" + "[" * 30_000,
        'payload={"type":"view_submission"}',
        "payload=%FF%FE",
    ],
)
def test_signed_bodies_of_another_shape_never_fail(client, body):
    assert signed(client, ACTIONS, body).status_code in (200, 400)


def test_a_body_over_the_limit_is_refused_unread(client, settings):
    settings.SLACK_MAX_BODY_BYTES = 100
    assert signed(client, ACTIONS, "payload=" + "x" * 200).status_code == 413


def test_a_nul_in_what_slack_sends_is_no_error(client, make_ticket, slack_server):
    """PostgreSQL refuses NUL in text: a NUL in an ID or a reference is a no-match."""
    ticket = make_ticket()
    for user, value, url in [
        ("U\x00A", ticket.reference, slack_server.url + "/actions/1"),
        ("UA8RXUSPL", ticket.reference + "\x00", slack_server.url + "/actions/1"),
        ("UA8RXUSPL", ticket.reference, slack_server.url + "/actions/\x00"),
    ]:
        body = block_actions("ticket.assign", value, response_url=url, user=user)
        assert signed(client, ACTIONS, body).status_code == 200
    command = "token=x&command=%2Fincident&user_id=U%00A&text=latest+identified+x"
    assert signed(client, COMMANDS, command).status_code == 200
