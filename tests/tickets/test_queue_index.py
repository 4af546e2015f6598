"""The queue reads indexes on PostgreSQL (migration 0036): its first page in order, not
sorted from every unfinished ticket; the views' counts from the unfinished tickets' index
alone, not the whole table."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tickets import queueviews
from tickets.models import UNFINISHED, Ticket

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite cannot index NULLS LAST"),
]


def test_the_queue_first_page_is_read_from_the_triage_index(make_ticket):
    for _ in range(3):
        make_ticket()
    with connection.cursor() as cursor:
        # Few rows here: make sorting the planner's last resort, so the plan shows whether
        # the index can give the order at all (an expression that drifted from the one
        # Django writes for triage_order would leave a Sort).
        cursor.execute("SET LOCAL enable_sort = off")
        cursor.execute("SET LOCAL enable_seqscan = off")
        plan = Ticket.objects.filter(status__in=UNFINISHED).triage_order()[:50].explain()
    assert "tickets_triage_order" in plan, plan
    assert "Sort" not in plan, plan


def test_the_views_counts_are_read_from_the_unfinished_tickets_index(agent, make_ticket):
    make_ticket(assignee=agent)
    make_ticket().transition("resolved")
    with CaptureQueriesContext(connection) as queries:
        counts = {view.name: view.count for view in queueviews.views_for(agent)}
    assert counts["Waiting on support"] == 1 and counts["Mine, waiting"] == 1
    (sql,) = [q["sql"] for q in queries.captured_queries if "FILTER" in q["sql"]]
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_bitmapscan = off")
        cursor.execute(f"EXPLAIN {sql}")
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "Index Only Scan using tickets_unfinished" in plan, plan
