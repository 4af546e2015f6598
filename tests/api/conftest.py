import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from api.models import ApiToken
from api.scopes import SCOPES


def pytest_ignore_collect(collection_path, config):
    """The schema fuzz is slow as a whole, and merely collecting it makes schemathesis
    generate its cases (about 2 s a process): `make test-fast` (-m "not slow") leaves the
    module out instead of collecting it to deselect every test."""
    if collection_path.name == "test_schema_fuzz.py":
        return "not slow" in (config.option.markexpr or "") or None
    return None


class ApiClient:
    """The test client with a token, speaking JSON."""

    def __init__(self, client, raw):
        self.client, self.raw = client, raw

    def headers(self, extra):
        found = {"HTTP_AUTHORIZATION": f"Bearer {self.raw}"} if self.raw else {}
        return {**found, **extra}

    def get(self, path, params=None, **headers):
        return self.client.get(path, params or {}, **self.headers(headers))

    def send(self, method, path, data=None, **headers):
        body = data if isinstance(data, bytes | str) else json.dumps(data or {})
        return self.client.generic(method, path, body, "application/json", **self.headers(headers))

    def post(self, path, data=None, **headers):
        return self.send("POST", path, data, **headers)

    def patch(self, path, data=None, **headers):
        return self.send("PATCH", path, data, **headers)

    def delete(self, path, **headers):
        return self.send("DELETE", path, b"", **headers)


@pytest.fixture
def token_for(db):
    def make(user, scopes=tuple(SCOPES), **kw):
        return ApiToken.objects.issue(user=user, name="Test", scopes=list(scopes), **kw)

    return make


@pytest.fixture
def api_as(client, token_for):
    """An API client whose token belongs to `user` and has `scopes` (all by default)."""

    def make(user, scopes=tuple(SCOPES), **kw):
        _, raw = token_for(user, scopes, **kw)
        return ApiClient(client, raw)

    return make


@pytest.fixture
def agent_api(api_as, agent):
    return api_as(agent)


@pytest.fixture
def anonymous_api(client):
    return ApiClient(client, None)


class Receiver(BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.server.received.append({"headers": dict(self.headers), "body": body})
        status, text = self.server.answer
        self.send_response(status)
        self.send_header("Content-Length", str(len(text)))
        self.end_headers()
        self.wfile.write(text)

    def log_message(self, *args):
        pass


@pytest.fixture
def receiver(settings):
    """A real HTTP server on 127.0.0.1 that records each webhook; `receiver.answer =
    (status, body bytes)` changes its reply."""
    settings.STATUS_WEBHOOK_ALLOW_PRIVATE = True  # it listens on loopback
    server = ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    server.received, server.answer = [], (200, b"ok")
    server.url = f"http://127.0.0.1:{server.server_address[1]}/hooks"
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def endpoint(receiver, lead):
    from api.models import EVENTS, WebhookEndpoint

    return WebhookEndpoint.objects.create(url=receiver.url, events=list(EVENTS), created_by=lead)
