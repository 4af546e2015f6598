"""No input makes the REST API answer a 500: every operation of the OpenAPI document, with
the hostile values in each path parameter, query parameter and body field (and values of
the wrong type), the hostile bodies, and hostile headers, sent with a token that may do
everything. A victim's ticket is never changed. CI runs it on SQLite and PostgreSQL."""

import json
from urllib.parse import quote, urlencode

import pytest
from django.contrib.auth import get_user_model

from api.main import api
from api.models import ApiToken
from api.scopes import SCOPES
from kb.models import FAQEntry, Guide
from runbooks.models import Runbook, RunbookCheck
from status import services as status_services
from status.models import Component
from tests.helpcenter import test_hostile_input as sweep
from tests.helpcenter.test_hostile_input import HEADERS, HOSTILE, RAW, _fine
from tests.helpcenter.test_hostile_json import BODIES

world = sweep.world  # the fixture

# Path values of their own for the operations that change content.
OWN_VALUES = {
    "guide_update": {"slug": "sweep-guide"},
    "faq_update": {"slug": "sweep-faq"},
    "runbook_update": {"slug": "sweep-runbook"},
}
WRONG_TYPES = [5, -1.5, [], {}, None, True, ["x"] * 50, {"a": {"b": []}}]
VALID = {
    "ticket_create": {"email": "a@example.com", "subject": "S", "description": "D"},
    "ticket_update": {"priority": "high", "add_tags": ["x"], "fields": {"plan": "Pro"}},
    "ticket_merge": {"into": "HC-999999", "notify_customer": False},
    "ticket_message_create": {"body": "Hello", "internal": True},
    "webhook_create": {"url": "http://127.0.0.1:9/hook", "events": ["ticket.created"]},
    "guide_create": {"title": "New", "summary": "S", "body": "B", "tags": ["t"]},
    "guide_update": {"title": "Renamed", "status": "published", "tags": ["t"]},
    "faq_create": {"question": "Why?", "body": "Because."},
    "faq_update": {"question": "Why not?", "order": 3},
    "runbook_create": {
        "title": "Stream stops",
        "summary": "It stops.",
        "escalation": "Send the request id.",
        "checks": ["Check the proxy timeout."],
        "fix_steps": ["Raise it."],
        "error_codes": ["stream_timeout"],
        "related_guides": ["sweep-guide"],
        "tags": ["t"],
    },
    "runbook_update": {
        "summary": "It stops early.",
        "checks": ["Check again."],
        "related_guides": [],
        "status": "published",
    },
    "incident_create": {"name": "Outage", "body": "Down.", "components": {"api": "major_outage"}},
    "incident_update": {"status": "identified", "body": "Found it.", "components": {}},
    "maintenance_create": {
        "name": "Upgrade",
        "body": "A minute.",
        "scheduled_for": "2030-01-01T02:00:00Z",
        "scheduled_until": "2030-01-01T03:00:00Z",
        "components": ["api"],
    },
}


@pytest.fixture
def hostile_api(client, world, settings):
    settings.STATUS_WEBHOOK_ALLOW_PRIVATE = True  # no DNS for the valid webhook's address
    user = get_user_model().objects.create_superuser("sweeper", "s@example.com", "pw-s-123")
    _, raw = ApiToken.objects.issue(user=user, name="sweep", scopes=list(SCOPES))
    own = sweep.Ticket.objects.get(email="visitor@example.com")
    Component.objects.get_or_create(slug="api", defaults={"name": "API"})
    incident = status_services.open_incident(name="Slow", body="Slow.", notify_subscribers=False)
    values = {
        "ticket_id": str(own.pk),
        "slug": world["guide"],
        "endpoint_id": "1",
        "attachment_id": "1",
        "code": incident.code,
    }
    # Content the sweep may change (a token that may do everything writes it): not the victim's.
    Guide.objects.create(title="Sweep", slug="sweep-guide", summary="S", body="B")
    FAQEntry.objects.create(question="Sweep?", slug="sweep-faq", body="B")
    Runbook.objects.create(title="Sweep", slug="sweep-runbook", summary="S", escalation="E")
    return client, {"HTTP_AUTHORIZATION": f"Bearer {raw}"}, values


