"""Limits on what email can make us do: a sender's plus tags share one count, and the
acknowledgements that go to whatever address a message claims are capped per network and
overall."""

import io
import sys

import pytest
from django.core import mail
from django.core.management import call_command

from mail.models import InboundEmail
from tests.tickets.inbound import deliver
from tickets.models import Ticket

pytestmark = pytest.mark.django_db
Outcome = InboundEmail.Outcome


def _new(sender, n):
    return (
        f"From: {sender}\nTo: support@example.com\nSubject: Question {n}\n"
        f"Message-ID: <limits-{n}@example.net>\n\nHello {n}\n"
    ).encode()


def _acks():
    return [m for m in mail.outbox if m.to != ["support@example.com"]]


def test_plus_tags_share_the_senders_limit(settings, django_capture_on_commit_callbacks):
    """The review sent victim+1@ ... victim+24@: 24 of 24 acknowledgements reached them."""
    settings.INBOUND_PER_SENDER_PER_HOUR = 5
    mail.outbox.clear()
    outcomes = [
        deliver(_new(f"victim+{n}@example.com", n), django_capture_on_commit_callbacks).outcome
        for n in range(8)
    ]
    assert outcomes == [Outcome.NEW_TICKET] * 5 + [Outcome.TOO_MANY] * 3
    assert len(_acks()) == 5
    assert set(InboundEmail.objects.values_list("sender_key", flat=True)) == {"victim@example.com"}


def test_acknowledgements_are_capped_per_sending_domain(
    settings, django_capture_on_commit_callbacks
):
    settings.INBOUND_ACKS_PER_NETWORK_PER_HOUR = 3
    mail.outbox.clear()
    stored = [
        deliver(_new(f"person{n}@example.com", n), django_capture_on_commit_callbacks)
        for n in range(5)
    ]
    assert [s.outcome for s in stored] == [Outcome.NEW_TICKET] * 5  # every ticket opened
    assert Ticket.objects.count() == 5 and len(_acks()) == 3
    assert [s.acknowledged for s in stored] == [True] * 3 + [False] * 2
    assert "not acknowledged: 3 acknowledgements in the last hour to mail from example.com" in (
        stored[-1].detail
    )
    deliver(_new("someone@other.example", 9), django_capture_on_commit_callbacks)
    assert len(_acks()) == 4  # another domain has its own count


def _pipe(monkeypatch, raw, client_address):
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(raw)))
    call_command("receive_email", "--client-address", client_address, stdout=io.StringIO())


def test_the_pipe_counts_acknowledgements_per_connecting_network(
    settings, monkeypatch, django_capture_on_commit_callbacks
):
    settings.INBOUND_ACKS_PER_NETWORK_PER_HOUR = 3
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        for n in range(5):  # five domains, one network
            _pipe(monkeypatch, _new(f"user@domain{n}.example", n), f"203.0.113.{n + 10}")
        _pipe(monkeypatch, _new("user@elsewhere.example", 9), "2001:db8:1:2::5")
    assert Ticket.objects.count() == 6
    assert sorted(m.to[0] for m in _acks()) == [
        "user@domain0.example",
        "user@domain1.example",
        "user@domain2.example",
        "user@elsewhere.example",
    ]
    assert InboundEmail.objects.filter(network="ip:2001:db8:1::/48").exists()


def test_acknowledgements_are_capped_overall(settings, django_capture_on_commit_callbacks):
    settings.INBOUND_ACKS_PER_HOUR = 2
    mail.outbox.clear()
    for n in range(4):
        deliver(_new(f"user@domain{n}.example", n), django_capture_on_commit_callbacks)
    assert Ticket.objects.count() == 4 and len(_acks()) == 2
