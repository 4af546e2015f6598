"""SLA countdowns in the queue and on the ticket page (issue 25, item 6): the words the server
writes for a page read without JavaScript, the moment machine-readable for
static/js/countdown.js, and the exact time in the title."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from tests.html import texts
from tickets import sla

CHANGELIST = "/admin/tickets/ticket/"
NOW = datetime(2026, 12, 7, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("due", "words"),
    [
        (NOW + timedelta(minutes=25, seconds=40), "due in 25 min"),
        (NOW + timedelta(seconds=30), "due now"),
        (NOW + timedelta(hours=3, minutes=59), "due in 3 h"),
        (NOW + timedelta(days=3), "due in 3 d"),
        (NOW - timedelta(hours=1, minutes=10), "breached 1 h ago"),
        (NOW - timedelta(minutes=5), "breached 5 min ago"),
        (NOW - timedelta(seconds=10), "breached just now"),
        (NOW - timedelta(days=2, hours=1), "breached 2 d ago"),
        (None, ""),
    ],
)
def test_countdown_words(due, words):
    assert sla.countdown(due, NOW) == words


@pytest.fixture
def agent_client(client, agent):
    client.force_login(agent)
    return client


def _due_in(ticket, delta):
    ticket.refresh_from_db()
    ticket.sla_due_at = timezone.now() + delta
    ticket.save(update_fields=["sla_due_at"])
    return ticket


def test_the_queue_counts_down_to_the_next_target(agent_client, make_ticket):
    _due_in(make_ticket(subject="soon"), timedelta(minutes=25, seconds=30))
    html = agent_client.get(CHANGELIST).content.decode()
    cell = texts(html, "field-sla")[0]
    assert "On track" in cell or "At risk" in cell
    assert "due in 25 min" in cell
    found = re.search(r'<time class="sla-countdown" datetime="([^"]+)" title="([^"]+)"', html)
    assert found, html
    # Machine-readable to the second (what the script reads), the exact moment in the title.
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", found[1])
    assert re.fullmatch(r"Due \d{4}-\d\d-\d\d \d\d:\d\d.*", found[2])
    assert 'src="/static/js/countdown.js"' in html


def test_a_breach_says_how_long_ago(agent_client, make_ticket):
    ticket = _due_in(make_ticket(), -timedelta(hours=1, minutes=5))
    html = agent_client.get(CHANGELIST).content.decode()
    cell = texts(html, "field-sla")[0]
    assert "Breached" in cell and "breached 1 h ago" in cell
    assert 'class="sla-countdown sla-countdown--late"' in html
    page = agent_client.get(f"{CHANGELIST}{ticket.pk}/change/").content.decode()
    assert "breached 1 h ago" in page
    assert 'title="Was due ' in page


def test_no_countdown_while_the_clock_is_stopped(agent_client, make_ticket):
    paused = make_ticket(subject="waiting on the customer")
    paused.transition("pending")
    done = make_ticket(subject="done")
    done.transition("resolved")
    html = agent_client.get(CHANGELIST + "?status__exact=all").content.decode()
    assert "data-countdown" not in html
    assert "Paused (waiting on customer)" in html
