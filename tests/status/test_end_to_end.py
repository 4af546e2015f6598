"""A customer subscribes, confirms, hears about an incident opened from the shell by email
(through a real SMTP server) and by a signed webhook (a local receiver checks the
signature), then leaves with one click from the mail client: nothing more arrives."""

import hashlib
import hmac
import json
import re
from io import StringIO
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command
from django.test import Client

pytestmark = pytest.mark.django_db

LINK = r"https://help\.example\.com(/status/[^\s>]+/)"


def path_of(url):
    return urlsplit(url).path


def test_subscribe_confirm_hear_and_leave_with_one_click(
    client, status_demo, smtp_sink, receiver, django_capture_on_commit_callbacks
):
    def act(do):
        with django_capture_on_commit_callbacks(execute=True):
            return do()

    # Subscribe by email from the status page's form, and register a webhook.
    response = act(
        lambda: client.post(
            "/status/subscribe/", {"form": "email", "email-email": "Ada@Example.com"}
        )
    )
    assert response.status_code == 302 and response["Location"] == "/status/subscribe/sent/"
    page = act(
        lambda: client.post(
            "/status/subscribe/",
            {"form": "webhook", "webhook-url": receiver.url + "/hooks/status",
             "webhook-channel": "webhook", "webhook-email": "ops@example.com"},
        )
    )  # fmt: skip
    secret = re.search(r'id="webhook-secret"[^>]*value="([0-9a-f]{64})"', page.content.decode())[1]
    assert page["Cache-Control"] == "no-store"
    confirmations = {m["To"]: m for m in smtp_sink.messages}
    assert set(confirmations) == {"Ada@Example.com", "ops@example.com"}
    assert receiver.received == []  # nothing before the confirmation

    # Confirm both: the link opens a page with a button (a mail scanner's GET confirms nothing).
    for message in confirmations.values():
        link = path_of(re.search(LINK, message.get_body(("plain",)).get_content())[0])
        assert "Confirm subscription" in client.get(link).content.decode()
        assert "You are subscribed" in client.post(link).content.decode()

    # An incident from the command line reaches both, once.
    smtp_sink.messages.clear()
    out = StringIO()
    act(lambda: call_command(
        "status", "incident", "open", "Elevated API errors", "--impact", "major",
        "--body", "Some requests fail.", "--component", "api=partial_outage", stdout=out,
    ))  # fmt: skip
    [message] = smtp_sink.messages
    assert message["To"] == "Ada@Example.com"
    assert message["Subject"] == "[Major impact] Elevated API errors: Investigating"
    text = message.get_body(("plain",)).get_content()
    assert "Some requests fail." in text and "Affects: API" in text
    html = message.get_body(("html",)).get_content()  # the same, in the branded layout
    assert "Some requests fail." in html and "<title>[Major impact] Elevated API errors" in html
    assert "https://help.example.com/status/incidents/" in text
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    [hook] = receiver.received
    assert hook["path"] == "/hooks/status"
    expected = "sha256=" + hmac.new(secret.encode(), hook["body"], hashlib.sha256).hexdigest()
    assert hmac.compare_digest(hook["headers"]["X-Status-Signature-256"], expected)
    payload = json.loads(hook["body"])
    assert set(payload) == {"meta", "page", "incident"}
    assert payload["incident"]["name"] == "Elevated API errors"
    assert payload["incident"]["impact"] == "major"
    assert payload["page"]["status_indicator"] == "major"
    assert payload["meta"]["event"] == "incident_created"

    # One click in the mail client: a POST to List-Unsubscribe, no cookie, no CSRF token.
    unsubscribe = path_of(message["List-Unsubscribe"].strip("<>"))
    mail_client = Client(enforce_csrf_checks=True, HTTP_HOST="127.0.0.1")
    response = mail_client.post(
        unsubscribe, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 200
    # The webhook leaves by the unsubscribe URL its payloads carry.
    assert mail_client.post(path_of(payload["meta"]["unsubscribe"])).status_code == 200

    smtp_sink.messages.clear()
    receiver.received.clear()
    code = out.getvalue().split()[-1]
    act(lambda: call_command("status", "incident", "resolve", code, stdout=StringIO()))
    assert smtp_sink.messages == [] and receiver.received == []
