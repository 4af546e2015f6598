"""Email conversations: messages as Gmail, Outlook, Apple Mail and Thunderbird send them, fed
through `receive()` (the pipe command and the webhooks call it) and the processing task."""

import time

import pytest
from django.core import mail

from mail import inbound
from mail.models import InboundEmail
from tests.tickets.inbound import deliver, fixture
from tickets import services
from tickets.models import OutboundEmail, Ticket, TicketMessage

Outcome = InboundEmail.Outcome
pytestmark = pytest.mark.django_db


@pytest.fixture
def conversation(make_ticket, agent, django_capture_on_commit_callbacks):
    """A ticket whose customer got a reply from support by email: (ticket, that email)."""

    def make(email="ada.lovelace@gmail.com", **kw):
        ticket = make_ticket(
            email=email, subject="Streaming stops after 30 seconds", assignee=agent, **kw
        )
        with django_capture_on_commit_callbacks(execute=True):
            services.staff_update(
                ticket,
                actor=agent,
                reply="Which SDK version do you use?",
            )
        ticket.refresh_from_db()
        return ticket, ticket.emails.get(kind="staff_reply")

    return make


def _reply(name, sent, **values):
    return fixture(name, IN_REPLY_TO=sent.message_id, REFERENCES=sent.message_id, **values)


def test_a_new_email_opens_a_ticket_and_is_acknowledged_in_its_thread(
    django_capture_on_commit_callbacks,
):
    mail.outbox.clear()
    stored = deliver(fixture("apple_mail_new.eml"), django_capture_on_commit_callbacks)
    ticket = Ticket.objects.get()
    assert (stored.state, stored.outcome, stored.owner) == (
        "processed",
        Outcome.NEW_TICKET,
        ticket,
    )
    assert (ticket.name, ticket.email) == ("Katherine Johnson", "katherine@example.org")
    assert ticket.subject == "Invite link expired" and ticket.category == "other"
    assert "The invite link for our new team member says it expired" in ticket.description
    [first] = ticket.messages.all()
    assert first.via == "email" and first.inbound == stored
    [screenshot] = first.attachments.all()
    assert (screenshot.name, screenshot.content_type) == ("screenshot.png", "image/png")
    assert ticket.cc == ["dorothy@example.org"]  # copied by the requester; not us
    [ack] = [m for m in mail.outbox if m.to == ["katherine@example.org"]]
    assert ticket.reference in ack.subject
    assert ack.extra_headers["In-Reply-To"] == "<5B8A7C6D-1234-4F00-9ABC-DEF012345678@example.org>"
    assert ack.extra_headers["Auto-Submitted"] == "auto-generated"
    assert ack.reply_to == ["support@example.com"]


def test_a_reply_threads_by_its_headers_without_the_quoted_history(
    conversation, agent, django_capture_on_commit_callbacks
):
    ticket, sent = conversation()
    assert ticket.status == "pending"
    mail.outbox.clear()
    stored = deliver(_reply("gmail_reply.eml", sent), django_capture_on_commit_callbacks)
    assert (stored.outcome, stored.owner) == (Outcome.REPLY, ticket)
    message = ticket.messages.last()
    assert message.author_kind == "customer" and message.via == "email" and not message.sender
    assert message.body.startswith("Thanks! Setting stream=true with the new SDK fixed it —")
    assert "Which SDK version" not in message.body and "wrote:" not in message.body
    assert "Which SDK version" in stored.full_text  # staff keep the whole email
    assert stored.verdicts == {"dkim": "pass", "spf": "pass", "dmarc": "pass"}
    ticket.refresh_from_db()
    assert ticket.status == "open" and ticket.waiting_since is not None
    [note] = mail.outbox
    assert note.to == [agent.email] and "Thanks! Setting stream=true" in note.body


