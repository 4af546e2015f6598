"""/api/v1/status/: incidents and maintenances opened and updated through the API, as the
CLI and the admin do (issue 24, item 4)."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from status.models import ComponentStatus, Incident, Subscriber

pytestmark = pytest.mark.django_db


@pytest.fixture
def api_component(make_component):
    return make_component("API", slug="api")


@pytest.fixture
def subscriber(db):
    return Subscriber.objects.create(
        channel="email", email="ops@example.com", confirmed_at=timezone.now()
    )


def test_an_editor_opens_updates_and_resolves_an_incident(
    api_as, editor, api_component, subscriber, django_capture_on_commit_callbacks
):
    api = api_as(editor, ["status:write"])
    with django_capture_on_commit_callbacks(execute=True):
        opened = api.post(
            "/api/v1/status/incidents",
            {
                "name": "Elevated API errors",
                "body": "We are looking into errors on completions.",
                "impact": "major",
                "components": {"api": "partial_outage"},
            },
        )
    assert opened.status_code == 201, opened.content
    code = opened.json()["id"]
    assert opened.json()["status"] == "investigating"
    assert opened.json()["impact"] == "major"
    api_component.refresh_from_db()
    assert api_component.status == ComponentStatus.PARTIAL_OUTAGE
    # Subscribers hear of it as they do from the admin.
    assert any("Elevated API errors" in m.subject for m in mail.outbox)

    updated = api.post(
        f"/api/v1/status/incidents/{code}/updates",
        {"status": "identified", "body": "A bad deploy; rolling back."},
    )
    assert updated.status_code == 201, updated.content
    assert updated.json()["status"] == "identified"
    assert [u["body"] for u in updated.json()["incident_updates"]][0] == (
        "A bad deploy; rolling back."
    )

    resolved = api.post(
        f"/api/v1/status/incidents/{code}/updates",
        {"status": "resolved", "body": "Fixed.", "notify_subscribers": False},
    )
    assert resolved.status_code == 201
    assert resolved.json()["resolved_at"]
    api_component.refresh_from_db()
    assert api_component.status == ComponentStatus.OPERATIONAL  # put back when resolving

    again = api.post(
        f"/api/v1/status/incidents/{code}/updates", {"status": "monitoring", "body": "x"}
    )
    assert again.status_code == 409
    assert again["Content-Type"] == "application/problem+json"


def test_a_maintenance_is_scheduled_and_takes_only_its_own_statuses(api_as, editor, api_component):
    api = api_as(editor, ["status:write"])
    start = timezone.now() + timedelta(days=2)
    created = api.post(
        "/api/v1/status/maintenances",
        {
            "name": "Database upgrade",
            "body": "Writes pause for a minute.",
            "scheduled_for": start.isoformat(),
            "scheduled_until": (start + timedelta(hours=1)).isoformat(),
            "components": ["api"],
        },
    )
    assert created.status_code == 201, created.content
    assert created.json()["impact"] == "maintenance"
    assert created.json()["status"] == "scheduled"
    code = created.json()["id"]
    wrong = api.post(
        f"/api/v1/status/incidents/{code}/updates", {"status": "investigating", "body": "x"}
    )
    assert wrong.status_code == 409
    assert wrong.json()["detail"] == "This scheduled maintenance cannot be 'investigating'."
    assert "in_progress" in wrong.json()["allowed"]

    backwards = api.post(
        "/api/v1/status/maintenances",
        {
            "name": "Backwards",
            "body": "x",
            "scheduled_for": start.isoformat(),
            "scheduled_until": (start - timedelta(hours=1)).isoformat(),
        },
    )
    assert backwards.status_code == 422
    assert "after" in backwards.json()["detail"]


def test_unknown_components_and_incidents_are_clear_problems(api_as, editor, api_component):
    api = api_as(editor, ["status:write"])
    unknown = api.post(
        "/api/v1/status/incidents",
        {"name": "x", "body": "y", "components": {"billing": "major_outage"}},
    )
    assert unknown.status_code == 422
    assert "billing" in unknown.json()["detail"] and "api" in unknown.json()["detail"]
    assert not Incident.objects.exists()
    missing = api.post("/api/v1/status/incidents/nope/updates", {"status": "resolved", "body": "x"})
    assert missing.status_code == 404


def test_only_a_token_with_the_scope_and_a_role_that_allows_it_writes(
    api_as, agent, editor, api_component
):
    body = {"name": "Outage", "body": "Down."}
    without_scope = api_as(editor, ["content:read"]).post("/api/v1/status/incidents", body)
    assert without_scope.status_code == 403
    # An agent's role cannot change the platform status: a token of theirs cannot either.
    agents = api_as(agent, ["status:write"]).post("/api/v1/status/incidents", body)
    assert agents.status_code == 403
    assert not Incident.objects.exists()


def test_a_maintenance_at_the_first_instant_is_kept_without_a_reminder(api_as, editor):
    """Found by the hostile-input sweep: its reminder would be before year 1 (a 500)."""
    answer = api_as(editor, ["status:write"]).post(
        "/api/v1/status/maintenances",
        {
            "name": "Long ago",
            "body": "x",
            "scheduled_for": "0001-01-01T00:00:00Z",
            "scheduled_until": "0001-01-01T01:00:00Z",
            "reminder_minutes": 60,
        },
    )
    assert answer.status_code == 201, answer.content
    assert Incident.objects.get().remind_at is None
