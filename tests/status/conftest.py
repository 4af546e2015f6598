import email
import email.policy
import socket
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from django.utils import timezone

from core.addresses import address_key
from status import services
from status.importer import import_status
from status.models import Channel, Component, ComponentGroup, Subscriber

STATUS_CONTENT = Path(__file__).resolve().parents[2] / "content" / "status"


@pytest.fixture(autouse=True)
def _public_site(settings):
    """The public address, from which the API, feeds and embeds build absolute URLs."""
    settings.SITE_URL = "https://help.example.com"


@pytest.fixture
def make_component(db):
    counter = iter(range(1, 100_000))

    def make(name=None, *, group=None, **kw):
        n = next(counter)
        return Component.objects.create(
            name=name or f"Component {n}", slug=kw.pop("slug", None) or f"component-{n}",
            group=group, position=kw.pop("position", n), **kw,
        )  # fmt: skip

    return make


@pytest.fixture
def group(db):
    return ComponentGroup.objects.create(name="Model providers", slug="model-providers")


@pytest.fixture
def status_demo(content):
    """The shipped status content on top of the shipped guides and runbooks."""
    report = import_status(STATUS_CONTENT)
    assert not report.errors, report.errors
    return report


@pytest.fixture
def open_incident(make_component):
    def make(name="Elevated API errors", *, impact="major", components=None, **kw):
        if components is None:
            components = {make_component(slug="api", name="API"): "partial_outage"}
        return services.open_incident(
            name=name, impact=impact, body="We are investigating.", components=components, **kw
        )

    return make


@pytest.fixture
def schedule(make_component):
    def make(start_in, end_in, *, components=(), name="Database upgrade"):
        now = timezone.now()
        return services.schedule_maintenance(
            name=name,
            scheduled_for=now + timedelta(minutes=start_in),
            scheduled_until=now + timedelta(minutes=end_in),
            body="The dashboard will be read-only.",
            components=components,
        )

    return make


# --------------------------------------------------------------------------- subscriptions


@pytest.fixture
def make_subscriber(db):
    """A confirmed subscriber (email by default), as if they had clicked the link."""
    counter = iter(range(1, 100_000))

    def make(email=None, *, channel=Channel.EMAIL, url="", components=(), confirmed=True, **kw):
        n = next(counter)
        email = email or f"subscriber{n}@example.com"
        subscriber = Subscriber.objects.create(
            channel=channel, email=email, address_key=address_key(email), url=url,
            confirmed_at=timezone.now() if confirmed else None, **kw,
        )  # fmt: skip
        subscriber.components.set(components)
        return subscriber

    return make


class SinkHandler:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.messages.append(message)
        return "250 OK"


@pytest.fixture
def smtp_sink(settings):
    """A real SMTP server (aiosmtpd) on 127.0.0.1 that the site sends through."""
    handler = SinkHandler()
    with socket.socket() as probe:  # a free port (the controller checks it by connecting)
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": port, "use_tls": False, "timeout": 5},
        }
    }
    handler.port = port
    yield handler
    controller.stop()


class Receiver(BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.server.received.append({"path": self.path, "headers": self.headers, "body": body})
        status, location = self.server.answer
        self.send_response(status)
        if location:
            self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def receiver(settings):
    """A local webhook receiver; `receiver.answer = (status, location)` changes its reply."""
    settings.STATUS_WEBHOOK_ALLOW_PRIVATE = True  # it listens on 127.0.0.1
    server = ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    server.received, server.answer = [], (200, None)
    server.url = f"http://127.0.0.1:{server.server_address[1]}"
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server
    server.shutdown()
    server.server_close()