def test_a_reply_is_found_by_the_reference_in_its_subject_from_the_requester(
    conversation, django_capture_on_commit_callbacks
):
    ticket, sent = conversation(email="grace.hopper@outlook.com")
    raw = fixture("outlook_reply.eml", IN_REPLY_TO="", REFERENCES="")
    raw = raw.replace(b"HC-000001", ticket.reference.encode())
    # Our receiving server saw DMARC pass for outlook.com (a reference alone is not enough:
    # test_inbound_senders.py).
    raw = b"Authentication-Results: mx.example.com; dmarc=pass header.from=outlook.com\n" + raw
    stored = deliver(raw, django_capture_on_commit_callbacks)
    assert (stored.outcome, stored.owner) == (Outcome.REPLY, ticket)
    body = ticket.messages.last().body
    assert body.startswith("Hallo, es läuft wieder. Grüße aus München!")
    assert "Gesendet:" not in body and "Which SDK" not in body


def test_a_reference_in_the_subject_from_a_stranger_opens_their_own_ticket(
    conversation, django_capture_on_commit_callbacks
):
    ticket, sent = conversation()
    raw = fixture("outlook_reply.eml", IN_REPLY_TO="", REFERENCES="")
    raw = raw.replace(b"HC-000001", ticket.reference.encode())  # from grace, not ada
    stored = deliver(raw, django_capture_on_commit_callbacks)
    assert stored.outcome == Outcome.NEW_TICKET and stored.owner != ticket
    assert not ticket.messages.filter(via="email").exists()


def test_a_reply_from_someone_else_becomes_an_internal_note(
    conversation, client, django_capture_on_commit_callbacks
):
    ticket, sent = conversation()
    raw = _reply("gmail_reply.eml", sent).replace(
        b"From: Ada Lovelace <ada.lovelace@gmail.com>", b"From: Eve <eve@example.com>"
    )
    stored = deliver(raw, django_capture_on_commit_callbacks)
    assert (stored.outcome, stored.owner) == (Outcome.NOTE, ticket)
    note = ticket.messages.last()
    assert note.is_internal and note.sender == "eve@example.com"
    assert note.body.startswith("Email from eve@example.com (not the customer")
    assert Ticket.objects.get(pk=ticket.pk).status == "pending"  # nothing changed for them
    assert not ticket.public_messages().filter(pk=note.pk).exists()


def test_someone_the_requester_copied_may_answer(django_capture_on_commit_callbacks):
    deliver(fixture("apple_mail_new.eml"), django_capture_on_commit_callbacks)
    ticket = Ticket.objects.get()
    ack = ticket.emails.get(kind="ticket_received")
    raw = fixture("gmail_reply.eml", IN_REPLY_TO=ack.message_id, REFERENCES=ack.message_id).replace(
        b"From: Ada Lovelace <ada.lovelace@gmail.com>", b"From: Dorothy <dorothy@example.org>"
    )
    stored = deliver(raw, django_capture_on_commit_callbacks)
    assert stored.outcome == Outcome.REPLY
    message = ticket.messages.last()
    assert not message.is_internal and message.author_name == "dorothy@example.org"


def test_the_same_message_twice_is_stored_and_added_once(
    conversation, django_capture_on_commit_callbacks
):
    ticket, sent = conversation()
    raw = _reply("gmail_reply.eml", sent)
    first = deliver(raw, django_capture_on_commit_callbacks)
    again = deliver(raw, django_capture_on_commit_callbacks, source="webhook:postmark")
    assert first == again
    assert InboundEmail.objects.count() == 1
    assert ticket.messages.filter(via="email").count() == 1


@pytest.mark.parametrize(
    ("name", "outcome"),
    [("out_of_office.eml", Outcome.AUTO_REPLY), ("list_mail.eml", Outcome.BULK)],
)
def test_automatic_mail_creates_nothing_and_sends_nothing(
    conversation, django_capture_on_commit_callbacks, name, outcome
):
    ticket, sent = conversation()
    mail.outbox.clear()
    before = OutboundEmail.objects.count()
    stored = deliver(_reply(name, sent), django_capture_on_commit_callbacks)
    assert (stored.state, stored.outcome) == ("dropped", outcome)
    assert Ticket.objects.count() == 1 and ticket.messages.filter(via="email").count() == 0
    assert OutboundEmail.objects.count() == before and mail.outbox == []


