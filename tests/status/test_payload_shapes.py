"""The types of status's dict-shaped contracts say what the code really builds: the banner's
state (status.state), the Statuspage documents and the notification payloads
(status.payloads), and a webhook's body. A key added to one and not the other fails here."""

import json

import pytest
from django.utils import timezone

from status import api, services, state
from status.delivery import webhook_body
from status.models import Channel, Delivery, Event, Notification
from status.payloads import (
    ChatBody,
    ComponentNotification,
    IncidentNotification,
    StatusDocument,
    WebhookMeta,
)
from tests.shapes import assert_shape, problems

pytestmark = pytest.mark.django_db


@pytest.fixture
def open_items(open_incident, schedule, make_component, make_guide, make_runbook):
    """An incident linked to a guide and a runbook, and a maintenance in progress."""
    guide, runbook = make_guide(), make_runbook()
    incident = open_incident(guides=[guide], runbooks=[runbook])
    maintenance = schedule(-5, 60, components=[make_component(slug="db", name="Database")])
    services.tick(now=timezone.now())
    return incident, maintenance, guide, runbook


def test_the_shape_check_sees_a_wrong_key_and_a_wrong_type():
    assert problems({"text": "hi"}, ChatBody) == []
    assert problems({"text": 1}, ChatBody) == ["value['text']: int 1, not str"]
    assert problems({"text": "hi", "more": 1}, ChatBody) == ["value: unknown ['more']"]
    assert problems({}, ChatBody) == ["value: missing ['text']"]


def test_the_banner_state_is_a_StatusState(open_items):
    incident, maintenance, guide, runbook = open_items
    current = state.status_state()
    assert_shape(current, state.StatusState)
    assert [i["code"] for i in current["incidents"]] == [incident.code]
    assert [m["code"] for m in current["maintenances"]] == [maintenance.code]
    assert current["notices"]["guides"][guide.pk][0]["code"] == incident.code
    assert_shape(state.status_state(), state.StatusState)  # and as the cache gives it back
    assert_shape(state.incidents_open_at(timezone.now()), list[state.OpenIncident])


@pytest.mark.parametrize(
    "name",
    [
        "summary",
        "status",
        "components",
        "incidents",
        "incidents-unresolved",
        "scheduled-maintenances",
        "scheduled-maintenances-upcoming",
        "scheduled-maintenances-active",
    ],
)
def test_each_statuspage_document_is_a_StatusDocument(open_items, group, make_component, name):
    make_component(slug="gpu", name="GPU", group=group)
    document = api.build(name)
    assert_shape(document, StatusDocument)
    assert_shape(json.loads(api.api_document(name)[0]), StatusDocument)


def test_notification_payloads_and_webhook_bodies_are_as_typed(
    open_items, make_component, make_subscriber
):
    incident, maintenance, *_ = open_items
    services.resolve_incident(incident=incident, body="Fixed.")
    services.publish_postmortem(incident=incident, body="What happened.")
    services.set_component_status(component=make_component(), status="major_outage")
    notifications = list(Notification.objects.order_by("pk"))
    events = {n.event for n in notifications}
    assert {Event.INCIDENT_CREATED, Event.MAINTENANCE_STARTED, Event.POSTMORTEM_PUBLISHED} <= events
    assert Event.COMPONENT_UPDATED in events
    hook = make_subscriber(channel=Channel.WEBHOOK, url="https://hooks.example.com/status")
    chat = make_subscriber(channel=Channel.CHAT, url="https://chat.example.com/hook")
    for notification in notifications:
        notification.refresh_from_db()  # as stored (JSON)
        if notification.event == Event.COMPONENT_UPDATED:
            assert_shape(notification.payload, ComponentNotification)
        else:
            assert_shape(notification.payload, IncidentNotification)
        body = json.loads(webhook_body(Delivery(notification=notification, subscriber=hook)))
        assert_shape(body.pop("meta"), WebhookMeta)
        assert body == notification.payload
        chat_body = json.loads(webhook_body(Delivery(notification=notification, subscriber=chat)))
        assert_shape(chat_body, ChatBody)
