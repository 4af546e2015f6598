"""The queue's default order comes from an index on PostgreSQL (migration 0036): its first
page is read in order, not sorted from every unfinished ticket."""

import pytest
from django.db import connection

from tickets.models import UNFINISHED, Ticket

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="SQLite cannot index NULLS LAST"
    ),
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
