"""The MCP server (api/mcp_server.py) through the official SDK's own clients: the streamable
HTTP client against a live server's /mcp, and the stdio client against `manage.py mcp` in a
process of its own. Plus what /mcp answers before the SDK is reached (tokens, rate limits,
methods), with Django's test client."""

import json
import os
import subprocess
import sys
import urllib.parse
from pathlib import Path

import anyio
import httpx2
import pytest
from django.conf import settings
from django.db import connection
from mcp import Client, StdioServerParameters, stdio_client
from mcp.client.streamable_http import streamable_http_client

from kb.models import Guide
from tickets.models import Channel, Ticket

pytestmark = pytest.mark.usefixtures("no_browser_event_loop")

ROOT = Path(__file__).resolve().parents[2]
READ = {"search", "answer", "get_page", "get_status"}
QUESTION = "How do I rotate an API key?"


def text_of(result):
    return "".join(block.text for block in result.content)


def data_of(result):
    assert not result.is_error, text_of(result)
    return json.loads(text_of(result))


def over_http(url, token, work, mode="auto"):
    """Run `work(client)` with the SDK's client connected to `url` with `token`."""

    async def run():
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        async with httpx2.AsyncClient(headers=headers, timeout=30) as http:
            transport = streamable_http_client(url, http_client=http)
            async with Client(transport, mode=mode) as client:
                return await work(client)

    return anyio.run(run)


async def tool_names(client):
    return {tool.name for tool in (await client.list_tools()).tools}


async def read_everything(client):
    found = data_of(await client.call_tool("search", {"query": "rotate api key"}))["results"]
    page = await client.call_tool("get_page", {"url": found[0]["url"]})
    return {
        "search": found,
        "page": data_of(page),
        "answer": data_of(await client.call_tool("answer", {"question": QUESTION})),
        "status": data_of(await client.call_tool("get_status", {})),
    }


# Over streamable HTTP, against a live server.


@pytest.fixture
def mcp_url(live_server, content, settings):
    settings.SITE_URL = live_server.url
    return f"{live_server.url}/mcp"


@pytest.mark.parametrize("mode", ["auto", "legacy"])  # 2026-07-28, and the initialize handshake
def test_the_tools_a_token_allows_are_listed(mcp_url, token_for, agent, editor, mode):
    _, everything = token_for(agent, ["content:read", "tickets:write"])
    _, reader = token_for(editor, ["content:read"])
    _, tickets_only = token_for(agent, ["tickets:write"])
    assert over_http(mcp_url, everything, tool_names, mode) == READ | {"open_ticket"}
    assert over_http(mcp_url, reader, tool_names, mode) == READ
    assert over_http(mcp_url, tickets_only, tool_names, mode) == {"get_status", "open_ticket"}


def test_search_a_page_an_answer_and_the_status_over_http(mcp_url, token_for, editor):
    _, raw = token_for(editor, ["content:read"])
    found = over_http(mcp_url, raw, read_everything)
    assert found["search"][0]["url"].startswith("http")
    assert found["page"]["title"] == found["search"][0]["title"]
    assert found["page"]["markdown"].startswith("# ")
    assert found["answer"]["answer"]["citations"]
    assert found["status"]["status"]["indicator"] == "none"


def test_a_guide_by_its_address(mcp_url, token_for, editor):
    _, raw = token_for(editor, ["content:read"])
    guide = Guide.objects.published().first()

    async def read(client):
        urls = [
            f"{mcp_url.removesuffix('/mcp')}/kb/{guide.slug}/#some-section",
            f"/kb/{guide.slug}.md",
            "/kb/no-such-guide/",
            "https://example.com/admin/",
        ]
        return [await client.call_tool("get_page", {"url": url}) for url in urls]

    whole, twin, missing, elsewhere = over_http(mcp_url, raw, read)
    assert data_of(whole)["slug"] == data_of(twin)["slug"] == guide.slug
    assert data_of(whole)["markdown"].startswith(f"# {guide.title}")
    assert missing.is_error and text_of(missing).endswith(": No published guide has this slug.")
    assert elsewhere.is_error and "not the address of a guide" in text_of(elsewhere)


TICKET = {
    "email": "ada@example.com",
    "name": "Ada",
    "subject": "Webhooks stopped",
    "description": "No deliveries since noon.",
    "priority": "high",
    "tags": ["webhooks"],
}


