"""The ticket workflow: one table of moves, the clocks each move sets, and SLA due times in
business hours."""

from datetime import UTC, datetime, timedelta

import pytest

from tickets import services, sla
from tickets.models import TRANSITIONS, IllegalTransition, Ticket, TicketStatus

S = TicketStatus
EVERY_MOVE = [(a, b) for a in S for b in S if a != b]


def _ticket_in(make_ticket, status):
    ticket = make_ticket()
    Ticket.objects.filter(pk=ticket.pk).update(status=status)
    ticket.refresh_from_db()
    return ticket


@pytest.mark.parametrize(("start", "end"), EVERY_MOVE)
def test_every_move_is_allowed_or_refused_by_the_table(make_ticket, agent, start, end):
    ticket = _ticket_in(make_ticket, start)
    if end in TRANSITIONS[start]:
        assert ticket.transition(end, by=agent, reason="test") is True
        ticket.refresh_from_db()
        assert ticket.status == end
        event = ticket.events.get(field="status")
        assert (event.old_value, event.new_value, event.actor, event.reason) == (
            start.label,
            end.label,
            agent,
            "test",
        )
    else:
        with pytest.raises(IllegalTransition, match=f"cannot become {end.label.lower()}"):
            ticket.transition(end, by=agent)
        ticket.refresh_from_db()
        assert ticket.status == start and not ticket.events.exists()


def test_the_table_has_the_moves_support_needs():
    assert TRANSITIONS[S.CLOSED] == set()  # final
    assert S.NEW not in set().union(*TRANSITIONS.values())  # nothing goes back to New
    assert S.OPEN in TRANSITIONS[S.RESOLVED]  # a customer may reopen


def test_staying_put_is_no_move(make_ticket):
    ticket = make_ticket()
    assert ticket.transition(S.NEW) is False and not ticket.events.exists()


@pytest.fixture
def office_hours(settings):
    settings.TICKET_BUSINESS_HOURS = {
        "time_zone": "Europe/Berlin",
        "days": [0, 1, 2, 3, 4],
        "start": "09:00",
        "end": "17:00",
    }
    settings.TICKET_HOLIDAYS = ["2026-12-25"]


def berlin(text):
    from zoneinfo import ZoneInfo

    return datetime.fromisoformat(text).replace(tzinfo=ZoneInfo("Europe/Berlin"))


@pytest.mark.parametrize(
    ("start", "hours", "due"),
    [
        ("2026-11-27T16:00", 8, "2026-11-30T16:00"),  # Friday 16:00 + 8 h: Monday 16:00
        ("2026-11-28T11:00", 1, "2026-11-30T10:00"),  # sent on Saturday: from Monday 09:00
        ("2026-11-30T08:00", 2, "2026-11-30T11:00"),  # before opening
        ("2026-12-24T16:30", 1, "2026-12-28T09:30"),  # Christmas Day and the weekend
        ("2026-11-30T10:00", 16, "2026-12-02T10:00"),  # two working days
    ],
)
def test_targets_count_business_hours(office_hours, start, hours, due):
    assert sla.add(berlin(start), hours) == berlin(due).astimezone(UTC)


def test_business_time_between_skips_nights_and_weekends(office_hours):
    friday, monday = berlin("2026-11-27T16:00"), berlin("2026-11-30T10:00")
    assert sla.between(friday, monday) == timedelta(hours=2)
    assert sla.between(monday, friday) == timedelta(0)


def test_round_the_clock(settings):
    settings.TICKET_BUSINESS_HOURS = None
    start = datetime(2026, 11, 28, 23, 0, tzinfo=UTC)  # a Saturday night
    assert sla.add(start, 3) == start + timedelta(hours=3)


def test_the_resolution_clock_pauses_while_the_customer_is_asked(make_ticket, agent):
    ticket = make_ticket(priority=2)
    first_due = ticket.resolution_due_at
    sent = ticket.created_at
    services.staff_update(ticket, actor=agent, reply="Which SDK?")
    ticket.refresh_from_db()
    assert ticket.status == "pending" and ticket.sla_due_at is None
    # Four hours on the customer's side later, they answer: the resolution is due later by
    # the business time the ticket spent waiting on them.
    ticket.paused_since = sent - timedelta(hours=4)
    ticket.save()
    services.customer_reply(ticket, "SDK 4.2")
    ticket.refresh_from_db()
    assert ticket.status == "open" and ticket.paused_seconds > 0
    assert ticket.resolution_due_at == sla.add(sent, 40 + ticket.paused_seconds / 3600)
    assert ticket.resolution_due_at > first_due
    # The next reply is due from the customer's message, on the next-reply target.
    assert ticket.response_due_at == sla.add(ticket.waiting_since, 16)


def test_a_breach_stays_on_the_record_when_the_ticket_is_resolved_without_a_reply(
    make_ticket, agent, settings
):
    settings.TICKET_BUSINESS_HOURS = None
    ticket = make_ticket(priority=4)
    ticket.created_at = ticket.waiting_since = ticket.created_at - timedelta(hours=3)
    ticket.recompute_sla()
    ticket.save()
    services.staff_update(ticket, actor=agent, status="resolved")
    ticket.refresh_from_db()
    assert ticket.status == "resolved" and ticket.response_breached
    assert ticket.sla_state() == "done" and ticket.ever_breached


def test_a_reply_in_time_breaches_nothing(make_ticket, agent):
    ticket = make_ticket(priority=1)
    services.staff_update(ticket, actor=agent, reply="Hello")
    ticket.refresh_from_db()
    assert ticket.first_response_at and not ticket.ever_breached


def test_the_admin_refuses_a_move_the_table_does_not_allow(client, agent, make_ticket):
    ticket = make_ticket()
    ticket.transition("resolved")
    client.force_login(agent)
    url = f"/admin/tickets/ticket/{ticket.pk}/change/"
    page = client.get(url).content.decode()
    assert '<option value="new"' not in page and '<option value="open"' in page
    data = {
        "status": "new",
        "priority": ticket.priority,
        "assignee": "",
        "category": ticket.category,
        "reply_kind": "internal",
        "reply": "",
        "seen_version": Ticket.objects.get(pk=ticket.pk).updated_at.isoformat(),
    }
    html = client.post(url, data).content.decode()
    assert "Select a valid choice" in html or "cannot become new" in html
    assert Ticket.objects.get(pk=ticket.pk).status == "resolved"


def test_bulk_moves_the_table_refuses_are_named(client, agent, make_ticket):
    closed, fresh = make_ticket(), make_ticket()
    closed.transition("closed")
    client.force_login(agent)
    response = client.post(
        "/admin/tickets/ticket/?status__exact=all",
        {
            "_selected_action": [closed.pk, fresh.pk],
            "index": 0,
            "action": "set_status",
            "status": "open",
        },
        follow=True,
    )
    html = response.content.decode()
    assert "1 ticket set to Open." in html
    assert f"{closed.reference}: A closed ticket cannot become open: it stays closed." in html
