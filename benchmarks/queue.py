"""Server-side render time and SQL query count of the support queue and the ticket page,
with 10,000 tickets and 100 agents.

    make bench-queue            # SQLite
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres make bench-queue

Prints medians and p95 over repeated requests through Django's test client (no network),
and the query count of each page at two page sizes (50 and 200 rows): they must be equal.
A benchmark, not a test: nothing here fails on a time (the target is p95 under 100 ms).
"""

import os
import random
import time
import warnings
from datetime import timedelta

from benchmarks._setup import django_with_test_database, summarize

TICKETS = 10_000
AGENTS = 100
ROUNDS = 30


def populate():
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.utils import timezone

    from core.addresses import address_key
    from tickets.models import Macro, Ticket, TicketMessage

    rng = random.Random(12)
    User = get_user_model()
    group = Group.objects.get(name="Support agents")
    agents = User.objects.bulk_create(
        User(username=f"agent{n}", first_name=f"Agent{n}", last_name="Bench", is_staff=True)
        for n in range(AGENTS)
    )
    group.user_set.add(*agents)
    now = timezone.now()
    statuses = ["new", "open", "pending", "resolved", "closed"]
    tickets = []
    for n in range(TICKETS):
        created = now - timedelta(minutes=rng.randint(1, 60 * 24 * 60))
        status = rng.choices(statuses, weights=[3, 3, 2, 4, 4])[0]
        email = f"customer{n % 3000}@example.com"
        tickets.append(
            Ticket(
                reference=f"HC-{n + 1:06d}",
                name=f"Customer {n % 3000}",
                email=email,
                email_key=address_key(email),
                subject=f"Requests fail with error {n} when streaming long answers",
                description="Every request fails since this morning. " * 5,
                status=status,
                priority=rng.randint(1, 4),
                assignee=rng.choice(agents) if rng.random() < 0.7 else None,
                created_at=created,
                last_activity_at=created,
                waiting_since=created if status in ("new", "open") else None,
                sla_due_at=created + timedelta(hours=8) if status in ("new", "open") else None,
                response_breached=rng.random() < 0.1,
            )
        )
    Ticket.objects.bulk_create(tickets, batch_size=1000)
    messages = []
    for ticket in Ticket.objects.only("pk", "created_at").iterator():
        for k in range(3):
            messages.append(
                TicketMessage(
                    ticket=ticket,
                    author_kind="customer" if k % 2 == 0 else "staff",
                    author=None if k % 2 == 0 else agents[0],
                    body=f"Message {k}.",
                    is_internal=k == 2,
                    created_at=ticket.created_at + timedelta(minutes=k),
                )
            )
    TicketMessage.objects.bulk_create(messages, batch_size=2000)
    for n in range(20):
        Macro.objects.create(title=f"Macro {n}", body="Hi {{ customer.first_name }}")
    return agents[0]


def measure(client, path, **headers):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(path, **headers)  # warm
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path, **headers)
    assert response.status_code == 200, (path, response.status_code)
    samples = []
    for _ in range(ROUNDS):
        start = time.perf_counter()
        client.get(path, **headers)
        samples.append((time.perf_counter() - start) * 1000)
    return (*summarize(samples), len(queries.captured_queries))


def main():
    warnings.filterwarnings("ignore", message="No directory at")
    teardown = django_with_test_database()
    try:
        from django.contrib import admin
        from django.core.cache import cache
        from django.db import connection
        from django.test import Client

        from tickets.models import Ticket

        started = time.perf_counter()
        agent = populate()
        print(
            f"populated {TICKETS} tickets, {AGENTS} agents in {time.perf_counter() - started:.1f} s"
        )
        cache.clear()
        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(agent)
        ticket = Ticket.objects.filter(status="open").order_by("pk").first()
        ticket_admin = admin.site.get_model_admin(Ticket)
        pages = [
            # A page of the admin with no tickets on it: the machine's own speed, for ratios.
            ("admin index (reference)", "/admin/", {}),
            ("queue (default)", "/admin/tickets/ticket/", {}),
            (
                "queue: mine, waiting",
                "/admin/tickets/ticket/?assigned=mine&status__exact=waiting",
                {},
            ),
            ("queue: search", "/admin/tickets/ticket/?q=streaming+customer12", {}),
            (
                "new-tickets poll",
                "/admin/tickets/ticket/new/?since=2020-01-01T00:00:00",
                {"HTTP_HX_REQUEST": "true"},
            ),
            ("ticket page", f"/admin/tickets/ticket/{ticket.pk}/change/", {}),
            (
                "presence poll",
                f"/admin/tickets/ticket/{ticket.pk}/presence/",
                {"HTTP_HX_REQUEST": "true"},
            ),
        ]
        print(f"engine: {connection.vendor}; {ROUNDS} requests per figure; times in ms")
        print(f"{'page':<24}{'rows':>6}{'median':>10}{'p95':>10}{'queries':>9}")
        reference = 1.0
        for per_page in (50, 200):
            ticket_admin.list_per_page = per_page
            for name, path, headers in pages:
                median, p95, count = measure(client, path, **headers)
                reference = reference if name != "admin index (reference)" else median
                flag = "" if p95 < 100 else "   over the 100 ms target"
                print(
                    f"{name:<24}{per_page:>6}{median:>10.1f}{p95:>10.1f}{count:>9}"
                    f"   x{median / reference:.1f} the admin index{flag}"
                )
        print(f"load average while measuring: {os.getloadavg()[0]:.1f} ({os.cpu_count()} CPUs)")
    finally:
        teardown()


if __name__ == "__main__":
    main()
