"""The upgrade to triggers: today's automations become rules (from TICKET_AUTOMATIONS as
set), existing tickets get the clocks rules read, and a customer already reminded is not
reminded again. And back."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.migrations import latest, migrate, restore, start_at
from tickets import triggers

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

BEFORE = [("tickets", "0024_roles_for_agent_groups")]


def test_the_automations_become_rules_and_nobody_is_reminded_twice(settings):
    settings.TICKET_AUTOMATIONS = {
        "remind_after_days": 2,
        "resolve_after_days": 5,
        "close_after_days": 10,
    }
    old = start_at(BEFORE)
    Ticket = old.get_model("tickets", "Ticket")
    now = timezone.now()
    pending_since = now - timedelta(days=2, hours=1)
    reminded = Ticket.objects.create(
        reference="HC-000001",
        email="ada@example.com",
        subject="Stuck",
        description="x",
        status="pending",
        created_at=now - timedelta(days=5),
        paused_since=pending_since,
        reminded_at=now - timedelta(hours=1),
    )
    reminded.events.create(
        field="status", old_value="Open", new_value="Pending customer", created_at=pending_since
    )
    emailed = Ticket.objects.create(
        reference="HC-000002", email="bo@example.com", subject="Mail", description="y"
    )
    emailed.messages.create(author_kind="customer", body="y", via="email", created_at=now)
    try:
        new = latest()
        Trigger = new.get_model("tickets", "Trigger")
        assert list(Trigger.objects.order_by("position").values_list("name", flat=True)) == [
            "Outage words",
            "Remind after 2 days waiting on the customer",
            "Resolve after 7 days without an answer",
            "Close 10 days after resolving",
        ]
        resolve = Trigger.objects.get(name__startswith="Resolve").conditions.get(
            field="since_status"
        )
        assert resolve.value == "168"
        Ticket = new.get_model("tickets", "Ticket")
        upgraded = Ticket.objects.get(pk=reminded.pk)
        assert upgraded.status_changed_at == pending_since
        assert Ticket.objects.get(pk=emailed.pk).channel == "email"
        assert upgraded.channel == "web"
        # Already reminded: the clock does not remind again.
        assert triggers.run_time_rules()["fired"] == 0
        # And back: the reminder is on the ticket again.
        old = migrate(BEFORE)
        back = old.get_model("tickets", "Ticket").objects.get(pk=reminded.pk)
        assert back.reminded_at == reminded.reminded_at
    finally:
        restore()
