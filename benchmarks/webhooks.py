"""Outgoing webhooks at 1,000 endpoints: the time from the commit of a change to each
delivery's arrival (the target: p95 at most 2 s), that none arrives twice, and that none is
lost when the workers are killed in the middle of a batch.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres make bench-webhooks

Production's parts, each in its own process: PostgreSQL, the database task backend with
`manage.py db_worker` (BENCH_WORKERS of them, polling every second as by default), and an
HTTP receiver on 127.0.0.1 that checks every Standard Webhooks signature and notes when each
request arrived. Each event is stored with its deliveries in the writer's transaction, as a
ticket change stores it (api.webhooks.emit). PostgreSQL only: the workers must reach the
benchmark's database from their own processes. A benchmark, not a test: nothing here fails
on a time.
"""

import os
import signal
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from multiprocessing import Event, Process
from pathlib import Path

os.environ["TASK_BACKEND"] = "database"
os.environ["STATUS_WEBHOOK_ALLOW_PRIVATE"] = "1"

from benchmarks._setup import (  # noqa: E402
    ROOT,
    django_with_test_database,
    free_port,
    summarize,
)

ENDPOINTS = int(os.environ.get("BENCH_WEBHOOK_ENDPOINTS", "1000"))
EVENTS = int(os.environ.get("BENCH_WEBHOOK_EVENTS", "5"))
WORKERS = int(os.environ.get("BENCH_WORKERS", "2"))
SECRET = "b" * 64  # every endpoint's key; the receiver checks with its Standard Webhooks form


class Server(ThreadingHTTPServer):
    request_queue_size = 1024  # socketserver's 5 would refuse a burst of connections


def receive(log_path, port, ready):
    """Another process: a receiver that checks each signature and notes each arrival."""
    from standardwebhooks import Webhook

    from mail.webhooks import standard_secret

    verifier = Webhook(standard_secret(SECRET.encode()))
    with open(log_path, "a", buffering=1) as log:

        class Receiver(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                arrived = time.time()
                try:
                    verifier.verify(body, dict(self.headers))
                    good = "ok"
                except Exception:
                    good = "bad"
                log.write(f"{self.headers['webhook-id']} {self.path} {arrived:.6f} {good}\n")
                self.send_response(204)
                self.end_headers()

            def log_message(self, *args):
                pass

        server = Server(("127.0.0.1", port), Receiver)
        ready.set()
        server.serve_forever()


def arrivals(log_path):
    """[(webhook-id, path, time, signature ok)] so far."""
    rows = []
    for line in Path(log_path).read_text().splitlines():
        msg_id, path, at, good = line.split()
        rows.append((msg_id, path, float(at), good == "ok"))
    return rows


def start_workers(database_url):
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": "helpcenter.settings",
        "DEBUG": "0",
    }
    return [
        subprocess.Popen(
            [sys.executable, "manage.py", "db_worker", "--no-reload"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for _ in range(WORKERS)
    ]


def stop(workers, sig=signal.SIGTERM):
    for worker in workers:
        worker.send_signal(sig)
    for worker in workers:
        worker.wait(timeout=30)


def endpoints(port):
    from api.models import WebhookEndpoint

    return WebhookEndpoint.objects.bulk_create(
        WebhookEndpoint(
            url=f"http://127.0.0.1:{port}/hook/{n}", events=["ticket.created"], secret=SECRET
        )
        for n in range(ENDPOINTS)
    )


def commit_event(n):
    """One ticket.created event, stored with its deliveries in one transaction: the moment
    after the commit is when it counts from."""
    from django.db import transaction

    from api.webhooks import emit

    with transaction.atomic():
        event = emit("ticket.created", lambda: {"ticket": {"id": n, "subject": f"Bench {n}"}})
    return event.code, time.time()


def wait_for(log_path, count, timeout):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if len(arrivals(log_path)) >= count:
            return True
        time.sleep(0.05)
    return False


def main():
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        sys.exit("The webhook benchmark needs PostgreSQL (DATABASE_URL): see its docstring.")
    teardown = django_with_test_database()
    from django.conf import settings

    log_path = Path(tempfile.mkdtemp()) / "arrivals.log"
    log_path.touch()
    port = free_port()
    ready = Event()
    receiver = Process(target=receive, args=(log_path, port, ready), daemon=True)
    receiver.start()
    ready.wait(10)
    try:
        from api.models import WebhookDelivery

        endpoints(port)
        db = settings.DATABASES["default"]
        url = f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
        workers = start_workers(url)
        time.sleep(6)  # the workers' start (Django set-up, first poll)

        # 1. Latency: one event at a time, every endpoint listening.
        committed = {}
        for n in range(EVENTS):
            code, at = commit_event(n)
            committed[code] = at
            wait_for(log_path, (n + 1) * ENDPOINTS, timeout=120)
        rows = arrivals(log_path)
        first = {}
        for msg_id, path, at, _ in rows:
            first.setdefault((msg_id, path), at)
        delays = [(at - committed[msg_id]) * 1000 for (msg_id, _), at in first.items()]
        median, p95 = summarize(delays)
        twice = len(rows) - len(first)
        print(
            f"{EVENTS} events x {ENDPOINTS} endpoints, {WORKERS} workers, "
            f"{settings.API_WEBHOOK_CONCURRENCY} requests at once each:"
        )
        print(
            f"  commit to arrival: median {median:.0f} ms, p95 {p95:.0f} ms, "
            f"max {max(delays):.0f} ms (target p95 <= 2000 ms)"
        )
        print(
            f"  arrived {len(first)} of {EVENTS * ENDPOINTS}, twice: {twice}, "
            f"bad signatures: {sum(not ok for *_, ok in rows)}"
        )

        # 2. The workers killed in the middle of a batch (SIGKILL: no clean-up).
        before = len(rows)
        code, _ = commit_event(EVENTS)
        wait_for(log_path, before + ENDPOINTS // 4, timeout=60)
        stop(workers, signal.SIGKILL)
        rows = arrivals(log_path)
        got = {path for msg_id, path, *_ in rows if msg_id == code}
        left = WebhookDelivery.objects.filter(event__code=code).exclude(state="sent").count()
        print(f"  workers killed with {len(got)} of {ENDPOINTS} delivered, {left} not marked sent")
        # The clock's retry pass once the lease is over (the dead workers' claims are moved
        # back by the lease rather than waited for): due rows, and the claims left.
        from api.webhooks.delivery import send_due

        lease = timedelta(minutes=settings.STATUS_DELIVERY_LEASE_MINUTES + 1)
        claims = WebhookDelivery.objects.filter(event__code=code, state="sending")
        claims.update(claimed_at=timezone_now() - lease)
        send_due()
        rows = arrivals(log_path)
        mine = [(path, at) for msg_id, path, at, _ in rows if msg_id == code]
        paths = [path for path, _ in mine]
        lost = ENDPOINTS - len(set(paths))
        again = len(paths) - len(set(paths))
        sent = WebhookDelivery.objects.filter(event__code=code, state="sent").count()
        print(
            f"  after the retry pass: {len(set(paths))} of {ENDPOINTS} arrived, lost {lost}, "
            f"sent again (same webhook-id, claimed when the worker died) {again}; "
            f"{sent} marked sent"
        )
    finally:
        receiver.terminate()
        teardown()


def timezone_now():
    from django.utils import timezone

    return timezone.now()


if __name__ == "__main__":
    main()
