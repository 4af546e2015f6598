"""Slack's two endpoints with hostile values, signed as Slack signs (so they reach the
views' reading of the body): never a 500, and no ticket or incident changes unless a
linked person asked for it in a way that makes sense."""

import json
from urllib.parse import parse_qsl, urlencode

import pytest
from django.db import transaction

from status.models import IncidentUpdate
from tests.helpcenter.test_hostile_input import HOSTILE, RAW
from tests.slack.conftest import block_actions, signed, slash_command
from tickets.models import Ticket

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


def _fine(response, what):
    assert response.status_code < 500, f"{response.status_code} for {what}"


def test_hostile_slash_commands_never_fail(client, open_incident, editor, mapped):
    mapped(editor, "U2CERLKJA")
    open_incident()
    fields = dict(parse_qsl(slash_command("latest identified Words."), keep_blank_values=True))
    posted = set()

    def command(body, what):
        """Sent, and undone: each command meets the same incident (one that gathered every
        update posted before would make each later one longer to announce)."""
        first = IncidentUpdate.objects.order_by("pk").last().pk
        with transaction.atomic():
            _fine(signed(client, "/integrations/slack/commands/", body), what)
            updates = IncidentUpdate.objects.filter(pk__gt=first)
            posted.update(updates.values_list("status", "body"))
            transaction.set_rollback(True)

    for name in fields:
        for value in HOSTILE:
            command(urlencode({**fields, name: value}), f"{name}={value[:40]!r}")
        for raw in RAW:
            body = urlencode({k: v for k, v in fields.items() if k != name}) + f"&{name}={raw}"
            command(body, f"{name}={raw}")
    # Values in fields the command does not read left it meaning what it said; the rest
    # posted nothing odd.
    assert posted == {("identified", "Words.")}


def test_hostile_clicks_never_fail(client, make_ticket, agent, mapped):
    mapped(agent)
    ticket = make_ticket()
    payload = json.loads(
        dict(parse_qsl(block_actions("ticket.note", ticket.reference, response_url="x")))["payload"]
    )
    paths = [
        ("user", "id"),
        ("actions", 0, "action_id"),
        ("actions", 0, "value"),
        ("response_url",),
        ("state", "values", "note", "note_text", "value"),
        ("type",),
    ]
    for path in paths:
        for value in [*HOSTILE, None, 1, [], {}, 1e309]:
            changed = json.loads(json.dumps(payload))
            target = changed
            for step in path[:-1]:
                target = target[step]
            target[path[-1]] = value
            try:
                body = urlencode({"payload": json.dumps(changed)})
            except ValueError:
                continue
            response = signed(client, "/integrations/slack/actions/", body)
            _fine(response, f"{path}={str(value)[:40]!r}")
    assert Ticket.objects.get(pk=ticket.pk).status in ("new", "open")
