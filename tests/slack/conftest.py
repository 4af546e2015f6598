import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlencode

import pytest

from slack import signing
from slack.models import SlackChannel
from tickets.models import AgentPreference

# Slack's published example (api.slack.com/authentication/verifying-requests-from-slack).
SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
SLACK_USER = "UA8RXUSPL"  # the user of Slack's block_actions example


@pytest.fixture(autouse=True)
def _slack(settings):
    settings.SLACK_SIGNING_SECRET = SECRET
    settings.SITE_URL = "https://help.example.com"


class Receiver(BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.server.received.append(
            {"path": self.path, "headers": dict(self.headers), "json": json.loads(body)}
        )
        status = self.server.answer
        self.send_response(status)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *args):
        pass


@pytest.fixture
def slack_server(settings):
    """A real HTTP server on 127.0.0.1 standing in for Slack: incoming webhooks under
    /services/, response URLs under /actions/. `slack_server.answer = 500` fails them."""
    settings.STATUS_WEBHOOK_ALLOW_PRIVATE = True  # it listens on loopback
    server = ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    server.received, server.answer = [], 200
    server.url = f"http://127.0.0.1:{server.server_address[1]}"
    settings.SLACK_RESPONSE_URL_PREFIX = server.url + "/actions/"
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def make_channel(slack_server):
    def make(name="#support", **kw):
        return SlackChannel.objects.create(
            name=name, webhook_url=f"{slack_server.url}/services/T1/B{name[1:]}/x", **kw
        )

    return make


@pytest.fixture
def mapped():
    """Link a staff account to Slack's example user."""

    def link(user, slack_user=SLACK_USER):
        AgentPreference.objects.update_or_create(user=user, defaults={"slack_user_id": slack_user})
        return user

    return link


def signed(client, path, body, *, timestamp=None, secret=SECRET, **headers):
    timestamp = str(int(time.time()) if timestamp is None else timestamp)
    return client.post(
        path,
        body,
        content_type="application/x-www-form-urlencoded",
        headers={
            "X-Slack-Request-Timestamp": timestamp,
            "X-Slack-Signature": signing.sign(secret, timestamp, body.encode()),
            **headers,
        },
    )


def block_actions(action_id, value, *, response_url, user=SLACK_USER, note=None):
    """Slack's documented block_actions example (reference/interaction-payloads/
    block-actions), its action one of our buttons, as the form body Slack posts."""
    payload = {
        "type": "block_actions",
        "team": {"id": "T9TK3CUKW", "domain": "example"},
        "user": {"id": user, "username": "jtorrance", "team_id": "T9TK3CUKW"},
        "api_app_id": "AABA1ABCD",
        "token": "9s8d9as89d8as9d8as989",
        "container": {
            "type": "message",
            "message_ts": "1548261231.000200",
            "channel_id": "CBR2V3XEX",
            "is_ephemeral": False,
        },
        "trigger_id": "12321423423.333649436676.d8c1bb837935619ccad0f624c448ffb3",
        "channel": {"id": "CBR2V3XEX", "name": "review-updates"},
        "message": {
            "bot_id": "BAH5CA16Z",
            "type": "message",
            "text": "...",
            "ts": "1548261231.000200",
        },
        "state": {"values": {"note": {"note_text": {"type": "plain_text_input", "value": note}}}},
        "response_url": response_url,
        "actions": [
            {
                "action_id": action_id,
                "block_id": "=qXel",
                "text": {"type": "plain_text", "text": "View", "emoji": True},
                "value": value,
                "type": "button",
                "action_ts": "1548426417.840180",
            }
        ],
    }
    return urlencode({"payload": json.dumps(payload)})


def slash_command(text, *, user="U2CERLKJA", command="/incident", response_url=""):
    """Slack's documented slash command body (interactivity/slash-commands), our command."""
    return urlencode(
        {
            "token": "gIkuvaNzQIHg97ATvDxqgjtO",
            "team_id": "T0001",
            "team_domain": "example",
            "enterprise_id": "E0001",
            "enterprise_name": "Globular Construct Inc",
            "channel_id": "C2147483705",
            "channel_name": "test",
            "user_id": user,
            "user_name": "Steve",
            "command": command,
            "text": text,
            "response_url": response_url or "https://hooks.slack.com/commands/1234/5678",
            "trigger_id": "13345224609.738474920.8088930838d88f008e0",
            "api_app_id": "A123456",
        }
    )
