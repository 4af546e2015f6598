"""The staff workspace's rough edges (issue 25, item 10): times in each agent's own zone with
the zone shown, categories by label, agents by full name, bulk actions that change nothing
say so, titles that name the page, and the message just sent in view after sending."""

import re
from datetime import UTC, datetime

import pytest
from django.contrib.messages import constants
from django.test import Client
from django.utils import timezone

from tickets.models import AgentPreference, SatisfactionRating

CHANGELIST = "/admin/tickets/ticket/"


@pytest.fixture
def sam(agent):
    agent.first_name, agent.last_name = "Sam", "Rivera"
    agent.save()
    return agent


@pytest.fixture
def agent_client(client, sam):
    client.force_login(sam)
    return client


def _messages(response):
    return [(m.level, m.message) for m in response.context["messages"]]


# Time zones.
def test_staff_times_are_in_the_agents_own_zone_with_the_zone_shown(sam, make_ticket):
    ticket = make_ticket()
    ticket.created_at = datetime(2026, 7, 1, 12, 0, tzinfo=UTC)
    ticket.save(update_fields=["created_at"])
    AgentPreference.objects.create(user=sam, time_zone="America/New_York")
    client = Client()
    client.force_login(sam)  # the zone is read when the agent signs in
    html = client.get(f"{CHANGELIST}{ticket.pk}/change/").content.decode()
    assert "2026-07-01 08:00 EDT" in html
    assert "2026-07-01 12:00" not in html
    # Other pages, and other people, keep the default zone.
    assert timezone.get_current_timezone_name() == "UTC"


def test_without_a_preference_times_are_in_the_teams_zone(agent_client, make_ticket, settings):
    ticket = make_ticket()
    ticket.created_at = datetime(2026, 7, 1, 12, 0, tzinfo=UTC)
    ticket.save(update_fields=["created_at"])
    html = agent_client.get(f"{CHANGELIST}{ticket.pk}/change/").content.decode()
    assert "2026-07-01 12:00 UTC" in html


def test_changing_the_zone_applies_to_the_next_page(agent_client, sam, make_ticket):
    ticket = make_ticket()
    ticket.created_at = datetime(2026, 1, 5, 12, 0, tzinfo=UTC)
    ticket.save(update_fields=["created_at"])
    response = agent_client.post(
        "/admin/tickets/agentpreference/add/", {"signature": "", "time_zone": "Europe/Berlin"}
    )
    assert response.status_code == 302
    html = agent_client.get(f"{CHANGELIST}{ticket.pk}/change/").content.decode()
    assert "2026-01-05 13:00 CET" in html


def test_an_unknown_zone_is_refused(agent_client):
    response = agent_client.post(
        "/admin/tickets/agentpreference/add/", {"signature": "", "time_zone": "Mars/Olympus"}
    )
    assert response.status_code == 200
    assert not AgentPreference.objects.exists()


# Categories and agents by name.
def test_satisfaction_shows_category_labels_and_agents_by_full_name(agent_client, sam, make_ticket):
    ticket = make_ticket(category="api")
    SatisfactionRating.objects.create(ticket=ticket, rating="good", agent=sam, category="api")
    html = agent_client.get("/admin/tickets/satisfactionrating/").content.decode()
    assert "API and streaming" in html
    assert not re.search(r">\s*api\s*<", html)
    filters = html.split('id="changelist-filter"')[1]
    assert "Sam Rivera" in filters
    assert not re.search(r">\s*agent\s*<", filters)
    response = agent_client.get("/admin/tickets/satisfactionrating/", {"agent": sam.pk})
    assert ticket.reference in response.content.decode()


# Bulk actions.
def test_a_bulk_action_that_changes_nothing_says_so_as_a_warning(agent_client, sam, make_ticket):
    a, b = make_ticket(), make_ticket()
    post = {"_selected_action": [a.pk, b.pk], "index": 0, "action": "assign_to_me"}
    first = agent_client.post(CHANGELIST, post, follow=True)
    assert (constants.SUCCESS, "2 tickets assigned to Sam Rivera.") in _messages(first)
    again = agent_client.post(CHANGELIST, post, follow=True)
    [(level, text)] = _messages(again)
    assert level == constants.WARNING
    assert text == "Nothing changed: the 2 selected tickets were already assigned to Sam Rivera."


def test_a_bulk_action_says_how_many_were_already_so(agent_client, sam, make_ticket):
    a, b = make_ticket(priority=3), make_ticket()
    post = {"_selected_action": [a.pk, b.pk], "index": 0}
    response = agent_client.post(
        CHANGELIST, {**post, "action": "set_priority", "priority": "3"}, follow=True
    )
    assert (constants.SUCCESS, "1 ticket set to High; 1 already was.") in _messages(response)


# Titles.
def test_titles_name_the_queue_and_the_ticket(agent_client, make_ticket):
    ticket = make_ticket(subject="Streaming stops")
    html = agent_client.get(CHANGELIST).content.decode()
    assert "Select ticket to change" not in html
    assert re.search(r"<h1>\s*Tickets\s*</h1>", html)
    assert re.search(r"<title>Tickets \|", html)
    html = agent_client.get(f"{CHANGELIST}{ticket.pk}/change/").content.decode()
    assert "Change ticket" not in html
    assert re.search(rf"<h1>\s*{ticket.reference} · Streaming stops\s*</h1>", html)
    assert re.search(rf"<title>{ticket.reference} · Streaming stops \|", html)


# After sending.
def _form(ticket, **fields):
    ticket.refresh_from_db()
    return {
        "status": ticket.status,
        "priority": ticket.priority,
        "assignee": ticket.assignee_id or "",
        "category": ticket.category,
        "reply_kind": "public",
        "reply": "",
        "seen_version": ticket.updated_at.isoformat(),
        **fields,
    }


@pytest.mark.parametrize("button", ["_send", "_save"])
def test_after_sending_the_page_shows_the_message_just_sent(agent_client, make_ticket, button):
    ticket = make_ticket()
    url = f"{CHANGELIST}{ticket.pk}/change/"
    response = agent_client.post(url, _form(ticket, reply="Try the new key.", **{button: "1"}))
    message = ticket.messages.get(body__startswith="Try the new key.")
    assert response.status_code == 302
    assert response["Location"].endswith(f"{url}#message-{message.pk}")
    html = agent_client.get(url).content.decode()
    assert f'id="message-{message.pk}"' in html
