"""Status notifications: the fan-out of one incident update to 10,000 email and 1,000
webhook subscribers, and peak memory.

    make bench-status            # SQLite
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres make bench-status

Mail goes over SMTP to a local aiosmtpd server, webhooks over HTTP to a local receiver that
checks each signature; both run in another process, on 127.0.0.1. Tasks run with the immediate
backend (the worker's work, in this process). Timed: from the commit of the update to the
last delivery recorded as sent. A benchmark, not a test: nothing here fails on a time.
"""

import hashlib
import hmac
import multiprocessing
import os
import resource
import time
import tracemalloc
import warnings
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from benchmarks._setup import django_with_test_database, free_port

EMAILS = int(os.environ.get("BENCH_EMAILS", "10000"))
WEBHOOKS = int(os.environ.get("BENCH_WEBHOOKS", "1000"))
SECRET = "b" * 64


class Sink:
    def __init__(self, count):
        self.count = count

    async def handle_DATA(self, server, session, envelope):
        with self.count.get_lock():
            self.count.value += 1
        return "250 OK"


class Receiver(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        expected = "sha256=" + hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
        good = hmac.compare_digest(self.headers.get("X-Status-Signature-256", ""), expected)
        with self.server.count.get_lock():
            self.server.count.value += 1
            self.server.bad.value += not good
        self.send_response(204)
        self.send_header("Connection", "close")
        self.end_headers()

    def log_message(self, *args):
        pass


def serve(smtp_port, http_port, mails, hooks, bad, ready):
    """The other side: an SMTP server and a webhook receiver, in their own process."""
    import logging

    from aiosmtpd.controller import Controller

    logging.disable(logging.CRITICAL)
    controller = Controller(Sink(mails), hostname="127.0.0.1", port=smtp_port)
    controller.start()
    server = ThreadingHTTPServer(("127.0.0.1", http_port), Receiver)
    server.count, server.bad, server.daemon_threads = hooks, bad, True
    ready.set()
    server.serve_forever()


def subscribers(receiver_url):
    from django.utils import timezone

    from status.models import Channel, Subscriber

    now = timezone.now()
    rows = [
        Subscriber(
            channel=Channel.EMAIL, email=f"s{n}@bench.example", address_key=f"s{n}@bench.example",
            confirmed_at=now,
        )
        for n in range(EMAILS)
    ] + [
        Subscriber(
            channel=Channel.WEBHOOK, email=f"ops{n}@bench.example",
            address_key=f"ops{n}@bench.example", url=f"{receiver_url}/hook/{n}", secret=SECRET,
            confirmed_at=now,
        )
        for n in range(WEBHOOKS)
    ]  # fmt: skip
    Subscriber.objects.bulk_create(rows, batch_size=1000)


def main():
    teardown = django_with_test_database()
    try:
        from django.conf import settings
        from django.db import connection

        from status import services
        from status.models import Component, Delivery

        smtp_port, http_port = free_port(), free_port()
        mails, hooks, bad = (multiprocessing.Value("i", 0) for _ in range(3))
        ready = multiprocessing.Event()
        other_side = multiprocessing.Process(
            target=serve, args=(smtp_port, http_port, mails, hooks, bad, ready), daemon=True
        )
        other_side.start()
        ready.wait(30)
        settings.MAILERS = {
            "default": {
                "BACKEND": "mail.smtp.EmailBackend",
                "OPTIONS": {"host": "127.0.0.1", "port": smtp_port, "use_tls": False},
            }
        }
        settings.STATUS_WEBHOOK_ALLOW_PRIVATE = True
        settings.SITE_URL = "https://help.example.com"
        subscribers(f"http://127.0.0.1:{http_port}")
        api = Component.objects.create(name="API", slug="api")
        engine = connection.vendor
        print(f"{engine}: {EMAILS:,} email + {WEBHOOKS:,} webhook subscribers")

        rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        start = time.perf_counter()
        incident = services.open_incident(
            name="Elevated API errors",
            impact="major",
            body="We are investigating.",
            components={api: "partial_outage"},
        )  # fmt: skip  (the fan-out runs after this commit, in this process)
        elapsed = time.perf_counter() - start
        sent = Delivery.objects.filter(state="sent").count()
        rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        time.sleep(0.5)  # the sink may still be acknowledging the last messages
        print(
            f"  incident opened -> {sent:,} deliveries sent in {elapsed:.1f} s "
            f"({sent / elapsed:,.0f}/s); SMTP received {mails.value:,}, webhooks received "
            f"{hooks.value:,} ({bad.value} bad signatures)"
        )
        print(
            f"  peak RSS {rss_after / 1024:.0f} MB "
            f"(+{(rss_after - rss_before) / 1024:.0f} MB during the fan-out)"
        )

        tracemalloc.start()
        start = time.perf_counter()
        services.resolve_incident(incident=incident, body="Fixed.")
        elapsed = time.perf_counter() - start
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        print(
            f"  resolved -> again, under tracemalloc: {elapsed:.1f} s, "
            f"Python heap peak {peak / 2**20:.1f} MB"
        )
        other_side.terminate()
    finally:
        teardown()


if __name__ == "__main__":
    warnings.simplefilter("ignore")
    main()
