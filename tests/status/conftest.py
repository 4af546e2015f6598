import email
import email.policy
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from aiosmtpd.controller import Controller


@pytest.fixture(autouse=True)
def _public_site(settings):
    """The public address, from which the API, feeds and embeds build absolute URLs."""
    settings.SITE_URL = "https://help.example.com"


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
            "BACKEND": "mail.smtp.EmailBackend",
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
