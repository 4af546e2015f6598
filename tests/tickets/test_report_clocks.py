"""The business time a ticket waited for its first response and for its resolution: kept
when each happens, so the support reports take medians in the database."""

from datetime import UTC, datetime, timedelta

import pytest

from tests.migrations import migrate, restore, start_at
from tickets.models import TicketStatus

pytestmark = pytest.mark.django_db

FRIDAY_4PM = datetime(2026, 11, 27, 16, 0, tzinfo=UTC)
MONDAY = FRIDAY_4PM + timedelta(days=3)  # 16:00


@pytest.fixture
def office_hours(settings):
    settings.TICKET_BUSINESS_HOURS = {
        "time_zone": "UTC",
        "days": [0, 1, 2, 3, 4],
        "start": "09:00",
        "end": "17:00",
    }


@pytest.fixture
def friday_ticket(make_ticket, office_hours):
    ticket = make_ticket()
    ticket.created_at = ticket.waiting_since = FRIDAY_4PM
    ticket.recompute_sla()
    ticket.save()
    return ticket


def test_a_weekend_does_not_count_in_the_first_response(friday_ticket, admin_user):
    friday_ticket.record_staff_reply(by=admin_user, now=MONDAY.replace(hour=10))
    friday_ticket.refresh_from_db()
    assert friday_ticket.first_response_seconds == 2 * 3600  # Friday 16-17, Monday 9-10
    friday_ticket.record_staff_reply(by=admin_user, now=MONDAY.replace(hour=15))
    friday_ticket.refresh_from_db()
    assert friday_ticket.first_response_seconds == 2 * 3600  # the first one stays


def test_the_resolution_time_is_set_when_solved_and_again_after_a_reopening(
    friday_ticket, admin_user
):
    friday_ticket.transition(TicketStatus.RESOLVED, by=admin_user, now=MONDAY.replace(hour=12))
    friday_ticket.refresh_from_db()
    assert friday_ticket.resolution_seconds == 4 * 3600
    friday_ticket.record_customer_message(now=MONDAY.replace(hour=13))
    friday_ticket.refresh_from_db()
    assert friday_ticket.resolution_seconds is None
    friday_ticket.transition(TicketStatus.CLOSED, by=admin_user, now=MONDAY.replace(hour=14))
    friday_ticket.refresh_from_db()
    assert friday_ticket.resolution_seconds == 6 * 3600


def test_round_the_clock_counts_every_hour(make_ticket, admin_user):
    ticket = make_ticket()
    ticket.record_staff_reply(by=admin_user, now=ticket.created_at + timedelta(hours=30))
    ticket.refresh_from_db()
    assert ticket.first_response_seconds == 30 * 3600


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_the_upgrade_fills_in_the_times_of_tickets_answered_before_it():
    old = start_at([("tickets", "0028_roles_for_triggers")])
    try:
        opened = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
        old.get_model("tickets", "Ticket").objects.create(
            reference="HC-000001",
            email="ada@example.com",
            subject="Old",
            description="Old.",
            created_at=opened,
            first_response_at=opened + timedelta(minutes=45),
            resolved_at=opened + timedelta(hours=5),
        )
        new = migrate([("tickets", "0029_report_clocks_and_export")])
        ticket = new.get_model("tickets", "Ticket").objects.get()
        assert ticket.first_response_seconds == 45 * 60
        assert ticket.resolution_seconds == 5 * 3600
    finally:
        restore()
