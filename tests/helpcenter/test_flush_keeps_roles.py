"""With several workers a transactional test can run before others in one process; its flush
empties every table. The roles come back with the post_migrate that the flush sends
(tests/conftest.py), so the tests after it still find the staff groups."""

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command

from accounts.roles import roles
from search.models import Synonym
from tickets.models import Trigger


@pytest.mark.django_db(transaction=True)
def test_the_staff_groups_survive_a_flush():
    call_command("flush", verbosity=0, interactive=False)
    assert set(roles()) <= set(Group.objects.values_list("name", flat=True))
    assert Synonym.objects.exists()
    assert Trigger.objects.filter(name="Outage words").exists()
