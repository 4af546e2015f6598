"""The support reports page and the CSV exports with 100,000 tickets.

    make bench-reports          # SQLite
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres make bench-reports
    BENCH_TICKETS=20000 make bench-reports   # a smaller desk
    SUPPORT_REPORT_ROLLUPS=0 make bench-reports   # counting every ticket, as before

Prints the page's median and p95 (server side, through Django's test client, no network)
and its query count for each breakdown and period: counted at each request (the cache
emptied before each; from the daily totals, built first as the clock would), and as most
visits find it (from the cache, kept for SUPPORT_REPORT_CACHE_SECONDS). Then the time and
the peak Python memory of the exports (the whole ticket list, and the largest report
table), each read to its last byte.
A benchmark, not a test: nothing fails on a time (the target is p95 at or under 300 ms).
"""

import os
import random
import time
import tracemalloc
import warnings
from datetime import timedelta

from benchmarks._setup import django_with_test_database, summarize

TICKETS = int(os.environ.get("BENCH_TICKETS", "100000"))
AGENTS, GROUPS, ORGANIZATIONS, TAGS = 50, 8, 300, 40
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "15"))
DAYS = 120  # tickets opened over the last 120 days
TARGET_MS = 300


def populate():
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.db.models.functions import Coalesce
    from django.utils import timezone

    from core.addresses import address_key
    from tickets.models import (
        AgentGroup,
        CustomField,
        CustomFieldValue,
        Organization,
        SatisfactionRating,
        Tag,
        Ticket,
        TicketMessage,
    )

    rng = random.Random(25)
    User = get_user_model()
    agents = User.objects.bulk_create(
        User(username=f"agent{n}", first_name=f"Agent{n}", last_name="Bench", is_staff=True)
        for n in range(AGENTS)
    )
    Group.objects.get(name="Support agents").user_set.add(*agents)
    lead = User.objects.create_user("lead", is_staff=True, is_superuser=True)
    groups = AgentGroup.objects.bulk_create(AgentGroup(name=f"Group {n}") for n in range(GROUPS))
    organizations = Organization.objects.bulk_create(
        Organization(name=f"Organization {n}") for n in range(ORGANIZATIONS)
    )
    tags = Tag.objects.bulk_create(Tag(name=f"tag-{n}") for n in range(TAGS))
    field = CustomField.objects.create(
        label="Root cause", key="root-cause", kind="dropdown", choices="Bug\nConfig\nUser"
    )
    now = timezone.now()
    statuses = ["new", "open", "pending", "resolved", "closed"]
    batch = []

    def flush():
        Ticket.objects.bulk_create(batch)
        batch.clear()

    for n in range(TICKETS):
        created = now - timedelta(minutes=rng.randint(1, 60 * 24 * DAYS))
        status = rng.choices(statuses, weights=[1, 1, 1, 6, 3])[0]
        answered = status != "new" or rng.random() < 0.2
        first = rng.randint(60, 60 * 60 * 30) if answered else None
        solved = status in ("resolved", "closed")
        resolution = (first or 0) + rng.randint(600, 60 * 60 * 120) if solved else None
        email = f"customer{n % 20000}@example.com"
        batch.append(
            Ticket(
                reference=f"HC-{n + 1:06d}",
                name=f"Customer {n % 20000}",
                email=email,
                email_key=address_key(email),
                subject=f"Requests fail with error {n} when streaming long answers",
                description="Every request fails since this morning.",
                status=status,
                priority=rng.randint(1, 4),
                channel=rng.choice(["web", "web", "email", "agent"]),
                category=rng.choice(["billing", "api", "auth", "models", "other"]),
                assignee=rng.choice(agents) if rng.random() < 0.8 else None,
                group=rng.choice(groups) if rng.random() < 0.7 else None,
                organization=rng.choice(organizations) if rng.random() < 0.6 else None,
                created_at=created,
                last_activity_at=created,
                waiting_since=created if status in ("new", "open") else None,
                first_response_at=created + timedelta(seconds=first) if first else None,
                first_response_seconds=first,
                resolved_at=created + timedelta(seconds=resolution) if solved else None,
                resolution_seconds=resolution,
                response_breached=rng.random() < 0.1,
                resolution_breached=rng.random() < 0.15,
            )
        )
        if len(batch) == 2000:
            flush()
    flush()
    tagged, ratings, replies, values = [], [], [], []
    Through = Ticket.tags.through
    rows = Ticket.objects.values_list("pk", "created_at", "resolved_at", "assignee_id")
    for pk, created, resolved, assignee in rows.iterator(chunk_size=5000):
        for tag in rng.sample(tags, rng.choice([0, 1, 1, 2])):
            tagged.append(Through(ticket_id=pk, tag_id=tag.pk))
        if resolved and rng.random() < 0.2:
            ratings.append(
                SatisfactionRating(
                    ticket_id=pk,
                    rating="good" if rng.random() < 0.8 else "bad",
                    agent_id=assignee,
                    updated_at=resolved,
                )
            )
        if rng.random() < 0.5:
            values.append(CustomFieldValue(ticket_id=pk, field=field, value="Bug"))
        replies.append(
            TicketMessage(
                ticket_id=pk,
                author_kind="staff",
                author_id=assignee,
                body="Hello",
                created_at=created + timedelta(hours=1),
            )
        )
    Through.objects.bulk_create(tagged, batch_size=5000)
    SatisfactionRating.objects.bulk_create(ratings, batch_size=5000)
    CustomFieldValue.objects.bulk_create(values, batch_size=5000)
    TicketMessage.objects.bulk_create(replies, batch_size=5000)
    # Last changed when last solved or opened, not when the benchmark wrote them.
    Ticket.objects.update(updated_at=Coalesce("resolved_at", "created_at"))
    return lead


