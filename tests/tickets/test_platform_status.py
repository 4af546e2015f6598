"""Agents see the platform's open incidents at the top of the queue and the ticket page:
what is affected, its state, a link to the incident; nothing when all is well; no query
while the status is unchanged."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/tickets/ticket/"
STATUS_TABLE = re.compile(r'(FROM|JOIN) "status_')


@pytest.fixture
def agent_client(client, agent):
    client.force_login(agent)
    return client


def desk_status(html):
    """The banner's section, or None."""
    if 'class="desk-status' not in html:
        return None
    return html.split('<section class="desk-status')[1].split("</section>")[0]


def pages(make_ticket):
    ticket = make_ticket()
    return [CHANGELIST, f"{CHANGELIST}{ticket.pk}/change/"]


def test_an_open_incident_shows_on_the_queue_and_the_ticket_page(
    agent_client, make_ticket, open_incident, make_component
):
    incident = open_incident(
        "Elevated API errors",
        impact="major",
        components={
            make_component(slug="api", name="API"): "partial_outage",
            make_component(slug="dashboard", name="Dashboard"): "degraded_performance",
        },
    )
    for path in pages(make_ticket):
        section = desk_status(agent_client.get(path).content.decode())
        assert section is not None, path
        assert 'aria-labelledby="desk-status-title"' in section
        assert "Platform status: Partial System Outage" in section
        assert f'href="{incident.get_absolute_url()}">Elevated API errors</a>' in section
        assert "Investigating, major impact" in section
        assert "Affected: API, Dashboard" in section
        assert "We are investigating." in section
        assert "desk-status--major" in section
        assert "style=" not in section and "<script" not in section


def test_a_maintenance_in_progress_shows_too(agent_client, make_ticket, schedule):
    schedule(-1, 30, name="Database upgrade")
    section = desk_status(agent_client.get(CHANGELIST).content.decode())
    assert "Maintenance in progress:" in section and "Database upgrade" in section
    assert "desk-status--maintenance" in section


def test_nothing_shows_when_all_is_well(agent_client, make_ticket, make_component, schedule):
    make_component(slug="api", name="API")
    schedule(60, 120)  # scheduled, not yet in progress
    for path in pages(make_ticket):
        html = agent_client.get(path).content.decode()
        assert desk_status(html) is None, path
        assert "desk-status-title" not in html


def test_a_resolved_incident_leaves_the_queue(agent_client, make_ticket, open_incident):
    from status import services

    incident = open_incident()
    assert desk_status(agent_client.get(CHANGELIST).content.decode()) is not None
    services.resolve_incident(incident=incident, body="Fixed.")
    assert desk_status(agent_client.get(CHANGELIST).content.decode()) is None


def test_the_banner_costs_no_query_while_the_status_is_unchanged(
    agent_client, make_ticket, open_incident, settings
):
    settings.STATUS_CACHE_SECONDS = 3600
    paths = pages(make_ticket)

    def status_queries(path):
        agent_client.get(path)  # warm the status state and the per-process caches
        with CaptureQueriesContext(connection) as warm:
            assert agent_client.get(path).status_code == 200
        return [q["sql"] for q in warm.captured_queries if STATUS_TABLE.search(q["sql"])], len(warm)

    quiet = {path: status_queries(path) for path in paths}
    open_incident()
    for path in paths:
        sql, count = status_queries(path)
        # The same queries as without an incident (the ticket page's side panel reads the
        # incidents open when the ticket was sent, with or without the banner).
        assert count == quiet[path][1] and sql == quiet[path][0], path
    assert quiet[CHANGELIST][0] == []  # the queue reads no status table at all
