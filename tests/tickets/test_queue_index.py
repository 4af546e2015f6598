"""The queue reads its indexes (migration 0036): its first page in order, not sorted from
every unfinished ticket; the views' counts from the unfinished tickets' index alone, not the
whole table. Both engines, as the statements are executed (SQLite with bound parameters
matched neither index: core.sqlconstants)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tickets import queueviews

pytestmark = pytest.mark.django_db
POSTGRESQL = connection.vendor == "postgresql"


def _explain(statement, index=None):
    """The plan of a statement as the database was given it: with its parameters bound
    (SQLite plans before it sees them: a bound value matches no partial index nor indexed
    expression, core.sqlconstants). `index`: SQLite reads the table through it (with a few
    rows, its planner would rather sort; the plan shows whether the index gives the order)."""
    sql, params = statement
    if index and not POSTGRESQL:
        sql = sql.replace('FROM "tickets_ticket"', f'FROM "tickets_ticket" INDEXED BY {index}', 1)
    with connection.cursor() as cursor:
        if POSTGRESQL:
            # Few rows here: make sorting and reading the table the planner's last resort,
            # so the plan shows whether the index can serve the query at all.
            for setting in ("enable_sort", "enable_seqscan", "enable_bitmapscan"):
                cursor.execute(f"SET LOCAL {setting} = off")
            cursor.execute(f"EXPLAIN {sql}", params)
            return "\n".join(row[0] for row in cursor.fetchall())
        cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
        return "\n".join(row[-1] for row in cursor.fetchall())


def _executed(run, marker):
    """The statement holding `marker` that `run` gave the database, with its parameters."""
    seen = []

    def spy(execute, sql, params, many, context):
        seen.append((sql, params))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(spy):
        run()
    (statement,) = [(sql, params) for sql, params in seen if marker in sql]
    return statement


def _sql(run):
    with CaptureQueriesContext(connection) as queries:
        result = run()
    return result, queries.captured_queries[-1]["sql"]


def test_the_queue_first_page_is_read_from_the_triage_index(client, agent, make_ticket):
    for _ in range(3):
        make_ticket()
    client.force_login(agent)
    statement = _executed(lambda: client.get("/admin/tickets/ticket/"), 'AS "stage"')
    plan = _explain(statement, index="tickets_triage_order")
    assert "tickets_triage_order" in plan, plan
    # An order the index does not give would be sorted after reading.
    assert "Sort" not in plan and "TEMP B-TREE" not in plan, plan


def test_the_views_counts_are_read_from_the_unfinished_tickets_index(agent, make_ticket):
    make_ticket(assignee=agent)
    make_ticket().transition("resolved")
    views = []
    statement = _executed(lambda: views.extend(queueviews.views_for(agent)), "FILTER")
    counts = {view.name: view.count for view in views}
    assert counts["Waiting on support"] == 1 and counts["Mine, waiting"] == 1
    plan = _explain(statement)
    expected = "Index Only Scan using" if POSTGRESQL else "USING COVERING INDEX"
    assert f"{expected} tickets_unfinished" in plan, plan


def test_people_who_can_work_tickets_each_once(agent, lead, editor):
    """The assignee lists (the queue's filter and bulk action, the ticket page, macros,
    triggers): superusers and whoever may change tickets, through a role or their own
    permission, each once however many ways they hold it; not editors, nor people gone or
    not staff. Read with EXISTS, not a join per permission made distinct again."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group, Permission

    from tickets.admin.forms import staff_users

    User = get_user_model()
    change = Permission.objects.get(codename="change_ticket")
    both = User.objects.create_user("both", is_staff=True)
    both.groups.add(*Group.objects.filter(name__in=["Support agents", "Support leads"]))
    both.user_permissions.add(change)
    own = User.objects.create_user("own", first_name="Zed", is_staff=True)
    own.user_permissions.add(change)
    User.objects.create_superuser("boss", first_name="Ada", password="x" * 20)
    gone = User.objects.create_user("gone", is_staff=True, is_active=False)
    gone.user_permissions.add(change)
    outside = User.objects.create_user("outside")  # not staff: no admin at all
    outside.user_permissions.add(change)
    names, sql = _sql(lambda: [u.username for u in staff_users()])
    # By first name (none first), then last name, then login name.
    assert names == ["agent", "both", "lead", "boss", "own"]
    assert "DISTINCT" not in sql


def test_the_queue_reads_its_lists_of_people_and_groups_in_one_query_each(client, agent):
    """The bulk actions' lists of people and groups are read whole in one query each, not
    through a server-side cursor (PostgreSQL: DECLARE, FETCH, CLOSE; tickets.admin.forms)."""
    from tickets.models import AgentGroup

    AgentGroup.objects.create(name="Billing")
    client.force_login(agent)
    with CaptureQueriesContext(connection) as queries:
        html = client.get("/admin/tickets/ticket/").content.decode()
    assert '<option value="' in html and ">Billing</option>" in html
    assert not [q["sql"] for q in queries.captured_queries if "DECLARE" in q["sql"]]