def _untouched(victim, guides, entries, runbooks):
    """What the sweep must not change: the victim's ticket, and the content there was before
    it but its own (a token that may do everything writes content: `OWN_VALUES`)."""
    return repr(
        [
            list(sweep.Ticket.objects.filter(pk=victim.pk).values()),
            list(sweep.TicketMessage.objects.filter(ticket=victim).values()),
            list(Guide.objects.filter(pk__in=guides).values("pk", "title", "body", "status")),
            list(FAQEntry.objects.filter(pk__in=entries).values("pk", "question", "body")),
            list(Runbook.objects.filter(pk__in=runbooks).values("pk", "title", "summary")),
            list(RunbookCheck.objects.filter(runbook__in=runbooks).values("runbook", "text")),
        ]
    )


def _operations():
    document = api.get_openapi_schema(path_prefix="/api/v1/")
    for path, item in document["paths"].items():
        for method, operation in item.items():
            yield path, method.upper(), operation


def _send(client, method, path, body, auth, **headers):
    content = body if isinstance(body, bytes) else json.dumps(body).encode()
    return client.generic(method, path, content, "application/json", **auth, **headers)


@pytest.mark.django_db
@pytest.mark.slow
def test_every_operation_takes_hostile_input_without_failing(hostile_api, world):
    client, auth, values = hostile_api
    own = {"sweep-guide", "sweep-faq", "sweep-runbook"}
    guides = list(Guide.objects.exclude(slug__in=own).values_list("pk", flat=True))
    entries = list(FAQEntry.objects.exclude(slug__in=own).values_list("pk", flat=True))
    runbooks = list(Runbook.objects.exclude(slug__in=own).values_list("pk", flat=True))
    before = _untouched(world["victim"], guides, entries, runbooks)
    seen = set()
    for route, method, operation in _operations():
        seen.add(operation["operationId"])
        path = route.format(**{**values, **OWN_VALUES.get(operation["operationId"], {})})
        body = VALID.get(operation["operationId"], {})
        where = f"{method} {route}"
        _fine(_send(client, method, path, body, auth), where)
        for name in [p["name"] for p in operation.get("parameters", []) if p["in"] == "path"]:
            for value in [*HOSTILE, *RAW]:
                segment = value if value in RAW else quote(value, safe="") or "x"
                hostile = route.format(**{**values, name: segment})
                _fine(_send(client, method, hostile, body, auth), f"{where} {name}={value[:30]!r}")
        for name in [p["name"] for p in operation.get("parameters", []) if p["in"] == "query"]:
            for value in HOSTILE:
                query = urlencode({name: value})
                _fine(client.get(f"{path}?{query}", **auth), f"{where}?{name}={value[:30]!r}")
            for raw in RAW:
                _fine(client.get(f"{path}?{name}={raw}", **auth), f"{where}?{name}={raw}")
        if method in ("POST", "PATCH"):
            for name in body or ["any"]:
                for value in [*HOSTILE, *WRONG_TYPES]:
                    changed = {**body, name: value}
                    _fine(
                        _send(client, method, path, changed, auth), f"{where} {name}={value!r:.40}"
                    )
            for name, raw_body in BODIES.items():
                _fine(_send(client, method, path, raw_body, auth), f"{where} with {name}")
            for key in HOSTILE:
                _fine(
                    _send(client, method, path, body, auth, HTTP_IDEMPOTENCY_KEY=key),
                    f"{where} Idempotency-Key {key[:30]!r}",
                )
        _fine(_send(client, method, path, body, auth, **HEADERS), f"{where} with every header")
        for value in HOSTILE:
            _fine(
                client.generic(method, path, b"{}", "application/json", HTTP_AUTHORIZATION=value),
                f"{where} Authorization {value[:30]!r}",
            )
    assert {"ticket_list", "ticket_create", "webhook_create", "content_search"} <= seen
    assert {"incident_create", "incident_update", "maintenance_create"} <= seen
    assert {"guide_create", "guide_update", "faq_create", "faq_update"} <= seen
    assert _untouched(world["victim"], guides, entries, runbooks) == before
