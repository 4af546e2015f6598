"""Constants written into the SQL for SQLite (core.sqlconstants): our own statuses and whole
numbers only; anything else stays a bound parameter. Both engines find the same rows."""

import pytest
from django.db import connection
from django.db.models import Q

from core.sqlconstants import Constant, constants
from tickets.models import Ticket

pytestmark = pytest.mark.django_db


def _statement(queryset):
    sql, params = queryset.query.sql_with_params()
    return sql, list(params)


def test_statuses_and_numbers_are_written_in_on_sqlite_and_found_alike(make_ticket):
    kept = make_ticket()
    make_ticket().transition("resolved")
    statuses = constants(["new", "open"])
    tickets = Ticket.objects.filter(status__in=statuses, priority__gte=Constant(0))
    assert list(tickets) == [kept]
    sql, params = _statement(tickets)
    if connection.vendor == "sqlite":
        assert "IN ('new', 'open')" in sql and ">= 0" in sql and params == []
    else:
        assert len(params) == 3  # the driver writes them in itself (client-side binding)


@pytest.mark.parametrize("value", ["it's", "new;", "new' OR '1'='1", "café", "a b"])
def test_anything_else_stays_a_parameter(make_ticket, value):
    make_ticket(subject="it's")
    tickets = Ticket.objects.filter(Q(status=Constant(value)) | Q(subject=Constant(value)))
    sql, params = _statement(tickets)
    assert [str(p) for p in params] == [str(value)] * 2
    assert len(list(tickets)) == (1 if value == "it's" else 0)


def test_other_numbers_stay_parameters(make_ticket):
    make_ticket(priority=2)
    tickets = Ticket.objects.filter(priority__lt=Constant(2.5), response_breached=Constant(False))
    sql, params = _statement(tickets)
    assert len(params) == 2 and len(list(tickets)) == 1
