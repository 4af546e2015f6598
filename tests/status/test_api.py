"""The Statuspage v2 public API: shape, enumerations, timestamps, headers."""

import json
import re

import pytest

from status import api

pytestmark = pytest.mark.django_db

TIMESTAMP = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}[+-]\d\d:\d\d$")
CODE = re.compile(r"^[a-z0-9]{12}$")
PAGE_KEYS = {"id", "name", "url", "time_zone", "updated_at"}
COMPONENT_KEYS = {
    "id", "name", "status", "created_at", "updated_at", "position", "description", "showcase",
    "start_date", "group_id", "page_id", "group", "only_show_if_degraded",
}  # fmt: skip
INCIDENT_KEYS = {
    "id", "name", "status", "created_at", "updated_at", "monitoring_at", "resolved_at", "impact",
    "shortlink", "started_at", "page_id", "incident_updates", "components",
}  # fmt: skip
UPDATE_KEYS = {
    "id", "status", "body", "incident_id", "created_at", "updated_at", "display_at",
    "affected_components", "deliver_notifications", "custom_tweet", "tweet_id",
}  # fmt: skip
COMPONENT_STATUSES = {
    "operational", "degraded_performance", "partial_outage", "major_outage", "under_maintenance",
}  # fmt: skip
INDICATORS = {"none", "minor", "major", "critical", "maintenance"}
DESCRIPTIONS = {
    "All Systems Operational", "Minor Service Outage", "Partial System Outage",
    "Major System Outage", "Partially Degraded Service", "Service Under Maintenance",
}  # fmt: skip
ENDPOINTS = {
    "/api/v2/summary.json": {"page", "components", "incidents", "scheduled_maintenances", "status"},
    "/api/v2/status.json": {"page", "status"},
    "/api/v2/components.json": {"page", "components"},
    "/api/v2/incidents.json": {"page", "incidents"},
    "/api/v2/incidents/unresolved.json": {"page", "incidents"},
    "/api/v2/scheduled-maintenances.json": {"page", "scheduled_maintenances"},
    "/api/v2/scheduled-maintenances/upcoming.json": {"page", "scheduled_maintenances"},
    "/api/v2/scheduled-maintenances/active.json": {"page", "scheduled_maintenances"},
}


@pytest.fixture
def busy(status_demo, open_incident, schedule):
    """Demo content plus an open incident, an upcoming and an active maintenance."""
    from status.models import Component

    api = Component.objects.get(slug="api")
    anthropic = Component.objects.get(slug="anthropic-models")
    open_incident(
        "Slow Anthropic responses",
        components={anthropic: "partial_outage", api: "degraded_performance"},
    )
    schedule(60, 120, name="Database upgrade", components=[Component.objects.get(slug="dashboard")])
    schedule(
        -10,
        50,
        name="Billing provider migration",
        components=[Component.objects.get(slug="billing")],
    )


def walk_timestamps(value, path=""):
    if isinstance(value, dict):
        for key, item in value.items():
            if key.endswith("_at") or key in ("scheduled_for", "scheduled_until"):
                assert item is None or TIMESTAMP.match(item), f"{path}.{key} = {item!r}"
            walk_timestamps(item, f"{path}.{key}")
    elif isinstance(value, list):
        for i, item in enumerate(value):
            walk_timestamps(item, f"{path}[{i}]")


def check_component(component):
    assert set(component) >= COMPONENT_KEYS
    assert CODE.match(component["id"]) and component["page_id"] == "helpcenter01"
    assert component["status"] in COMPONENT_STATUSES


