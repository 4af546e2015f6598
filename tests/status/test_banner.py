"""The banner on every page: live, cached (no query while status is unchanged), accessible."""

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext

from status import services, state

pytestmark = pytest.mark.django_db


def banner(html):
    return html.split('<div class="status-banner')[1].split("</div>")[0]


def test_banner_says_operational_with_an_icon_and_links_to_the_status_page(client, make_component):
    make_component(slug="api")
    html = banner(client.get("/").content.decode())
    assert "Platform status: <strong>All Systems Operational</strong>" in html
    assert 'href="/status/"' in html
    assert 'class="status-icon"' in html and 'aria-hidden="true"' in html
    assert 'role="status" aria-live="polite"' in html
    assert "--ok" in html


def test_a_status_change_shows_at_once(client, make_component):
    api = make_component(slug="api")
    client.get("/")  # warm the cache
    api.set_status("degraded_performance")
    html = banner(client.get("/").content.decode())
    assert "Platform status: <strong>Partially Degraded Service</strong>" in html
    assert "status-banner--minor" in html
    assert 'role="status"' in html and "assertive" not in html


def test_major_incident_is_announced_assertively_and_named(client, open_incident):
    open_incident("Elevated API errors", impact="major")
    html = banner(client.get("/").content.decode())
    assert "Partial System Outage" in html and "Elevated API errors" in html
    assert 'role="alert" aria-live="assertive"' in html
    assert "status-banner--major" in html


def test_maintenance_in_progress_shows_in_the_banner(client, schedule):
    schedule(-1, 30)
    html = banner(client.get("/").content.decode())
    assert "Service Under Maintenance" in html and "Database upgrade" in html
    assert "status-banner--maintenance" in html


def test_banner_costs_no_query_while_status_is_unchanged(client, make_component):
    for _ in range(5):
        make_component()
    with CaptureQueriesContext(connection) as cold:
        client.get("/kb/no-such-page/")
    with CaptureQueriesContext(connection) as warm:
        client.get("/kb/no-such-page/")
    status_sql = [q["sql"] for q in warm.captured_queries if '"status_' in q["sql"]]
    assert status_sql == []
    assert len(cold) - len(warm) == 2  # components, open incidents


def test_banner_state_is_computed_once_then_served_from_cache(
    make_component, django_assert_num_queries
):
    make_component()
    with django_assert_num_queries(2):
        state.status_state()
    with django_assert_num_queries(0):
        assert state.status_state()["indicator"] == "none"


def test_incident_notice_on_a_linked_runbook_and_guide_only(client, content, open_incident):
    from kb.models import Guide
    from runbooks.models import Runbook

    runbook = Runbook.objects.get(slug="streaming-response-fails")
    guide = Guide.objects.get(slug="api-integration")
    incident = open_incident("Streams end early", runbooks=[runbook], guides=[guide])
    for url in [runbook.get_absolute_url(), guide.get_absolute_url()]:
        html = client.get(url).content.decode()
        assert "Active incident:" in html
        assert f'<a href="{incident.get_absolute_url()}">Streams end early</a>' in html
    other = Runbook.objects.exclude(pk=runbook.pk).first()
    assert "Active incident:" not in client.get(other.get_absolute_url()).content.decode()
    services.resolve_incident(incident=incident, body="Fixed.")
    assert "Active incident:" not in client.get(runbook.get_absolute_url()).content.decode()


def test_notice_costs_no_query_on_a_warm_cache(
    client, content, open_incident, django_assert_num_queries
):
    from runbooks.models import Runbook

    runbook = Runbook.objects.get(slug="streaming-response-fails")
    open_incident(runbooks=[runbook])
    client.get(runbook.get_absolute_url())
    with CaptureQueriesContext(connection) as queries:
        client.get(runbook.get_absolute_url())
    assert [q["sql"] for q in queries.captured_queries if '"status_' in q["sql"]] == []


def test_active_incidents_include_for_the_ticket_form(open_incident):
    assert render_to_string("status/_active_incidents.html").strip() == ""
    incident = open_incident("Sign-in failures", impact="critical")
    html = render_to_string("status/_active_incidents.html")
    assert "Known issue right now" in html
    assert f'<a href="{incident.get_absolute_url()}">Sign-in failures</a> · Investigating' in html
    assert services.active_incidents()[0]["name"] == "Sign-in failures"  # tickets reads it