def test_a_bounce_marks_the_email_that_bounced(make_ticket, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        ticket = make_ticket(email="nobody@gmail.com")
    ack = ticket.emails.get(kind="ticket_received")
    stored = deliver(
        fixture("bounce_dsn.eml", BOUNCED_ID=ack.message_id), django_capture_on_commit_callbacks
    )
    assert (stored.state, stored.outcome) == ("dropped", Outcome.BOUNCE)
    ack.refresh_from_db()
    assert ack.state == OutboundEmail.State.BOUNCED
    assert "5.1.1" in ack.last_error and "does not exist" in ack.last_error
    assert Ticket.objects.count() == 1


def test_our_own_email_coming_back_is_dropped(make_ticket, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        make_ticket(email="ada@example.com")
    [ours] = [m for m in mail.outbox if m.to == ["support@example.com"]]
    raw = ours.message().as_bytes()
    stored = deliver(raw, django_capture_on_commit_callbacks)
    assert (stored.state, stored.outcome) == ("dropped", Outcome.OWN)
    assert Ticket.objects.count() == 1


def test_files_are_kept_by_content_and_refused_ones_are_named(
    conversation, django_capture_on_commit_callbacks
):
    ticket, sent = conversation(email="juergen@example.de")
    stored = deliver(
        _reply("thunderbird_reply_latin1.eml", sent), django_capture_on_commit_callbacks
    )
    message = ticket.messages.last()
    assert stored.outcome == Outcome.REPLY
    assert message.body.startswith("Hallo, anbei das Log. Der Abbruch kommt nach genau 30")
    assert "schrieb" not in message.body
    assert [a.name for a in message.attachments.all()] == ["stream.log"]
    assert "Not kept: setup.exe is not a kind of file we take" in message.body


def test_html_only_mail_becomes_plain_text_without_scripts_or_images(
    django_capture_on_commit_callbacks,
):
    deliver(fixture("html_only.eml"), django_capture_on_commit_callbacks)
    ticket = Ticket.objects.get()
    assert ticket.subject == "API key 🔑 rejected"
    assert "Our API key is rejected with invalid_api_key." in ticket.description
    for gone in ("alert", "color:red", "tracker.example.net", "<"):
        assert gone not in ticket.description


@pytest.mark.parametrize("name", ["unknown_charset.eml", "malformed.eml"])
def test_broken_mail_is_read_as_far_as_it_goes(django_capture_on_commit_callbacks, name):
    stored = deliver(fixture(name), django_capture_on_commit_callbacks)
    assert stored.state in {"processed", "dropped"}, stored.detail
    if name == "unknown_charset.eml":
        assert "billing_required" in Ticket.objects.get().description


def test_thousands_of_parts_are_cut_short_with_a_note(settings, django_capture_on_commit_callbacks):
    parts = "".join(
        f"--b\nContent-Type: text/plain\nContent-Disposition: attachment; "
        f'filename="f{n}.txt"\n\nfile {n}\n'
        for n in range(3000)
    )
    raw = (
        "From: many@example.com\nTo: support@example.com\nSubject: Many\n"
        "Message-ID: <many@example.com>\nContent-Type: multipart/mixed; boundary=b\n\n"
        f"--b\nContent-Type: text/plain\n\nSee the files.\n{parts}--b--\n"
    ).encode()
    stored = deliver(raw, django_capture_on_commit_callbacks)
    message = Ticket.objects.get().messages.get()
    assert stored.outcome == Outcome.NEW_TICKET
    assert message.attachments.count() == settings.TICKET_ATTACHMENTS_PER_MESSAGE
    assert "more than 200 parts" in message.ticket.description


def test_a_hundred_thousand_parts_are_counted_before_parsing(
    django_capture_on_commit_callbacks,
):
    """The review's message: 120,000 parts (4.3 MB) took 44 s to parse; counted first and
    cut at INBOUND_MAX_PARTS, it takes a fraction of a second."""
    parts = "".join(f"--b\nContent-Type: text/plain\n\nfile {n}\n" for n in range(120_000))
    raw = (
        "From: many@example.com\nTo: support@example.com\nSubject: Many\n"
        "Message-ID: <many@example.com>\nContent-Type: multipart/mixed; boundary=b\n\n"
        f"--b\nContent-Type: text/plain\n\nSee the parts.\n{parts}--b--\n"
    ).encode()
    started = time.perf_counter()
    stored = deliver(raw, django_capture_on_commit_callbacks)
    assert time.perf_counter() - started < 5
    assert stored.outcome == Outcome.NEW_TICKET
    assert "more than 200 parts" in Ticket.objects.get().description


def test_parts_nested_thousands_deep_are_cut_and_the_rest_read(
    django_capture_on_commit_callbacks,
):
    """Nested 5,000 deep, the parser ended in a RecursionError and nothing was read."""
    opens = "".join(
        f"Content-Type: multipart/mixed; boundary=b{n}\n\n--b{n}\n" for n in range(5000)
    )
    raw = (
        "From: deep@example.com\nTo: support@example.com\nSubject: Deep\n"
        f"Message-ID: <deep@example.com>\n{opens}Content-Type: text/plain\n\nhello\n"
    ).encode()
    stored = deliver(raw, django_capture_on_commit_callbacks)
    assert stored.outcome == Outcome.NEW_TICKET
    assert "nested more than 10 deep" in Ticket.objects.get().description


def test_parsing_stops_at_its_time_budget(settings):
    from mail.inbound.parse import parse

    settings.INBOUND_PARSE_SECONDS = 0
    raw = b"From: slow@example.com\nSubject: Slow\n\n" + b"a line of text\n" * 100_000
    parsed = parse(raw)
    assert parsed.sender == "slow@example.com"
    assert "Reading the email took over 0 seconds; the rest was not read." in parsed.notes


def test_a_message_over_the_limit_is_refused(settings):
    settings.INBOUND_MAX_BYTES = 1000
    with pytest.raises(inbound.Rejected, match="too big"):
        inbound.receive(b"x" * 1001, source="pipe")
    assert not InboundEmail.objects.exists()


def test_a_runaway_sender_is_capped(settings, django_capture_on_commit_callbacks):
    settings.INBOUND_PER_SENDER_PER_HOUR = 3
    outcomes = []
    for n in range(5):
        raw = (
            f"From: loop@example.com\nTo: support@example.com\nSubject: Again {n}\n"
            f"Message-ID: <loop-{n}@example.com>\n\nHello {n}\n"
        ).encode()
        outcomes.append(deliver(raw, django_capture_on_commit_callbacks).outcome)
    assert outcomes == [Outcome.NEW_TICKET] * 3 + [Outcome.TOO_MANY] * 2
    assert Ticket.objects.count() == 3


def test_a_reply_to_a_resolved_ticket_reopens_it(conversation, django_capture_on_commit_callbacks):
    ticket, sent = conversation()
    Ticket.objects.filter(pk=ticket.pk).update(status="resolved")
    deliver(_reply("gmail_reply.eml", sent), django_capture_on_commit_callbacks)
    ticket.refresh_from_db()
    assert ticket.status == "open" and ticket.resolved_at is None


def test_a_reply_to_a_closed_ticket_opens_a_follow_up(
    conversation, django_capture_on_commit_callbacks
):
    ticket, sent = conversation()
    Ticket.objects.filter(pk=ticket.pk).update(status="closed")
    stored = deliver(_reply("gmail_reply.eml", sent), django_capture_on_commit_callbacks)
    follow_up = stored.owner
    assert stored.outcome == Outcome.NEW_TICKET and follow_up != ticket
    assert follow_up.description.startswith(f"(Follow-up to {ticket.reference}, which is closed.)")


def test_the_tickets_own_reply_address_finds_it(
    settings, conversation, django_capture_on_commit_callbacks
):
    settings.INBOUND_PLUS_ADDRESSING = True
    ticket, sent = conversation()
    assert sent.to == "ada.lovelace@gmail.com"
    raw = fixture("gmail_reply.eml", IN_REPLY_TO="", REFERENCES="")
    raw = raw.replace(b"Subject: Re: [HC-000001]", b"Subject: Re: follow-up").replace(
        b"To: Help center support <support@example.com>",
        f"To: support+{ticket.reply_token}@example.com".encode(),
    )
    stored = deliver(raw, django_capture_on_commit_callbacks)
    assert (stored.outcome, stored.owner) == (Outcome.REPLY, ticket)


def test_a_failure_keeps_the_message_and_spares_the_next_one(
    monkeypatch, conversation, django_capture_on_commit_callbacks
):
    ticket, sent = conversation()
    real_parse = inbound.parse

    def parse(raw):
        if b"gmail-reply-0001" in raw:
            raise RuntimeError("parser bug")
        return real_parse(raw)

    monkeypatch.setattr(inbound, "parse", parse)
    failed = deliver(_reply("gmail_reply.eml", sent), django_capture_on_commit_callbacks)
    good = deliver(fixture("apple_mail_new.eml"), django_capture_on_commit_callbacks)
    assert failed.state == "failed" and "parser bug" in failed.detail
    assert failed.raw.read().startswith(b"Delivered-To: support@example.com")
    assert good.outcome == Outcome.NEW_TICKET
    monkeypatch.setattr(inbound, "parse", real_parse)
    assert inbound.process(failed.pk) == Outcome.REPLY  # once fixed: processed again
    assert ticket.messages.filter(via="email").count() == 1


def test_web_and_email_replies_read_the_same_to_the_customer(
    conversation, client, content, django_capture_on_commit_callbacks
):
    from tests.tickets.links import emailed_link

    ticket, sent = conversation()
    deliver(_reply("gmail_reply.eml", sent), django_capture_on_commit_callbacks)
    html = client.get(emailed_link(ticket)).content.decode()
    assert "Setting stream=true with the new SDK fixed it" in html
    assert TicketMessage.objects.filter(ticket=ticket, via="email").count() == 1


def test_staff_see_every_email_and_what_became_of_it(
    client, agent, conversation, django_capture_on_commit_callbacks
):
    ticket, sent = conversation()
    reply = deliver(_reply("gmail_reply.eml", sent), django_capture_on_commit_callbacks)
    dropped = deliver(fixture("list_mail.eml"), django_capture_on_commit_callbacks)
    client.force_login(agent)
    listing = client.get("/admin/mail/inboundemail/").content.decode()
    assert "Customer reply" in listing and "Bulk or list mail (ignored)" in listing
    page = client.get(f"/admin/tickets/ticket/{ticket.pk}/change/").content.decode()
    assert "By email" in page and "DKIM pass" in page
    assert "Which SDK version do you use?" in page  # the whole email, folded
    # The raw message: superusers only (test_inbound_redaction.py).
    assert client.get(f"/admin/mail/inboundemail/{reply.pk}/raw/").status_code == 403
    agent.is_superuser = True
    agent.save()
    raw = client.get(f"/admin/mail/inboundemail/{reply.pk}/raw/")
    assert raw["Content-Disposition"].startswith("attachment;")
    assert raw.content.startswith(b"Delivered-To: support@example.com")
    detail = client.get(f"/admin/mail/inboundemail/{dropped.pk}/change/").content.decode()
    assert "List-Id" in detail or "Precedence: bulk" in detail


def test_a_hard_bounce_of_a_status_email_stops_that_subscription(
    django_capture_on_commit_callbacks,
):
    from django.utils import timezone

    from status.models import Delivery, Subscriber

    subscriber = Subscriber.objects.create(
        email="gone@example.com", address_key="gone@example.com", confirmed_at=timezone.now()
    )
    sent = Delivery.objects.create(
        subscriber=subscriber, state=Delivery.State.SENT, sent_at=timezone.now()
    )
    stored = deliver(
        fixture("bounce_dsn.eml", BOUNCED_ID=sent.message_id), django_capture_on_commit_callbacks
    )
    assert stored.outcome == Outcome.BOUNCE and "stopped 1 status subscription" in stored.detail
    subscriber.refresh_from_db()
    assert subscriber.disabled_at and "5.1.1" in subscriber.disabled_reason
    assert not subscriber.is_active