def check_incident(incident, *, maintenance=False):
    keys = INCIDENT_KEYS | ({"scheduled_for", "scheduled_until"} if maintenance else set())
    assert set(incident) == keys
    assert CODE.match(incident["id"])
    if maintenance:
        assert incident["status"] in {"scheduled", "in_progress", "verifying", "completed"}
        assert incident["impact"] == "maintenance"
    else:
        assert incident["status"] in {
            "investigating",
            "identified",
            "monitoring",
            "resolved",
            "postmortem",
        }
        assert incident["impact"] in {"none", "minor", "major", "critical"}
    assert incident["shortlink"].startswith("https://help.example.com/status/incidents/")
    assert incident["incident_updates"], "every incident has at least one update"
    for update in incident["incident_updates"]:
        assert set(update) == UPDATE_KEYS
        assert update["incident_id"] == incident["id"]
        for change in update["affected_components"] or []:
            assert set(change) == {"code", "name", "old_status", "new_status"}
            assert {change["old_status"], change["new_status"]} <= COMPONENT_STATUSES
    for component in incident["components"]:
        check_component(component)


@pytest.mark.parametrize("url", ENDPOINTS)
def test_every_endpoint_has_the_statuspage_shape(client, busy, url):
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    data = response.json()
    assert set(data) == ENDPOINTS[url]
    assert set(data["page"]) == PAGE_KEYS
    assert data["page"]["url"] == "https://help.example.com/status/"
    assert data["page"]["time_zone"] == "Etc/UTC"
    walk_timestamps(data)
    if "status" in data:
        assert data["status"]["indicator"] in INDICATORS
        assert data["status"]["description"] in DESCRIPTIONS
    for component in data.get("components", []):
        check_component(component)
    for incident in data.get("incidents", []):
        check_incident(incident)
    for maintenance in data.get("scheduled_maintenances", []):
        check_incident(maintenance, maintenance=True)


def test_summary_reflects_what_is_going_on(client, busy):
    data = client.get("/api/v2/summary.json").json()
    # A major incident outweighs a partial outage and a degraded component.
    assert data["status"] == {"indicator": "major", "description": "Partial System Outage"}
    assert [i["name"] for i in data["incidents"]] == ["Slow Anthropic responses"]
    assert {m["name"]: m["status"] for m in data["scheduled_maintenances"]} == {
        "Database upgrade": "scheduled",
        "Billing provider migration": "in_progress",
    }
    upcoming = client.get("/api/v2/scheduled-maintenances/upcoming.json").json()
    active = client.get("/api/v2/scheduled-maintenances/active.json").json()
    assert [m["name"] for m in upcoming["scheduled_maintenances"]] == ["Database upgrade"]
    assert [m["name"] for m in active["scheduled_maintenances"]] == ["Billing provider migration"]
    unresolved = client.get("/api/v2/incidents/unresolved.json").json()["incidents"]
    everything = client.get("/api/v2/incidents.json").json()["incidents"]
    assert [i["name"] for i in unresolved] == ["Slow Anthropic responses"]
    assert {i["name"] for i in everything} == {
        "Slow Anthropic responses",
        "Elevated error rates on streaming responses",
    }


def test_major_incident_makes_the_page_major(client, status_demo, open_incident):
    assert client.get("/api/v2/status.json").json()["status"] == {
        "indicator": "none",
        "description": "All Systems Operational",
    }
    open_incident("Sign-in failing", impact="major", components={})
    assert client.get("/api/v2/status.json").json()["status"] == {
        "indicator": "major",
        "description": "Partial System Outage",
    }


def test_groups_list_their_components(client, status_demo):
    components = client.get("/api/v2/components.json").json()["components"]
    group = next(c for c in components if c["group"])
    assert group["name"] == "Model providers"
    children = [c for c in components if c["group_id"] == group["id"]]
    assert [c["id"] for c in children] == group["components"]
    assert [c["name"] for c in children] == [
        "OpenAI models", "Anthropic models", "Google models", "Open-weight models"
    ]  # fmt: skip
    assert sum(1 for c in components if not c["group"]) == 10


def test_past_incident_updates_record_component_changes(client, status_demo):
    incident = client.get("/api/v2/incidents.json").json()["incidents"][0]
    assert incident["name"] == "Elevated error rates on streaming responses"
    assert incident["status"] == "resolved" and incident["impact"] == "major"
    assert incident["resolved_at"] == "2026-11-04T16:02:00.000+00:00"
    statuses = [u["status"] for u in incident["incident_updates"]]
    assert statuses == ["resolved", "monitoring", "identified", "investigating"]
    first = incident["incident_updates"][-1]
    assert {c["name"]: c["new_status"] for c in first["affected_components"]} == {
        "API": "degraded_performance",
        "Playground": "degraded_performance",
    }


