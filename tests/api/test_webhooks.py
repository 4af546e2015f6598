"""Outgoing webhooks to a real local receiver: signed the Standard Webhooks way (checked with
the official `standardwebhooks` library), one event per change through the service layer,
retried with the same id, logged with the receiver's answer, sent again on request, and
disabled (with an email) after repeated failures; never to a private address."""

import pytest
from django.utils import timezone
from standardwebhooks import Webhook

from api.models import EVENTS, WebhookDelivery, WebhookEndpoint
from api.schemas import GuideOut, MessageOut, RunbookOut, TicketOut
from api.webhooks import delivery
from api.webhooks.payloads import EVENT_DATA, WebhookDocument
from kb.models import PublishState
from mail.models import Email
from tests.shapes import assert_shape
from tickets import services
from tickets.models import SatisfactionRating

pytestmark = pytest.mark.django_db


# The API's JSON of a record inside an event is what the API's schema of it names.
RECORDS = {"ticket": TicketOut, "message": MessageOut, "guide": GuideOut, "runbook": RunbookOut}


def _events(receiver, endpoint):
    """What the receiver got, each verified with the library and the secret as shown, and
    checked against its type (api.webhooks.payloads)."""
    verifier = Webhook(endpoint.signing_secret)
    events = [verifier.verify(r["body"], r["headers"]) for r in receiver.received]
    for event in events:
        assert_shape(event, WebhookDocument)
        assert_shape(event["data"], EVENT_DATA[event["type"]])
        for key, schema in RECORDS.items():
            if key in event["data"]:
                assert set(event["data"][key]) == set(schema.model_fields), key
                schema.model_validate(event["data"][key])
    return events


def test_every_event_has_a_type_for_its_data():
    assert set(EVENT_DATA) == set(EVENTS)


def test_a_rating_is_an_event(make_ticket, receiver, endpoint, django_capture_on_commit_callbacks):
    ticket = make_ticket()
    receiver.received.clear()
    with django_capture_on_commit_callbacks(execute=True):
        SatisfactionRating.objects.create(ticket=ticket, rating="good", comment="Quick!")
    (event,) = _events(receiver, endpoint)
    assert event["type"] == "ticket.rated"
    assert (event["data"]["rating"], event["data"]["comment"]) == ("good", "Quick!")


