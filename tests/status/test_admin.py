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
            "name": "Elevated API errors", "impact": "major",
            "update_status": "investigating", "update_body": "We are looking into it.",
            f"update_components_{api.pk}": "partial_outage", "update_notify": "on",
            "updates-TOTAL_FORMS": "0", "updates-INITIAL_FORMS": "0",
        },
    )  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:3000]
    incident = Incident.objects.get(name="Elevated API errors")
    assert incident.status == "investigating" and incident.kind == "incident"
    assert incident.updates.get().body == "We are looking into it."
    api.refresh_from_db()
    assert api.status == "partial_outage"
    assert list(incident.components.all()) == [api]  # chosen once, with its status
    assert "Elevated API errors" in client.get("/").content.decode()
    page = client.get(f"/admin/status/incident/{incident.pk}/change/").content.decode()
    assert 'name="components"' not in page and f'name="update_components_{api.pk}"' in page
    assert "Affected components" in page

    response = client.post(
        f"/admin/status/incident/{incident.pk}/change/",
        {
            "name": incident.name, "impact": "major",
            "update_status": "resolved", "update_body": "Fixed.",
            f"update_components_{api.pk}": "operational",
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


def test_each_component_gets_its_own_status(client, editor, status_demo):
    api, dashboard = Component.objects.get(slug="api"), Component.objects.get(slug="dashboard")
    response = client.post(
        "/admin/status/incident/add/",
        {
            "name": "Slow dashboard, failing API", "impact": "major",
            "update_status": "investigating", "update_body": "Looking.",
            f"update_components_{api.pk}": "major_outage",
            f"update_components_{dashboard.pk}": "degraded_performance",
            "updates-TOTAL_FORMS": "0", "updates-INITIAL_FORMS": "0",
        },
    )  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:3000]
    api.refresh_from_db()
    dashboard.refresh_from_db()
    assert (api.status, dashboard.status) == ("major_outage", "degraded_performance")
    incident = Incident.objects.get(name="Slow dashboard, failing API")
    assert set(incident.components.values_list("slug", flat=True)) == {"api", "dashboard"}
    assert Component.objects.get(slug="billing").status == "operational"  # left as it was
    form = client.get(f"/admin/status/incident/{incident.pk}/change/").content.decode()
    assert f'<label for="id_update_components_{api.pk}">API</label>' in form


def test_status_filters_offer_only_their_kinds_statuses(client, editor, status_demo):
    incidents = client.get("/admin/status/incident/").content.decode()
    assert "?status=investigating" in incidents and "?status=in_progress" not in incidents
    maintenances = client.get("/admin/status/maintenance/").content.decode()
    assert "?status=in_progress" in maintenances and "?status=investigating" not in maintenances


def test_open_an_incident_from_a_template(client, editor, status_demo):
    response = client.get("/admin/status/incident/add/?template=api-errors")
    html = response.content.decode()
    assert 'value="Elevated error rates on the API"' in html
    api = Component.objects.get(slug="api")
    assert f'<select name="update_components_{api.pk}" id="id_update_components_{api.pk}">' in html
    assert '<option value="partial_outage" selected>' in html
    templates = client.get("/admin/status/incidenttemplate/").content.decode()
    assert "/admin/status/incident/add/?template=api-errors" in templates


@pytest.mark.django_db
def test_content_editors_manage_incidents_but_never_see_subscribers(client, django_user_model):
    from django.contrib.auth.models import Group

    editor = django_user_model.objects.create_user("ed", password="x", is_staff=True)
    editor.groups.add(Group.objects.get(name="Content editors"))
    client.force_login(editor)
    assert client.get("/admin/status/incident/").status_code == 200
    for page in ("subscriber", "notification", "delivery"):
        assert client.get(f"/admin/status/{page}/").status_code == 403
