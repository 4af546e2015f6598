"""The REST API's list and create at 100,000 tickets: server-side time and SQL queries per
request, through Django's test client (no network), token authentication, rate limit and
ETag included; and the MCP server's (/mcp) listing and ticket opening beside them.

    make bench-api              # SQLite
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres make bench-api

Prints medians and p95 over ROUNDS requests each. A benchmark, not a test: nothing here fails
on a time (the target is p95 under 50 ms for list and create). Emails and webhooks the
creates queue go to the dummy task backend (production's database backend adds one INSERT
each).
"""

import json
import os
import random
import time
import warnings
from datetime import timedelta

os.environ.setdefault("TASK_BACKEND", "dummy")

from benchmarks._setup import django_with_test_database, summarize  # noqa: E402

TICKETS = int(os.environ.get("BENCH_API_TICKETS", "100000"))
ROUNDS = int(os.environ.get("BENCH_API_ROUNDS", "100"))


def populate():
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.utils import timezone

    from core.addresses import address_key
    from tickets.models import Tag, Ticket, TicketMessage

    rng = random.Random(24)
    agents = get_user_model().objects.bulk_create(
        get_user_model()(username=f"agent{n}", is_staff=True) for n in range(50)
    )
    Group.objects.get(name="Support agents").user_set.add(*agents)
    now = timezone.now()
    statuses = ["new", "open", "pending", "resolved", "closed"]
    batch = []
    for n in range(TICKETS):
        created = now - timedelta(minutes=TICKETS - n)
        email = f"customer{n % 20000}@example.com"
        batch.append(
            Ticket(
                reference=f"HC-{n + 1:06d}",
                email=email,
                email_key=address_key(email),
                subject=f"Requests fail with error {n}",
                description="Every request fails since this morning. " * 3,
                status=rng.choices(statuses, weights=[2, 3, 2, 4, 6])[0],
                priority=rng.randint(1, 4),
                assignee=rng.choice(agents) if rng.random() < 0.7 else None,
                created_at=created,
                last_activity_at=created,
            )
        )
        if len(batch) == 5000:
            Ticket.objects.bulk_create(batch)
            batch = []
    Ticket.objects.bulk_create(batch)
    tag = Tag.objects.create(name="vip")
    tag.tickets.add(*Ticket.objects.order_by("-pk").values_list("pk", flat=True)[:2000:7])
    newest = Ticket.objects.order_by("-pk").first()
    TicketMessage.objects.bulk_create(
        TicketMessage(ticket=newest, author_kind="customer", body=f"Message {k}.") for k in range(5)
    )
    return agents[0], newest


def timed(call, rounds=ROUNDS):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    call()  # warm
    with CaptureQueriesContext(connection) as queries:
        call()
    samples = []
    for _ in range(rounds):
        start = time.perf_counter()
        response = call()
        samples.append((time.perf_counter() - start) * 1000)
    assert response.status_code < 300 or response.status_code == 404, response.content[:300]
    return (*summarize(samples), len(queries.captured_queries))


def main():
    warnings.filterwarnings("ignore", message="No directory at")
    teardown = django_with_test_database()
    try:
        from django.conf import settings
        from django.db import connection
        from django.test import Client

        from api.models import ApiToken

        settings.API_RATE_LIMIT = "1000000/m"  # counted, never reached
        started = time.perf_counter()
        agent, newest = populate()
        print(f"populated {TICKETS} tickets in {time.perf_counter() - started:.1f} s")
        _, raw = ApiToken.objects.issue(
            user=agent, name="bench", scopes=["tickets:read", "tickets:write"]
        )
        client = Client(HTTP_HOST="127.0.0.1", HTTP_AUTHORIZATION=f"Bearer {raw}")
        cursor = client.get("/api/v1/tickets/?limit=25").json()["next_cursor"]
        body = json.dumps({"email": "bench@example.com", "subject": "S", "description": "D"})
        counter = iter(range(10**9))
        mcp = {"content_type": "application/json", "HTTP_ACCEPT": "application/json"}
        listing = json.dumps({"jsonrpc": "2.0", "id": 1, "method": "tools/list"})
        opening = json.dumps(
            {
                "jsonrpc": "2.0",
                "id": 1,
                "method": "tools/call",
                "params": {"name": "open_ticket", "arguments": json.loads(body)},
            }
        )
        cases = [
            # An address the API does not have: the token checked and a problem answered,
            # no more. The API's own overhead, and the machine's speed, for ratios.
            ("no such address (ref.)", lambda: client.get("/api/v1/no-such-address")),
            ("list, first page", lambda: client.get("/api/v1/tickets/")),
            ("list, 100 a page", lambda: client.get("/api/v1/tickets/?limit=100")),
            ("list, next page", lambda: client.get(f"/api/v1/tickets/?cursor={cursor}")),
            ("list, status=open", lambda: client.get("/api/v1/tickets/?status=open")),
            ("list, tag=vip", lambda: client.get("/api/v1/tickets/?tag=vip")),
            (
                "list, by customer",
                lambda: client.get("/api/v1/tickets/?email=customer7@example.com"),
            ),
            ("read one", lambda: client.get(f"/api/v1/tickets/{newest.pk}")),
            (
                "create",
                lambda: client.post("/api/v1/tickets/", body, content_type="application/json"),
            ),
            (
                "create, idempotent",
                lambda: client.post(
                    "/api/v1/tickets/",
                    body,
                    content_type="application/json",
                    HTTP_IDEMPOTENCY_KEY=f"k{next(counter)}",
                ),
            ),
            (
                "change priority",
                lambda: client.patch(
                    f"/api/v1/tickets/{newest.pk}",
                    json.dumps({"priority": ["low", "high"][next(counter) % 2]}),
                    content_type="application/json",
                ),
            ),
            ("MCP tools/list", lambda: client.post("/mcp", listing, **mcp)),
            ("MCP open_ticket", lambda: client.post("/mcp", opening, **mcp)),
        ]
        print(f"engine: {connection.vendor}; {ROUNDS} requests per figure; times in ms")
        print(f"{'request':<24}{'median':>9}{'p95':>9}{'queries':>9}")
        reference = None
        for name, call in cases:
            median, p95, count = timed(call)
            reference = reference or median
            flag = "" if p95 < 50 else "  over the 50 ms target"
            print(
                f"{name:<24}{median:>9.1f}{p95:>9.1f}{count:>9}"
                f"   x{median / reference:.0f} the reference{flag}"
            )
        print(f"load average while measuring: {os.getloadavg()[0]:.1f} ({os.cpu_count()} CPUs)")
    finally:
        teardown()


if __name__ == "__main__":
    main()
