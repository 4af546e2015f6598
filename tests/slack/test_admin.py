"""Slack in the admin: leads set up channels (webhooks checked like every webhook);
only superusers link a staff account to a Slack user."""

import pytest

from slack.models import SlackChannel
from tickets.models import AgentPreference

pytestmark = pytest.mark.django_db
CHANNELS = "/admin/slack/slackchannel/"
PREFERENCES = "/admin/tickets/agentpreference/"


def test_a_lead_adds_a_channel_and_a_private_address_is_refused(client, lead, settings):
    settings.STATUS_WEBHOOK_ALLOW_PRIVATE = False
    client.force_login(lead)
    form = {"name": "#support", "webhook_url": "http://127.0.0.1/services/x", "urgent": "on"}
    response = client.post(CHANNELS + "add/", form)
    assert response.status_code == 200 and "public internet" in response.content.decode()
    assert not SlackChannel.objects.exists()
    settings.STATUS_WEBHOOK_ALLOW_PRIVATE = True
    assert client.post(CHANNELS + "add/", form).status_code == 302
    assert SlackChannel.objects.get().urgent
    listed = client.get(CHANNELS).content.decode()
    assert "127.0.0.1/…" in listed and "/services/x" not in listed  # the URL is a secret


def test_agents_do_not_set_up_channels(client, agent):
    client.force_login(agent)
    assert client.get(CHANNELS).status_code == 403


def test_an_agent_cannot_claim_a_slack_user(client, agent):
    client.force_login(agent)
    form = {"signature": "", "time_zone": "", "slack_user_id": "U0LEADS01"}
    assert client.post(PREFERENCES + "add/", form).status_code == 302
    assert AgentPreference.objects.get(user=agent).slack_user_id == ""


def test_a_superuser_links_an_agent_once(client, agent, lead, django_user_model):
    root = django_user_model.objects.create_superuser("root", "root@example.com", "pw-root-123")
    client.force_login(root)
    form = {"user": agent.pk, "signature": "", "time_zone": "", "slack_user_id": "U012AB3CD"}
    assert client.post(PREFERENCES + "add/", form).status_code == 302
    assert AgentPreference.objects.get(user=agent).slack_user_id == "U012AB3CD"
    taken = client.post(PREFERENCES + "add/", {**form, "user": lead.pk})
    assert "Another agent has this Slack user ID" in taken.content.decode()
    odd = client.post(PREFERENCES + "add/", {**form, "user": lead.pk, "slack_user_id": "bob"})
    assert "A Slack member ID" in odd.content.decode()
