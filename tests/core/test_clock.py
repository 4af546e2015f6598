"""One clock runs every periodic job the apps register: `manage.py clock` (which `make run`
and `make serve` start) publishes scheduled guides and runs the ticket rules on time with no
cron."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from core import clock
from core.models import PeriodicRun
from kb.models import PublishState
from tickets.models import EmailKind

pytestmark = pytest.mark.django_db


def run_once(*args):
    out = StringIO()
    call_command("clock", "--once", *args, stdout=out)
    return out.getvalue()


def test_every_app_registers_its_jobs():
    names = {job.name for job in clock.jobs()}
    assert {
        "status.tick",
        "editorial.publish_scheduled",
        "editorial.review_digest",
        "tickets.time_rules",
        "tickets.sweep",
        "tickets.email_retries",
        "mail.inbound_waiting",
        "insights.prune",
        "insights.support_reports",
        "api.forget_idempotency_keys",
    } <= names


def test_the_clock_publishes_a_scheduled_guide(make_guide, client):
    guide = make_guide("Zebra streams", status=PublishState.DRAFT)
    guide.publish_at = timezone.now() + timedelta(minutes=1)
    guide.transition(PublishState.SCHEDULED)
    guide.save()
    type(guide).objects.filter(pk=guide.pk).update(publish_at=timezone.now())  # time passes
    assert client.get(guide.get_absolute_url()).status_code == 404
    output = run_once()
    guide.refresh_from_db()
    assert guide.status == PublishState.PUBLISHED
    assert "editorial.publish_scheduled" in output
    assert client.get(guide.get_absolute_url()).status_code == 200


def test_the_clock_runs_the_ticket_rules_on_time():
    from tickets import services
    from tickets.models import Ticket

    ticket = services.create_ticket(
        Ticket(email="ada@example.com", subject="Stream stops", description="After 30 s.")
    )
    services.staff_update(ticket, actor=None, reply="Which SDK version?")  # now pending
    Ticket.objects.filter(pk=ticket.pk).update(status_changed_at=timezone.now() - timedelta(days=4))
    run_once()
    assert ticket.emails.filter(kind=EmailKind.TRIGGER_EMAIL).count() == 1


def test_a_job_runs_once_a_period_however_many_clocks_run():
    calls = []
    clock.every("test.counted", minutes=10)(lambda: calls.append(1))
    try:
        now = timezone.now()
        clock.run_due(now=now, only="test.counted")
        clock.run_due(now=now, only="test.counted")  # a second clock at the same moment
        clock.run_due(now=now + timedelta(minutes=5), only="test.counted")
        assert len(calls) == 1
        clock.run_due(now=now + timedelta(minutes=10), only="test.counted")
        assert len(calls) == 2
    finally:
        clock._jobs.pop("test.counted")


def test_a_failing_job_is_recorded_and_the_others_still_run():
    ran = []

    def broken():
        raise RuntimeError("mail server on fire")

    clock.every("test.a-broken", minutes=1)(broken)
    clock.every("test.b-fine", minutes=1)(lambda: ran.append(1) or {"done": 1})
    try:
        results = {name: ok for name, _, ok in clock.run_due()}
        assert results["test.a-broken"] is False and results["test.b-fine"] is True
        assert ran == [1]
        row = PeriodicRun.objects.get(name="test.a-broken")
        assert row.last_ok is False and "mail server on fire" in row.last_outcome
    finally:
        clock._jobs.pop("test.a-broken")
        clock._jobs.pop("test.b-fine")


def test_a_weekly_job_waits_a_week_on_a_new_site():
    output = run_once("--job", "editorial.review_digest")
    assert "0 jobs run" in output
    due = PeriodicRun.objects.get(name="editorial.review_digest").next_due
    assert due > timezone.now() + timedelta(days=6)


def test_a_job_name_must_exist():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="No job named"):
        run_once("--job", "nothing.here")
