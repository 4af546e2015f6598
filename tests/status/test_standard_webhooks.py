"""Status webhooks are signed the Standard Webhooks way, timestamp included, and a real
receiver checks them with the official `standardwebhooks` library and the secret shown at
registration; the old X-Status-Signature-256 header stays for receivers written before."""

import hashlib
import hmac
import json
import re
import time

import pytest
from django.core import mail
from django.utils import timezone
from standardwebhooks import Webhook, WebhookVerificationError

from mail import webhooks
from status import delivery
from status.models import Component, Delivery, Notification, Subscriber

pytestmark = pytest.mark.django_db


@pytest.fixture
def registered(client, receiver, status_demo, django_capture_on_commit_callbacks):
    """A webhook registered and confirmed as a person does it: (its two secrets as the
    registration page shows them, once)."""
    with django_capture_on_commit_callbacks(execute=True):
        page = client.post(
            "/status/subscribe/",
            {"form": "webhook", "webhook-url": receiver.url + "/hooks/status",
             "webhook-channel": "webhook", "webhook-email": "ops@example.com"},
        ).content.decode()  # fmt: skip
    secret = re.search(r'id="webhook-secret"[^>]*value="([0-9a-f]{64})"', page)[1]
    standard = re.search(r'id="webhook-standard-secret"[^>]*value="(whsec_[^"]+)"', page)[1]
    confirm = re.search(
        r"https://help\.example\.com(/status/subscribe/confirm/\S+/)", mail.outbox[0].body
    )
    assert "You are subscribed" in client.post(confirm[1]).content.decode()
    return secret, standard


def _incident(open_incident, capture):
    api = Component.objects.get(slug="api")  # from the shipped status content
    with capture(execute=True):
        open_incident("Elevated API errors", components={api: "partial_outage"})


def test_a_receiver_verifies_each_webhook_with_the_standard_library(
    registered, receiver, open_incident, django_capture_on_commit_callbacks
):
    secret, standard = registered
    _incident(open_incident, django_capture_on_commit_callbacks)
    [hook] = receiver.received
    headers = dict(hook["headers"].items())
    payload = Webhook(standard).verify(hook["body"], headers)
    assert payload["incident"]["name"] == "Elevated API errors"
    assert abs(int(headers["webhook-timestamp"]) - time.time()) < 60
    assert re.fullmatch(r"msg_[A-Za-z0-9]+_[A-Za-z0-9]+", headers["webhook-id"])
    # The header receivers written before check is still there, and still right.
    expected = "sha256=" + hmac.new(secret.encode(), hook["body"], hashlib.sha256).hexdigest()
    assert hmac.compare_digest(headers["X-Status-Signature-256"], expected)


def test_the_timestamp_and_the_body_are_signed(
    registered, receiver, open_incident, django_capture_on_commit_callbacks
):
    _, standard = registered
    _incident(open_incident, django_capture_on_commit_callbacks)
    [hook] = receiver.received
    headers = dict(hook["headers"].items())
    moved = {**headers, "webhook-timestamp": str(int(headers["webhook-timestamp"]) - 1)}
    with pytest.raises(WebhookVerificationError):
        Webhook(standard).verify(hook["body"], moved)  # a replay with a fresher time
    with pytest.raises(WebhookVerificationError):
        Webhook(standard).verify(hook["body"].replace(b"major", b"minor"), headers)


def test_every_retry_of_a_delivery_has_the_same_id_and_a_valid_signature(
    registered, receiver, open_incident, django_capture_on_commit_callbacks
):
    _, standard = registered
    receiver.answer = (500, None)
    _incident(open_incident, django_capture_on_commit_callbacks)
    receiver.answer = (200, None)
    Delivery.objects.filter(purpose="notification").update(next_attempt_at=timezone.now())
    assert delivery.send_due() == {"sent": 1, "failed": 0}
    first, retry = receiver.received
    assert first["headers"]["webhook-id"] == retry["headers"]["webhook-id"]
    for hook in (first, retry):
        Webhook(standard).verify(hook["body"], dict(hook["headers"].items()))
    # Another notification to the same webhook is another message.
    Delivery.objects.all().delete()
    Notification.objects.all().delete()
    _incident(open_incident, django_capture_on_commit_callbacks)
    assert receiver.received[-1]["headers"]["webhook-id"] != first["headers"]["webhook-id"]


def test_chat_webhooks_have_no_secret_and_no_signature(
    make_subscriber, receiver, status_demo, open_incident, django_capture_on_commit_callbacks
):
    make_subscriber(channel="chat", url=receiver.url + "/slack")
    _incident(open_incident, django_capture_on_commit_callbacks)
    [hook] = receiver.received
    assert "webhook-signature" not in hook["headers"]
    assert Subscriber.objects.get().secret == ""


def test_the_signing_function_is_what_the_library_expects():
    key = b"0123456789abcdef" * 4
    body = json.dumps({"text": "Grüße"}).encode()
    now = time.time()
    signed = webhooks.signature_headers(key=key, msg_id="msg_1", body=body, timestamp=now)
    assert Webhook(webhooks.standard_secret(key)).verify(body, signed) == {"text": "Grüße"}
    old = webhooks.signature_headers(key=key, msg_id="msg_1", body=body, timestamp=now - 600)
    with pytest.raises(WebhookVerificationError, match="too old"):
        Webhook(webhooks.standard_secret(key)).verify(body, old)
    with pytest.raises(ValueError):
        webhooks.signature_headers(key=key, msg_id="a.b", body=body)
