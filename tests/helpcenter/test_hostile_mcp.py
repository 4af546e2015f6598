"""No input makes the MCP server (/mcp) answer a 500 or crash a tool: every tool it lists,
with the hostile values and values of the wrong type in each argument, hostile JSON-RPC
messages, the hostile bodies and headers, sent with a token that may do everything. A
refused input is an MCP error (a tool result marked isError, or a JSON-RPC error), never
an exception the SDK had to catch. A victim's ticket is never changed. CI runs it on
SQLite and PostgreSQL (the anonymous /mcp is in test_hostile_input's and
test_hostile_json's sweeps of every public URL)."""

import json
import logging

import pytest
from django.contrib.auth import get_user_model

from api.models import ApiToken
from api.scopes import SCOPES
from tests.helpcenter import test_hostile_input as sweep
from tests.helpcenter.test_hostile_api import WRONG_TYPES
from tests.helpcenter.test_hostile_input import HEADERS, HOSTILE, _fine, _snapshot
from tests.helpcenter.test_hostile_json import BODIES, CONTENT_TYPES, EVERY_TYPE

pytestmark = pytest.mark.usefixtures("no_browser_event_loop")

world = sweep.world  # the fixture

ACCEPT = "application/json, text/event-stream"
MESSAGES = [
    {"jsonrpc": "2.0", "id": 1, "method": "tools/call", "params": []},
    {"jsonrpc": "2.0", "id": 1, "method": "tools/call", "params": {"name": 5}},
    {"jsonrpc": "2.0", "id": 1, "method": "tools/call", "params": {"name": "search"}},
    {"jsonrpc": "2.0", "id": 1, "method": "tools/call", "params": {"name": "x" * 100_000}},
    {"jsonrpc": "2.0", "id": 1, "method": "tools/call", "params": {"arguments": {}}},
    {
        "jsonrpc": "2.0",
        "id": 1,
        "method": "tools/call",
        "params": {"name": "search", "arguments": ["q"]},
    },
    {"jsonrpc": "2.0", "id": {"a": 1}, "method": "tools/list"},
    {"jsonrpc": "2.0", "id": 10**40, "method": "tools/list"},
    {"jsonrpc": "1.0", "id": 1, "method": "tools/list"},
    {"jsonrpc": "2.0", "id": 1, "method": "no/such/method"},
    {"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"protocolVersion": 5}},
    {"jsonrpc": "2.0", "id": 1, "method": "resources/read", "params": {"uri": "file:///etc"}},
    {"jsonrpc": "2.0", "method": "notifications/initialized"},
    [{"jsonrpc": "2.0", "id": 1, "method": "tools/list"}] * 3,
    {"id": 1},
]


@pytest.fixture
def hostile_mcp(client, world):
    user = get_user_model().objects.create_superuser("sweeper", "s@example.com", "pw-s-123")
    _, raw = ApiToken.objects.issue(user=user, name="sweep", scopes=list(SCOPES))
    valid = {
        "search": {"query": "api key"},
        "answer": {"question": "How do I rotate an API key?"},
        "get_page": {"url": f"/kb/{world['guide']}/"},
        "get_status": {},
        "open_ticket": {"email": "a@example.com", "subject": "S", "description": "D"},
    }
    return client, {"HTTP_AUTHORIZATION": f"Bearer {raw}", "HTTP_ACCEPT": ACCEPT}, valid


def _post(client, body, auth, content_type="application/json", **headers):
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    return client.generic("POST", "/mcp", data, content_type, **auth, **headers)


def _call(client, auth, name, arguments):
    message = {"jsonrpc": "2.0", "id": 7, "method": "tools/call"}
    response = _post(client, {**message, "params": {"name": name, "arguments": arguments}}, auth)
    _fine(response, f"{name}({json.dumps(arguments)[:80]})")
    return response.json()


def _tools(client, auth):
    response = _post(client, {"jsonrpc": "2.0", "id": 1, "method": "tools/list"}, auth)
    return {tool["name"]: tool for tool in response.json()["result"]["tools"]}


def _crashes(caplog):
    """Exceptions the SDK caught for us (a tool that failed rather than refused)."""
    return [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]


@pytest.mark.django_db
@pytest.mark.slow
def test_every_tool_takes_hostile_arguments_without_failing(hostile_mcp, world, caplog):
    client, auth, valid = hostile_mcp
    before = _snapshot(world["victim"])
    tools = _tools(client, auth)
    assert set(tools) == set(valid), "give new tools valid arguments here"
    for name, tool in tools.items():
        answer = _call(client, auth, name, valid[name])
        assert answer["result"]["isError"] is False, (name, answer)
        for argument in [*tool["inputSchema"]["properties"], "unknown"]:
            for value in [*HOSTILE, *WRONG_TYPES]:
                answer = _call(client, auth, name, {**valid[name], argument: value})
                assert "result" in answer or "error" in answer, (name, argument, answer)
    assert _crashes(caplog) == []
    assert _snapshot(world["victim"]) == before


@pytest.mark.django_db
@pytest.mark.slow
def test_hostile_messages_bodies_and_headers_never_fail(hostile_mcp, world, caplog):
    client, auth, _ = hostile_mcp
    before = _snapshot(world["victim"])
    for message in MESSAGES:
        _fine(_post(client, message, auth), f"message {json.dumps(message)[:80]}")
    for name, body in BODIES.items():
        _fine(_post(client, body, auth), f"POST /mcp with {name}")
    for name in EVERY_TYPE:
        for content_type in CONTENT_TYPES:
            _fine(_post(client, BODIES[name], auth, content_type), f"{name} as {content_type}")
    listing = {"jsonrpc": "2.0", "id": 1, "method": "tools/list"}
    _fine(_post(client, listing, {**auth, **HEADERS}), "every hostile header")
    for value in HOSTILE:
        for header in ("HTTP_MCP_PROTOCOL_VERSION", "HTTP_MCP_SESSION_ID", "HTTP_ACCEPT"):
            _fine(_post(client, listing, {**auth, header: value}), f"{header} {value[:30]!r}")
        _fine(_post(client, listing, {"HTTP_AUTHORIZATION": value}), f"token {value[:30]!r}")
    _fine(_post(client, b"{}" * 600_000, auth), "a body over the limit")
    assert _crashes(caplog) == []
    assert _snapshot(world["victim"]) == before
