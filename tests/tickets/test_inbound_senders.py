"""Who an email is from, and how sure we are (docs/running/email-security.md): only our own
receiving side's verdicts count, a weak match needs a verified sender, and whatever is not
verified waits as an internal note for an agent to accept."""

import random
import time

import pytest
from django.core import mail

from mail.models import InboundEmail
from tests.tickets.inbound import deliver
from tickets import mailthread, services
from tickets.models import TicketEvent

Outcome = InboundEmail.Outcome
pytestmark = pytest.mark.django_db
OURS = "Authentication-Results: mx.example.com;"


@pytest.fixture
def victim(make_ticket, agent, django_capture_on_commit_callbacks):
    """A pending ticket of victim@example.com, who got a reply by email."""
    ticket = make_ticket(email="victim@example.com", subject="Invoices", assignee=agent)
    with django_capture_on_commit_callbacks(execute=True):
        services.staff_update(ticket, actor=agent, reply="Which invoice?")
    ticket.refresh_from_db()
    assert ticket.status == "pending"
    return ticket


def _email(*, top="", sender="Victim <victim@example.com>", subject="Re: question", **headers):
    lines = [top.strip()] if top.strip() else []
    lines += [
        "Received: from mail.example.net by mx.example.com; Mon, 30 Nov 2026 10:00:00 +0000",
        f"From: {sender}",
        "To: support@example.com",
        f"Subject: {subject}",
        f"Message-ID: <{time.monotonic_ns()}@mail.example.net>",
        *[f"{name.replace('_', '-')}: {value}" for name, value in headers.items()],
        "",
        "Please send the refund to IBAN XX00 0000 instead.",
        "",
    ]
    return "\n".join(lines).encode()


def _note_of(ticket, stored):
    [note] = ticket.messages.filter(inbound=stored)
    return note


@pytest.mark.parametrize(
    "top",
    [
        pytest.param("", id="no verdict at all"),
        pytest.param(f"{OURS} spf=softfail smtp.mailfrom=victim@example.com", id="spf softfail"),
        pytest.param(
            "Received-SPF: Fail (mx.example.com: domain of evil.example does not designate)\n"
            f"{OURS} spf=pass smtp.mailfrom=victim@example.com; dmarc=pass "
            "header.from=example.com",
            id="the sender's own Authentication-Results below the server's Received-SPF",
        ),
        pytest.param(
            "Received: from evil.example by mx.example.com; Mon, 30 Nov 2026 10:00:00 +0000\n"
            "Received-SPF: Fail (mx.example.com: domain of example.com does not designate)\n"
            f"{OURS} spf=pass smtp.mailfrom=victim@example.com; dmarc=pass "
            "header.from=example.com",
            id="the sender's own Authentication-Results below our hop's Received-SPF",
        ),
        pytest.param(
            "Received: from relay.evil.example by mx.example.com; Mon, 30 Nov 2026 10:00:00\n"
            "Received: from pc by relay.evil.example; Mon, 30 Nov 2026 09:59:00 +0000\n"
            f"{OURS} dmarc=pass header.from=example.com",
            id="below a second Received header",
        ),
        pytest.param(
            "ARC-Authentication-Results: i=1; mx.example.com; dmarc=pass header.from=example.com",
            id="forged ARC-Authentication-Results",
        ),
        pytest.param(
            "Authentication-Results: mx.evil.example; dmarc=pass header.from=example.com",
            id="someone else's authserv-id",
        ),
        pytest.param(
            f"{OURS} dmarc=pass header.from=evil.example; dkim=pass header.d=evil.example",
            id="a pass for another domain",
        ),
    ],
)
def test_a_reference_in_the_subject_needs_a_verified_sender(
    victim, client, django_capture_on_commit_callbacks, top
):
    raw = _email(top=top, subject=f"Re: {victim.reference} change of bank details")
    stored = deliver(raw, django_capture_on_commit_callbacks)
    assert (stored.outcome, stored.owner) == (Outcome.NOTE, victim)
    note = _note_of(victim, stored)
    assert note.is_internal
    assert note.body.startswith("Unverified email claiming to be from victim@example.com")
    victim.refresh_from_db()
    assert victim.status == "pending"  # nothing changed for the customer
    assert not victim.public_messages().filter(pk=note.pk).exists()


@pytest.mark.parametrize(
    "top",
    [
        f"{OURS} dmarc=pass (p=REJECT) header.from=example.com",
        f"Delivered-To: support@example.com\n{OURS} dkim=pass header.d=example.com",
        f"{OURS} spf=pass smtp.mailfrom=bounces@mail.example.com\n{OURS} dkim=fail",
        # A milter (OpenDKIM, OpenDMARC) adds its results just below our hop's Received.
        "Return-Path: <victim@example.com>\n"
        "Received: from mail.example.net by mx.example.com; Mon, 30 Nov 2026 10:00:00 +0000\n"
        f"{OURS} dkim=pass header.d=example.com\n{OURS} dmarc=pass header.from=example.com",
    ],
)
def test_a_verified_requester_may_answer_by_reference(
    victim, django_capture_on_commit_callbacks, top
):
    raw = _email(top=top, subject=f"Re: {victim.reference} thanks")
    stored = deliver(raw, django_capture_on_commit_callbacks)
    assert (stored.outcome, stored.owner) == (Outcome.REPLY, victim)
    assert not _note_of(victim, stored).is_internal


