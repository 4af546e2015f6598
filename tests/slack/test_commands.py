"""/incident: an update to a status incident from Slack, for staff who may change the status
page, the way `manage.py status incident update` posts one."""

import pytest

from status.models import Incident, IncidentUpdate, Notification
from tests.slack.conftest import signed, slash_command

COMMANDS = "/integrations/slack/commands/"
pytestmark = pytest.mark.django_db


@pytest.fixture
def command(client):
    def run(text, **kw):
        response = signed(client, COMMANDS, slash_command(text, **kw))
        assert response.status_code == 200 and response["Content-Type"] == "application/json"
        return response.json()

    return run


def test_an_editor_posts_an_update_to_the_latest_incident(command, open_incident, editor, mapped):
    mapped(editor, "U2CERLKJA")
    older = open_incident("Older outage")
    incident = open_incident("Elevated <API> errors", components={})
    Incident.objects.filter(pk=older.pk).update(updated_at=incident.updated_at.replace(year=2025))
    answer = command("latest Identified A bad deploy & a rollback is under way.")
    update = IncidentUpdate.objects.filter(incident=incident).latest("pk")
    assert (update.status, update.body) == ("identified", "A bad deploy & a rollback is under way.")
    incident.refresh_from_db()
    assert incident.status == "identified"
    assert Notification.objects.filter(update=update).exists()  # subscribers hear of it
    assert answer["response_type"] == "in_channel"
    assert answer["text"] == (
        f"editor posted an update to Elevated &lt;API&gt; errors ({incident.code}): "
        "Identified. A bad deploy &amp; a rollback is under way."
    )


def test_by_code_with_a_status_label(command, open_incident, editor, mapped):
    mapped(editor, "U2CERLKJA")
    incident = open_incident()
    command(f"{incident.code} monitoring Fixed; watching.")
    incident.refresh_from_db()
    assert incident.status == "monitoring"


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("", "Usage: /incident"),
        ("latest identified", "Usage: /incident"),
        ("nope identified Words.", "There is no incident nope."),
        ("{code} fixed Words.", "fixed is not a status; one of: investigating, identified"),
    ],
)
def test_mistakes_are_answered_privately(command, open_incident, editor, mapped, text, says):
    mapped(editor, "U2CERLKJA")
    incident = open_incident()
    answer = command(text.format(code=incident.code))
    assert answer["response_type"] == "ephemeral" and says in answer["text"]
    assert incident.updates.count() == 1


def test_latest_with_no_open_incident(command, editor, mapped):
    mapped(editor, "U2CERLKJA")
    assert "There is no unresolved incident" in command("latest identified Words.")["text"]


def test_an_agent_may_not_change_the_status_page(command, open_incident, agent, mapped):
    mapped(agent, "U2CERLKJA")
    incident = open_incident()
    answer = command("latest resolved All good.")
    assert (
        answer["response_type"] == "ephemeral" and "cannot update the status page" in answer["text"]
    )
    assert incident.updates.count() == 1


def test_someone_not_linked_is_told_how_to_be(command, open_incident):
    incident = open_incident()
    answer = command("latest resolved All good.")
    assert answer["response_type"] == "ephemeral"
    assert "not linked" in answer["text"] and "U2CERLKJA" in answer["text"]
    assert incident.updates.count() == 1


def test_another_command_is_not_ours(command, editor, mapped):
    mapped(editor, "U2CERLKJA")
    assert "knows only /incident" in command("x", command="/webhook-collect")["text"]