def test_a_ticket_opened_through_the_api_reaches_the_receiver_signed(
    agent_api, receiver, endpoint, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        opened = agent_api.post(
            "/api/v1/tickets/", {"email": "a@example.com", "subject": "S", "description": "D"}
        ).json()
    (event,) = _events(receiver, endpoint)
    assert event["type"] == "ticket.created"
    assert event["data"]["ticket"]["reference"] == opened["reference"]
    headers = receiver.received[0]["headers"]
    assert (
        headers["webhook-id"].startswith("msg_")
        and headers["X-Helpcenter-Event"] == "ticket.created"
    )
    log = WebhookDelivery.objects.get()
    assert log.state == WebhookDelivery.State.SENT and log.response_status == 200
    assert log.response_excerpt == "ok"


def test_changes_replies_and_notes_are_events(
    agent_api, make_ticket, receiver, endpoint, django_capture_on_commit_callbacks
):
    ticket = make_ticket()
    receiver.received.clear()
    with django_capture_on_commit_callbacks(execute=True):
        agent_api.patch(f"/api/v1/tickets/{ticket.pk}", {"priority": "urgent", "status": "open"})
        agent_api.post(f"/api/v1/tickets/{ticket.pk}/messages", {"body": "Note", "internal": True})
        agent_api.post(f"/api/v1/tickets/{ticket.pk}/messages", {"body": "Reply"})
    events = _events(receiver, endpoint)
    kinds = [e["type"] for e in events]
    assert kinds == [
        "ticket.updated",
        "ticket.status_changed",
        "ticket.message_added",  # the reply: the note is not sent to this endpoint
        "ticket.status_changed",
    ]
    assert events[0]["data"]["changes"] == {"priority": {"from": "Normal", "to": "Urgent"}}
    assert (events[1]["data"]["from"], events[1]["data"]["to"]) == ("new", "open")
    # The reply as the customer reads it: with the agent's signature under it.
    assert events[2]["data"]["message"]["body"].startswith("Reply\n")
    assert (events[3]["data"]["from"], events[3]["data"]["to"]) == ("open", "pending")


def test_internal_notes_go_only_to_endpoints_that_ask(
    agent_api, make_ticket, receiver, endpoint, django_capture_on_commit_callbacks
):
    endpoint.include_internal = True
    endpoint.save()
    ticket = make_ticket()
    receiver.received.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.staff_update(ticket, actor=None, reply="Private", internal=True)
    (event,) = _events(receiver, endpoint)
    assert event["data"]["message"] == event["data"]["message"] | {
        "internal": True,
        "body": "Private",
    }


def test_a_failure_is_retried_with_the_same_id_and_logged(
    make_ticket, receiver, endpoint, django_capture_on_commit_callbacks
):
    receiver.answer = (503, b"Service Unavailable: deploying")
    with django_capture_on_commit_callbacks(execute=True):
        make_ticket()
    failed = WebhookDelivery.objects.get()
    assert failed.state == WebhookDelivery.State.FAILED and failed.attempts == 1
    assert (failed.response_status, failed.last_error) == (503, "HTTP 503")
    assert failed.response_excerpt == "Service Unavailable: deploying"
    receiver.answer = (204, b"")
    assert delivery.send_due()["sent"] == 0  # not due yet
    WebhookDelivery.objects.update(next_attempt_at=timezone.now())
    assert delivery.send_due() == {"sent": 1, "failed": 0}
    first, retry = receiver.received
    assert first["headers"]["webhook-id"] == retry["headers"]["webhook-id"]
    assert first["body"] == retry["body"]
    assert len(_events(receiver, endpoint)) == 2  # both signed validly, each when sent


def test_send_again_from_the_log(
    make_ticket, receiver, endpoint, django_capture_on_commit_callbacks, client, lead
):
    with django_capture_on_commit_callbacks(execute=True):
        make_ticket()
    sent = WebhookDelivery.objects.get()
    client.force_login(lead)
    page = client.get(f"/admin/api/webhookdelivery/{sent.pk}/change/").content.decode()
    assert "ticket.created" in page
    client.post(
        "/admin/api/webhookdelivery/",
        {"action": "send_again", "_selected_action": [sent.pk]},
    )
    assert len(receiver.received) == 2
    assert (
        receiver.received[0]["headers"]["webhook-id"]
        == receiver.received[1]["headers"]["webhook-id"]
    )


def test_an_endpoint_that_keeps_failing_is_disabled_and_its_owner_told(
    make_ticket, receiver, endpoint, settings, django_capture_on_commit_callbacks
):
    settings.API_WEBHOOK_DISABLE_AFTER = 3
    receiver.answer = (500, b"boom")
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(3):
            make_ticket()
    endpoint.refresh_from_db()
    assert (
        endpoint.disabled_at is not None
        and "3 failed deliveries in a row" in endpoint.disabled_reason
    )
    notice = Email.objects.get(kind="api.webhook_disabled")
    assert notice.to == "lead@example.com" and endpoint.url in notice.body
    assert not WebhookDelivery.objects.filter(state__in=["pending", "failed"]).exists()
    with django_capture_on_commit_callbacks(execute=True):
        make_ticket()
    assert len(receiver.received) == 3  # nothing more is sent
    delivery.enable(endpoint)
    receiver.answer = (200, b"")
    with django_capture_on_commit_callbacks(execute=True):
        make_ticket()
    assert len(receiver.received) == 4


def test_a_delivery_that_gives_up_disables_the_endpoint(
    make_ticket, receiver, endpoint, django_capture_on_commit_callbacks
):
    receiver.answer = (500, b"")
    with django_capture_on_commit_callbacks(execute=True):
        make_ticket()
    for _ in range(6):
        WebhookDelivery.objects.filter(state="failed").update(next_attempt_at=timezone.now())
        delivery.send_due()
    assert WebhookDelivery.objects.get().state == WebhookDelivery.State.GAVE_UP
    endpoint.refresh_from_db()
    assert endpoint.disabled_at is not None


def test_private_addresses_are_refused(
    api_as, lead, settings, make_ticket, django_capture_on_commit_callbacks
):
    settings.STATUS_WEBHOOK_ALLOW_PRIVATE = False
    api = api_as(lead, ["webhooks:manage"])
    for url in ("http://127.0.0.1:8000/hook", "http://169.254.169.254/latest", "http://[::1]/x"):
        answer = api.post("/api/v1/webhooks/", {"url": url, "events": ["ticket.created"]})
        assert answer.status_code == 422, url
    # One registered before the setting changed is refused at each delivery.
    WebhookEndpoint.objects.create(url="http://127.0.0.1:9/hook", events=["ticket.created"])
    with django_capture_on_commit_callbacks(execute=True):
        make_ticket()
    assert WebhookDelivery.objects.get().last_error.startswith("Refused:")


def test_registering_through_the_api_shows_the_secret_once(api_as, lead, receiver, agent):
    api = api_as(lead, ["webhooks:manage"])
    created = api.post(
        "/api/v1/webhooks/", {"url": receiver.url, "events": ["ticket.created", "ticket.rated"]}
    )
    assert created.status_code == 201
    body = created.json()
    assert body["secret"].startswith("whsec_")
    assert body["secret"] == WebhookEndpoint.objects.get().signing_secret
    listing = api.get("/api/v1/webhooks/").json()
    assert listing[0]["events"] == ["ticket.created", "ticket.rated"] and "secret" not in listing[0]
    bad = api.post("/api/v1/webhooks/", {"url": receiver.url, "events": ["ticket.exploded"]})
    assert bad.status_code == 422
    assert api_as(agent, ["tickets:read"]).get("/api/v1/webhooks/").status_code == 403
    assert api.delete(f"/api/v1/webhooks/{body['id']}").status_code == 204
    assert api.delete(f"/api/v1/webhooks/{body['id']}").status_code == 404
    assert not WebhookEndpoint.objects.exists()


def test_content_published_and_incident_updated(
    make_guide, open_incident, receiver, endpoint, django_capture_on_commit_callbacks
):
    guide = make_guide("Streaming", status=PublishState.DRAFT)
    with django_capture_on_commit_callbacks(execute=True):
        guide.transition(PublishState.PUBLISHED)
        guide.title = "Streaming, edited"
        guide.save()  # published already: no second event
        open_incident("Elevated API errors")
    events = _events(receiver, endpoint)
    assert [e["type"] for e in events] == ["content.published", "incident.updated"]
    assert events[0]["data"]["guide"]["slug"] == guide.slug
    assert events[1]["data"]["incident"]["name"] == "Elevated API errors"


def test_no_endpoint_no_event(make_ticket, django_assert_num_queries):
    from api.models import WebhookEvent

    make_ticket()
    assert not WebhookEvent.objects.exists()


def test_a_change_nobody_listens_to_makes_no_payload():
    """Each ticket write would otherwise build the ticket's JSON (its tags, fields and
    people: several queries) only to find no endpoint to send it to."""
    from api.webhooks import emit

    made = []

    def data():
        made.append(True)
        return {"ticket": {}}

    assert emit("ticket.created", data) is None and not made
    WebhookEndpoint.objects.create(url="http://127.0.0.1:9/hook", events=["ticket.updated"])
    assert emit("ticket.created", data) is None and not made
    WebhookEndpoint.objects.create(url="http://127.0.0.1:9/hook", events=["ticket.created"])
    assert emit("ticket.created", data).payload == {"ticket": {}} and made == [True]
