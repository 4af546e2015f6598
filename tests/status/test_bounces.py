"""Delivery reports stop a status subscription only when they prove they saw our email: a
well-formed report naming the whole Message-ID of an email we sent, within the per-sender
limit. Anyone can write "Undelivered" and <status.N...> in an email."""

import pytest
from django.core import mail

from mail.models import InboundEmail
from status import delivery
from status.models import Delivery
from tests.tickets.inbound import deliver, fixture

pytestmark = pytest.mark.django_db
Outcome = InboundEmail.Outcome


@pytest.fixture
def sent_to(make_subscriber):
    """A subscriber, and the Message-ID of an email actually sent to them (as it left)."""

    def make(email=None):
        subscriber = make_subscriber(email)
        queued = Delivery.objects.create(subscriber=subscriber, purpose="manage_link")
        delivery.send([queued.pk])
        queued.refresh_from_db()
        assert queued.state == Delivery.State.SENT
        [sent] = [m for m in mail.outbox if m.to == [subscriber.email]]
        return subscriber, sent.extra_headers["Message-ID"]

    return make


def _bounce(message_id, *, reporter="MAILER-DAEMON@mx.gmail.example", n=1):
    raw = fixture("bounce_dsn.eml", BOUNCED_ID=message_id)
    raw = raw.replace(b"MAILER-DAEMON@mx.example.com", reporter.encode())
    return raw.replace(b"<bounce-0001@", f"<bounce-{n:04d}@".encode())


def _active(subscriber):
    subscriber.refresh_from_db()
    return subscriber.is_active


def test_the_status_email_carries_the_stored_unguessable_message_id(sent_to):
    subscriber, message_id = sent_to()
    sent = Delivery.objects.get(subscriber=subscriber)
    assert message_id == sent.message_id
    token = message_id.removeprefix("<status.").partition("@")[0]
    assert len(token) == 32 and str(sent.pk) not in token.split(".")


def test_a_report_naming_our_whole_message_id_stops_the_subscription(
    sent_to, django_capture_on_commit_callbacks
):
    subscriber, message_id = sent_to()
    stored = deliver(_bounce(message_id), django_capture_on_commit_callbacks)
    assert stored.outcome == Outcome.BOUNCE and "stopped 1 status subscription" in stored.detail
    assert not _active(subscriber)


def test_a_forged_message_id_with_the_delivery_number_stops_nothing(
    sent_to, django_capture_on_commit_callbacks
):
    """The old matcher took <status.N.anything@...> as delivery N."""
    subscriber, _ = sent_to()
    sent = Delivery.objects.get(subscriber=subscriber)
    forged = f"<status.{sent.pk}.{subscriber.code}@help.example.com>"
    stored = deliver(_bounce(forged), django_capture_on_commit_callbacks)
    assert stored.outcome == Outcome.BOUNCE and "stopped" not in stored.detail
    assert _active(subscriber)
    forged = f"<status.{sent.pk}.guess@help.example.com>"
    deliver(_bounce(forged, n=2), django_capture_on_commit_callbacks)
    assert _active(subscriber)


def test_an_email_that_was_never_sent_cannot_bounce(
    make_subscriber, django_capture_on_commit_callbacks
):
    subscriber = make_subscriber()
    pending = Delivery.objects.create(subscriber=subscriber, purpose="manage_link")
    # (Before Message-IDs were stored, this was the one it would have been sent with.)
    default = f"<status.{pending.pk}.{subscriber.code}@help.example.com>"
    deliver(_bounce(getattr(pending, "message_id", default)), django_capture_on_commit_callbacks)
    assert _active(subscriber)


@pytest.mark.parametrize(
    "shape",
    ["plain text from MAILER-DAEMON", "report without report-type", "report of another type"],
)
def test_only_a_well_formed_delivery_report_counts(
    sent_to, django_capture_on_commit_callbacks, shape
):
    subscriber, message_id = sent_to()
    raw = _bounce(message_id)
    if shape == "plain text from MAILER-DAEMON":
        raw = (
            "From: MAILER-DAEMON@mx.gmail.example\nTo: support@example.com\n"
            "Subject: Undelivered Mail Returned to Sender\nMessage-ID: <b-9@x>\n\n"
            f"Your message could not be delivered.\nStatus: 5.1.1\nMessage-ID: {message_id}\n"
        ).encode()
    elif shape == "report without report-type":
        raw = raw.replace(b" report-type=delivery-status;", b"")
    else:
        raw = raw.replace(b"report-type=delivery-status", b"report-type=disposition-notification")
    stored = deliver(raw, django_capture_on_commit_callbacks)
    if shape == "report of another type":  # a read receipt's shape: labelled so, marks nothing
        assert (stored.state, stored.outcome) == ("dropped", Outcome.RECEIPT)
    else:
        assert (stored.state, stored.outcome) == ("dropped", Outcome.BOUNCE)
        assert "nothing marked" in stored.detail
    assert _active(subscriber)


def test_the_per_sender_limit_applies_to_bounces(
    sent_to, settings, django_capture_on_commit_callbacks
):
    settings.INBOUND_PER_SENDER_PER_HOUR = 2
    subscribers = [sent_to() for _ in range(3)]
    outcomes = [
        deliver(_bounce(message_id, n=n), django_capture_on_commit_callbacks).outcome
        for n, (_, message_id) in enumerate(subscribers)
    ]
    assert outcomes == [Outcome.BOUNCE, Outcome.BOUNCE, Outcome.TOO_MANY]
    assert [_active(s) for s, _ in subscribers] == [False, False, True]
    # Another reporting server has its own count.
    other = sent_to()
    deliver(_bounce(other[1], reporter="postmaster@mx.other.example", n=9),
            django_capture_on_commit_callbacks)  # fmt: skip
    assert not _active(other[0])


def test_a_status_email_queued_before_the_upgrade_gets_its_id_when_sent(make_subscriber):
    subscriber = make_subscriber()
    old = Delivery.objects.create(subscriber=subscriber, purpose="manage_link")
    Delivery.objects.filter(pk=old.pk).update(message_id="")
    delivery.send([old.pk])
    old.refresh_from_db()
    assert old.message_id.startswith("<status.") and old.state == Delivery.State.SENT
    assert mail.outbox[-1].extra_headers["Message-ID"] == old.message_id
