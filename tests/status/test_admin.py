"""Editors post an update in one step in the admin."""

import pytest
from django.contrib.auth.models import Permission, User

from status.models import Component, Incident

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(client):
    user = User.objects.create_user("editor", password="x", is_staff=True)
    user.user_permissions.set(Permission.objects.filter(content_type__app_label="status"))
    client.force_login(user)
    return user


def test_open_an_incident_in_one_step(client, editor, status_demo):
    api = Component.objects.get(slug="api")
    response = client.post(
        "/admin/status/incident/add/",
        {
            "name": "Elevated API errors", "impact": "major", "components": [api.pk],
            "update_status": "investigating", "update_body": "We are looking into it.",
            "update_components": "partial_outage",
            "updates-TOTAL_FORMS": "0", "updates-INITIAL_FORMS": "0",
        },
    )  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:3000]
    incident = Incident.objects.get(name="Elevated API errors")
    assert incident.status == "investigating" and incident.kind == "incident"
    assert incident.updates.get().body == "We are looking into it."
    api.refresh_from_db()
    assert api.status == "partial_outage"
    assert "Elevated API errors" in client.get("/").content.decode()

    response = client.post(
        f"/admin/status/incident/{incident.pk}/change/",
        {
            "name": incident.name, "impact": "major", "components": [api.pk],
            "update_status": "resolved", "update_body": "Fixed.",
            "update_components": "operational",
            "updates-TOTAL_FORMS": "1", "updates-INITIAL_FORMS": "1",
            "updates-0-id": incident.updates.get().pk, "updates-0-incident": incident.pk,
            "updates-0-display_at_0": "2026-11-25", "updates-0-display_at_1": "10:00:00",
            "updates-0-body": "We are looking into it.",
        },
    )  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:3000]
    incident.refresh_from_db()
    api.refresh_from_db()
    assert (incident.status, api.status) == ("resolved", "operational")
    assert incident.updates.count() == 2


def test_status_change_without_a_message_is_refused(client, editor, status_demo):
    incident = Incident.objects.get()
    response = client.post(
        f"/admin/status/incident/{incident.pk}/change/",
        {"name": incident.name, "impact": "major", "update_status": "investigating",
         "updates-TOTAL_FORMS": "0", "updates-INITIAL_FORMS": "0"},
    )  # fmt: skip
    assert response.status_code == 200
    assert "Say what changed: write an update message." in response.content.decode()


def test_admin_lists_render(client, editor, status_demo):
    api = Component.objects.get(slug="api")
    for url in [
        "/admin/status/component/",
        "/admin/status/incident/",
        "/admin/status/maintenance/",
        "/admin/status/componentgroup/",
        "/admin/status/maintenance/add/",
        f"/admin/status/component/{api.pk}/change/",
    ]:
        assert client.get(url).status_code == 200, url


def test_component_list_editable_status_records_history(client, editor, status_demo):
    api = Component.objects.get(slug="api")
    before = api.history.count()
    api.status = "major_outage"
    api.save()
    assert api.history.count() == before + 1
    assert api.history.last().status == "major_outage"


def test_a_maintenance_saved_with_a_past_start_is_in_progress_at_once(client, editor, status_demo):
    dashboard = Component.objects.get(slug="dashboard")
    response = client.post(
        "/admin/status/maintenance/add/",
        {
            "name": "Database upgrade", "components": [dashboard.pk],
            "scheduled_for_0": "2020-01-01", "scheduled_for_1": "02:00:00",
            "scheduled_until_0": "2099-01-01", "scheduled_until_1": "03:00:00",
            "update_status": "scheduled", "update_body": "Read-only dashboard.",
            "updates-TOTAL_FORMS": "0", "updates-INITIAL_FORMS": "0",
        },
    )  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:3000]
    maintenance = Incident.objects.get(name="Database upgrade")
    dashboard.refresh_from_db()
    assert (maintenance.status, dashboard.status) == ("in_progress", "under_maintenance")