def test_a_display_name_that_looks_like_an_address_is_never_the_sender(
    victim, django_capture_on_commit_callbacks
):
    """DMARC passes for the attacker's own domain; the From names two mailboxes."""
    top = f"{OURS} dmarc=pass header.from=evil.example"
    raw = _email(
        top=top,
        sender="victim@example.com <attacker@evil.example>",
        subject=f"Re: {victim.reference}",
    )
    stored = deliver(raw, django_capture_on_commit_callbacks)
    assert (stored.state, stored.outcome) == ("dropped", Outcome.UNREADABLE)
    assert not victim.messages.filter(inbound=stored).exists()
    # Quoted, it is one mailbox: the attacker's, and the name is not shown as an address.
    raw = _email(
        top=top,
        sender='"victim@example.com" <attacker@evil.example>',
        subject=f"Re: {victim.reference}",
    )
    stored = deliver(raw, django_capture_on_commit_callbacks)
    assert stored.outcome == Outcome.NEW_TICKET and stored.owner != victim
    assert (stored.owner.email, stored.owner.name) == ("attacker@evil.example", "")


def test_the_reply_address_respects_a_dmarc_fail(
    victim, settings, django_capture_on_commit_callbacks
):
    settings.INBOUND_PLUS_ADDRESSING = True
    raw = _email(top=f"{OURS} dmarc=fail (p=NONE) header.from=example.com").replace(
        b"To: support@example.com", f"To: support+{victim.reply_token}@example.com".encode()
    )
    stored = deliver(raw, django_capture_on_commit_callbacks)
    assert (stored.outcome, stored.owner) == (Outcome.NOTE, victim)
    assert "DMARC fail for example.com" in _note_of(victim, stored).body
    # Without a verdict, the ticket's own address still counts as the customer's.
    raw = _email().replace(
        b"To: support@example.com", f"To: support+{victim.reply_token}@example.com".encode()
    )
    assert deliver(raw, django_capture_on_commit_callbacks).outcome == Outcome.REPLY


def test_our_own_message_id_is_the_strong_path_unless_dmarc_fails(
    victim, django_capture_on_commit_callbacks
):
    ours = victim.emails.get(kind="staff_reply").message_id
    raw = _email(In_Reply_To=ours, References=ours)
    assert deliver(raw, django_capture_on_commit_callbacks).outcome == Outcome.REPLY
    raw = _email(top=f"{OURS} dmarc=fail header.from=example.com", In_Reply_To=ours)
    assert deliver(raw, django_capture_on_commit_callbacks).outcome == Outcome.NOTE


def test_the_customers_own_message_id_is_not_proof(victim, django_capture_on_commit_callbacks):
    """Their Message-ID went to everyone they wrote to; knowing it proves nothing."""
    first = deliver(
        _email(In_Reply_To=victim.emails.get(kind="staff_reply").message_id),
        django_capture_on_commit_callbacks,
    )
    assert first.outcome == Outcome.REPLY
    stored = deliver(
        _email(In_Reply_To=first.message_id, References=first.message_id),
        django_capture_on_commit_callbacks,
    )
    assert (stored.outcome, stored.owner) == (Outcome.NOTE, victim)
    verified = _email(
        top=f"{OURS} dmarc=pass header.from=example.com", In_Reply_To=first.message_id
    )
    assert deliver(verified, django_capture_on_commit_callbacks).outcome == Outcome.REPLY


def test_our_message_ids_do_not_come_from_a_predictable_generator(monkeypatch):
    """make_msgid() used random.getrandbits (Mersenne Twister: predictable from its output)
    and the time; with both fixed, the ids must still differ."""
    monkeypatch.setattr(random, "getrandbits", lambda bits: 0)
    monkeypatch.setattr(time, "time", lambda: 1_800_000_000.0)
    first, second = mailthread.new_message_id(), mailthread.new_message_id()
    assert first != second
    assert mailthread.is_ours(first) and len(first) > 40


def test_an_agent_accepts_an_unverified_email_as_the_customers(
    victim, agent, client, django_capture_on_commit_callbacks
):
    from tests.tickets.links import emailed_link

    stored = deliver(
        _email(subject=f"Re: {victim.reference} my reply"), django_capture_on_commit_callbacks
    )
    note = _note_of(victim, stored)
    client.force_login(agent)
    page = client.get(f"/admin/tickets/ticket/{victim.pk}/change/").content.decode()
    accept = f"/admin/tickets/ticket/{victim.pk}/messages/{note.pk}/accept/"
    assert f'formaction="{accept}"' in page and "Accept as the customer" in page
    response = client.post(accept)
    assert response.status_code == 302
    note.refresh_from_db()
    assert not note.is_internal and note.sender == ""
    assert note.body.startswith("Please send the refund")
    victim.refresh_from_db()
    assert victim.status == "open"
    assert TicketEvent.objects.filter(ticket=victim, field="message", actor=agent).exists()
    assert InboundEmail.objects.get(pk=stored.pk).outcome == Outcome.REPLY
    html = client.get(emailed_link(victim)).content.decode()
    assert "Please send the refund" in html
    # A staff note is not an email to accept.
    with django_capture_on_commit_callbacks(execute=True):
        services.staff_update(victim, actor=agent, reply="Checking.", internal=True)
    staff_note = victim.messages.get(body="Checking.")
    client.post(f"/admin/tickets/ticket/{victim.pk}/messages/{staff_note.pk}/accept/")
    staff_note.refresh_from_db()
    assert staff_note.is_internal
    mail.outbox.clear()