@pytest.mark.parametrize("url", ENDPOINTS)
def test_headers_public_cors_no_cookies(client, status_demo, url):
    response = client.get(url)
    assert response["Access-Control-Allow-Origin"] == "*"
    assert response["Cache-Control"] == "public, max-age=30"
    assert "Cookie" not in response.get("Vary", "")
    assert not response.cookies
    assert response["ETag"].startswith('"')


def test_no_cookie_or_vary_even_for_a_visitor_with_a_session(client, admin_user, status_demo):
    client.force_login(admin_user)
    response = client.get("/api/v2/summary.json")
    assert "Cookie" not in response.get("Vary", "")
    assert not response.cookies


def test_etag_gives_304_until_status_changes(client, status_demo):
    first = client.get("/api/v2/status.json")
    etag = first["ETag"]
    again = client.get("/api/v2/status.json", headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.content == b""
    assert again["ETag"] == etag and again["Access-Control-Allow-Origin"] == "*"
    from status.models import Component

    Component.objects.get(slug="api").set_status("major_outage")
    changed = client.get("/api/v2/status.json", headers={"If-None-Match": etag})
    assert changed.status_code == 200
    assert changed["ETag"] != etag
    assert changed.json()["status"]["indicator"] == "major"


@pytest.mark.parametrize(
    "url",
    ["/api/v2/nope.json", "/api/v2/", "/api/v2", "/api/v2/summary.json/",
     "/api/v2/incidents/x.json",
     "/api/v2/summary.xml", "/api/v2/%E2%98%83"],
)  # fmt: skip
def test_unknown_api_paths_are_json_404s(client, url):
    response = client.get(url)
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"error": "Not found", "status": 404}
    assert response["Access-Control-Allow-Origin"] == "*"


def test_api_rejects_writes_in_json_and_answers_preflights(client, status_demo):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True, HTTP_HOST="127.0.0.1")
    for url, code in [("/api/v2/summary.json", 405), ("/api/v2/nope.json", 404)]:
        response = strict.post(url)
        assert response.status_code == code
        assert response["Content-Type"] == "application/json"
        assert response["Access-Control-Allow-Origin"] == "*"
    assert client.head("/api/v2/summary.json").status_code == 200
    preflight = client.options("/api/v2/summary.json")
    assert preflight.status_code == 204
    assert "GET" in preflight["Access-Control-Allow-Methods"]


@pytest.mark.parametrize("form", ["W/{etag}", '"other", {etag}', "*"])
def test_weak_listed_and_star_etags_give_304(client, status_demo, form):
    etag = client.get("/api/v2/status.json")["ETag"]
    response = client.get("/api/v2/status.json", headers={"If-None-Match": form.format(etag=etag)})
    assert response.status_code == 304


def test_api_document_is_cached_until_a_change(client, status_demo, django_assert_num_queries):
    client.get("/api/v2/summary.json")
    with django_assert_num_queries(0):
        assert client.get("/api/v2/summary.json").status_code == 200


def test_absolute_urls_come_from_settings_not_from_a_request(client, busy, settings):
    # Behind the TLS proxy, one request claiming plain HTTP (or another allowed host) made the
    # cached answer of every client link to http:// for STATUS_CACHE_SECONDS.
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.ALLOWED_HOSTS = ["help.example.com", "other.example.com"]
    forged = {"X-Forwarded-Proto": "http", "Host": "other.example.com"}
    for headers in (forged, {"X-Forwarded-Proto": "https", "Host": "help.example.com"}):
        data = client.get("/api/v2/summary.json", headers=headers).json()
        assert data["page"]["url"] == "https://help.example.com/status/"
        assert data["incidents"]
        for incident in data["incidents"]:
            assert incident["shortlink"].startswith("https://help.example.com/status/incidents/")


def test_api_json_is_compact_and_valid(status_demo):
    body, etag = api.api_document("summary")
    assert json.loads(body)["page"]["name"] == "Help center platform"
