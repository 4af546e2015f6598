"""The tests of data migrations empty the test database or put its template back
(tests/databases.reset): on both engines, what the other tests then find is the migrated
database, with nothing a test left in it."""

import pytest
from django.contrib.auth.models import Group
from django.db import connection

from tests import databases
from tickets.models import Ticket

pytestmark = pytest.mark.django_db(transaction=True)


def test_emptied_then_restored_the_database_is_the_templates():
    roles = sorted(Group.objects.values_list("name", flat=True))
    assert roles  # the migrations install the roles
    Group.objects.create(name="Left behind by a test")

    databases.reset(connection.alias, empty=True)
    assert connection.introspection.table_names() == []

    databases.reset(connection.alias)
    assert sorted(Group.objects.values_list("name", flat=True)) == roles
    assert Ticket.objects.count() == 0  # the table is back