def measure(client, path, *, cold):
    """(median, p95, queries): `cold`, the figures counted at each request (the cache
    emptied before it); else as most visits find them, from the cache."""
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    cache.clear()
    client.get(path)  # warm the process (and the cache)
    if cold:
        cache.clear()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    samples = []
    for _ in range(ROUNDS):
        if cold:
            cache.clear()
        start = time.perf_counter()
        client.get(path)
        samples.append((time.perf_counter() - start) * 1000)
    return (*summarize(samples), len(queries.captured_queries))


def download(client, path):
    """(seconds, peak MB of Python memory, rows) for one CSV file read to its end."""
    start = time.perf_counter()
    response = client.get(path)
    lines = sum(chunk.count(b"\n") for chunk in response.streaming_content)
    seconds = time.perf_counter() - start
    tracemalloc.start()
    response = client.get(path)
    for _ in response.streaming_content:
        pass
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    return seconds, peak, lines - 1


def main():
    warnings.filterwarnings("ignore", message="No directory at")
    teardown = django_with_test_database()
    try:
        from django.conf import settings
        from django.core.cache import cache
        from django.db import connection
        from django.test import Client

        started = time.perf_counter()
        lead = populate()
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        print(f"populated {TICKETS:,} tickets in {time.perf_counter() - started:.0f} s")
        if settings.SUPPORT_REPORT_ROLLUPS:
            from insights.support import rollups

            started = time.perf_counter()
            days = rollups.rebuild()
            print(f"daily totals: {days} days counted in {time.perf_counter() - started:.1f} s")
            started = time.perf_counter()
            days = rollups.refresh()
            print(f"the clock's run after it: {days} days in {time.perf_counter() - started:.2f} s")
        else:
            print("daily totals off (SUPPORT_REPORT_ROLLUPS=0): counting from the tickets")
        cache.clear()
        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(lead)
        url = "/admin/insights/supportreport/"
        print(f"engine: {connection.vendor}; {ROUNDS} requests per figure; times in ms")
        heading = f"{'cold median':>12}{'p95':>7}{'queries':>8}{'cached median':>15}{'p95':>7}"
        print(f"{'page':<34}{heading}")
        pages = [("admin index (reference)", "/admin/")]
        pages += [(f"reports, 30 days, by {by}", f"{url}?days=30&by={by}") for by in (
            "channel", "category", "group", "organization", "tag", "agent"
        )]  # fmt: skip
        pages += [
            ("reports, 7 days, by channel", f"{url}?days=7"),
            ("reports, 90 days, by tag", f"{url}?days=90&by=tag"),
            (
                "reports, custom 120 days, by agent",
                f"{url}?start={_day(119)}&end={_day(0)}&by=agent",
            ),
        ]
        worst = worst_cached = 0
        for name, path in pages:
            median, p95, count = measure(client, path, cold=True)
            cached, cached_p95, _ = measure(client, path, cold=False)
            if name.startswith("reports"):
                worst, worst_cached = max(worst, p95), max(worst_cached, cached_p95)
            print(
                f"{name:<34}{median:>12.0f}{p95:>7.0f}{count:>8}{cached:>15.0f}{cached_p95:>7.0f}"
            )
        print(
            f"worst p95 of the reports page: {worst:.0f} ms counted, {worst_cached:.0f} ms "
            f"from the cache (target {TARGET_MS} ms)"
        )
        print(f"{'CSV file':<34}{'rows':>9}{'seconds':>9}{'peak MB':>9}")
        for name, path in (
            ("ticket list, all statuses", "/admin/tickets/ticket/export.csv?status__exact=all"),
            (
                "report: breakdown by organization",
                f"{url}?days=90&by=organization&export=breakdown",
            ),
            ("report: workload", f"{url}?days=90&export=workload"),
        ):
            seconds, peak, rows = download(client, path)
            print(f"{name:<34}{rows:>9,}{seconds:>9.1f}{peak:>9.1f}")
        print(f"load average while measuring: {os.getloadavg()[0]:.1f} ({os.cpu_count()} CPUs)")
    finally:
        teardown()


def _day(days_ago):
    from django.utils import timezone

    return (timezone.localdate() - timedelta(days=days_ago)).isoformat()


if __name__ == "__main__":
    main()