def test_open_a_ticket_with_a_token_that_may(mcp_url, token_for, agent, mailoutbox):
    _, raw = token_for(agent, ["tickets:write"])

    async def open_one(client):
        return await client.call_tool("open_ticket", TICKET)

    opened = data_of(over_http(mcp_url, raw, open_one))
    ticket = Ticket.objects.get()
    assert (opened["id"], opened["reference"]) == (ticket.pk, ticket.reference)
    assert (ticket.subject, ticket.email, ticket.channel) == (
        "Webhooks stopped",
        "ada@example.com",
        Channel.API,
    )
    assert [t.name for t in ticket.tags.all()] == ["webhooks"]
    assert ["ada@example.com"] in [m.to for m in mailoutbox]  # the acknowledgement


def test_opening_a_ticket_is_refused_without_tickets_write(mcp_url, token_for, agent, editor):
    _, reader = token_for(agent, ["content:read"])

    async def open_one(client):
        return await client.call_tool("open_ticket", TICKET)

    refused = over_http(mcp_url, reader, open_one)
    assert refused.is_error
    assert "does not have the tickets:write scope" in text_of(refused)
    # An editor's role cannot write tickets, whatever the token says.
    editor_token, raw = token_for(editor, ["content:read"])
    editor_token.scopes = ["content:read", "tickets:write"]
    editor_token.save()
    refused = over_http(mcp_url, raw, open_one)
    assert refused.is_error and "no role that allows tickets:write" in text_of(refused)
    assert not Ticket.objects.exists()


def test_wrong_arguments_are_tool_errors(mcp_url, token_for, agent):
    _, raw = token_for(agent, ["content:read", "tickets:write"])
    calls = [
        ("search", {"query": 5}),
        ("search", {"query": "x" * 1_000_000}),
        ("search", {"query": "ok", "page": "first"}),
        ("answer", {}),
        ("answer", {"question": "a\x00b"}),
        ("get_page", {"url": ["/kb/"]}),
        ("open_ticket", {**TICKET, "email": "not an address"}),
        ("open_ticket", {**TICKET, "notify_customer": "yes"}),
        ("open_ticket", {**TICKET, "tags": ["x"] * 21}),
        ("no_such_tool", {}),
    ]

    async def call_all(client):
        return [await client.call_tool(name, args) for name, args in calls]

    results = over_http(mcp_url, raw, call_all)
    assert [r.is_error for r in results] == [True] * len(calls), [text_of(r) for r in results]
    assert all(len(text_of(r)) < 5000 for r in results)  # a megabyte is not echoed back
    assert not Ticket.objects.exists()


# Over stdio: `manage.py mcp` in its own process, on this test's database.


def database_url(tmp_path):
    """A URL the server process can open: this test's PostgreSQL database, or a copy of its
    SQLite database (an in-memory one, which another process cannot see)."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        copy = tmp_path / "db.sqlite3"
        with connection.cursor() as cursor:
            cursor.execute("VACUUM INTO %s", [str(copy)])
        return f"sqlite:///{copy}"
    credentials = urllib.parse.quote(db["USER"] or "")
    if db["PASSWORD"]:
        credentials += ":" + urllib.parse.quote(db["PASSWORD"])
    host, port = db["HOST"] or "127.0.0.1", db["PORT"] or 5432
    return f"postgres://{credentials}@{host}:{port}/{db['NAME']}"


@pytest.fixture
def stdio_env(transactional_db, content, tmp_path):
    def make(token=None):
        env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
        env |= {"DATABASE_URL": database_url(tmp_path), "DEBUG": "1", "MEDIA_ROOT": str(tmp_path)}
        env.pop("HELPCENTER_API_TOKEN", None)
        if token:
            env["HELPCENTER_API_TOKEN"] = token
        return env

    return make


def over_stdio(env, work, errlog):
    """Run `work(client)` with the SDK's stdio client, `manage.py mcp` started by it (its
    standard error in `errlog`)."""

    async def run():
        server = StdioServerParameters(
            command=sys.executable, args=["manage.py", "mcp"], env=env, cwd=ROOT
        )
        with errlog.open("w") as log:
            async with Client(stdio_client(server, errlog=log)) as client:
                return await work(client)

    return anyio.run(run)


@pytest.mark.slow
def test_the_public_tools_on_stdio_without_a_token(stdio_env, tmp_path):
    async def work(client):
        names = await tool_names(client)
        found = data_of(await client.call_tool("search", {"query": "rotate api key"}))
        status = data_of(await client.call_tool("get_status", {}))
        refused = await client.call_tool("open_ticket", TICKET)
        return names, found, status, refused

    names, found, status, refused = over_stdio(stdio_env(), work, tmp_path / "stderr")
    assert names == READ
    assert found["results"] and status["status"]["indicator"] == "none"
    assert refused.is_error


@pytest.mark.slow
def test_a_ticket_opened_on_stdio_with_a_token(stdio_env, token_for, agent, tmp_path):
    _, raw = token_for(agent, ["content:read", "tickets:write"])

    async def work(client):
        names = await tool_names(client)
        answer = data_of(await client.call_tool("answer", {"question": QUESTION}))
        opened = data_of(await client.call_tool("open_ticket", TICKET))
        wrong = await client.call_tool("open_ticket", {**TICKET, "priority": 5})
        return names, answer, opened, wrong

    names, answer, opened, wrong = over_stdio(stdio_env(raw), work, tmp_path / "stderr")
    assert names == READ | {"open_ticket"}
    assert answer["answer"]["citations"]
    assert (opened["subject"], opened["channel"], opened["reference"][:3]) == (
        "Webhooks stopped",
        "api",
        "HC-",
    )
    assert wrong.is_error


@pytest.mark.slow
def test_stdio_refuses_an_unknown_token(stdio_env):
    done = subprocess.run(
        [sys.executable, "manage.py", "mcp"],
        cwd=ROOT,
        env=stdio_env("hc_not-a-token"),
        capture_output=True,
        text=True,
        timeout=120,
        stdin=subprocess.DEVNULL,
    )
    assert done.returncode == 1
    assert "The token in HELPCENTER_API_TOKEN is unknown, revoked or expired." in done.stderr


# Before the SDK: tokens, rate limits, methods (Django's test client).

LIST = {"jsonrpc": "2.0", "id": 1, "method": "tools/list"}
ACCEPT = {"HTTP_ACCEPT": "application/json, text/event-stream"}


def post(client, body, token=None, **headers):
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
    data = body if isinstance(body, bytes) else json.dumps(body)
    return client.post("/mcp", data, "application/json", **ACCEPT, **auth, **headers)


@pytest.mark.django_db
def test_no_token_no_mcp(client, token_for, agent):
    token, raw = token_for(agent, ["content:read"])
    for answer in [post(client, LIST), post(client, LIST, "hc_unknown")]:
        assert answer.status_code == 401
        assert answer["Content-Type"] == "application/problem+json"
        assert answer["WWW-Authenticate"] == 'Bearer realm="api"'
    token.revoke()
    assert post(client, LIST, raw).status_code == 401


@pytest.mark.django_db
def test_mcp_counts_against_the_tokens_rate_limit(client, token_for, agent, settings):
    settings.API_RATE_LIMIT = "2/m"
    _, raw = token_for(agent, ["content:read"])
    first = post(client, LIST, raw)
    assert first.status_code == 200 and first["RateLimit"].startswith('"token";r=1;')
    assert post(client, LIST, raw).status_code == 200
    refused = post(client, LIST, raw)
    assert refused.status_code == 429 and int(refused["Retry-After"]) >= 1


@pytest.mark.django_db
def test_only_post_no_stream_no_session(client, token_for, agent):
    _, raw = token_for(agent, ["content:read"])
    auth = {"HTTP_AUTHORIZATION": f"Bearer {raw}", **ACCEPT}
    for method in ("GET", "DELETE", "PUT"):
        answer = client.generic(method, "/mcp", b"", **auth)
        assert answer.status_code == 405 and answer["Allow"] == "POST", method


@pytest.mark.django_db
def test_a_body_over_a_mebibyte_is_refused_before_the_sdk(client, token_for, agent, settings):
    _, raw = token_for(agent, ["content:read"])
    call = {"jsonrpc": "2.0", "id": 1, "method": "tools/call", "params": {"name": "search"}}
    for size in (1024 * 1024, 3 * 1024 * 1024):  # under and over Django's own limit (2.5 MB)
        padded = {**call, "params": {**call["params"], "arguments": {"query": "x" * size}}}
        answer = post(client, padded, raw)
        assert answer.status_code == 413, size
        assert answer["Content-Type"] == "application/problem+json"
    assert post(client, LIST, raw).status_code == 200


@pytest.mark.django_db
def test_mcp_needs_no_csrf_token(token_for, agent):
    from django.test import Client as DjangoClient

    _, raw = token_for(agent, ["content:read"])
    strict = DjangoClient(enforce_csrf_checks=True)
    answer = post(strict, LIST, raw)
    assert answer.status_code == 200
    assert {t["name"] for t in answer.json()["result"]["tools"]} == READ


@pytest.mark.slow
def test_a_process_loads_the_sdk_only_when_mcp_is_asked():
    # It was a third of every process's start-up (a manage.py command, a gunicorn worker).
    started = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys, django; django.setup(); from django.urls import resolve; "
            "resolve('/mcp'); print(sorted(m for m in sys.modules if m.split('.')[0] == 'mcp'))",
        ],
        cwd=settings.BASE_DIR,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "helpcenter.settings", "DEBUG": "1"},
        capture_output=True,
        text=True,
    )
    assert started.stdout.strip() == "[]", started.stdout + started.stderr
