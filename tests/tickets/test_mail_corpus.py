"""Real-world mail through the intake (tests/mail_corpus/: messages from public test suites,
each source with its README and licence): every message is stored, none crashes the
processing, none takes 2 s or more, nothing of one message reaches another, and each reads
as tests/mail_corpus/expectations.json says (outcome, sender, subject, text, files).

After a change to the intake, regenerate the expectations and review the diff:
    UPDATE_MAIL_EXPECTATIONS=1 .venv/bin/python -m pytest tests/tickets/test_mail_corpus.py
What the intake reads wrong today, message by message: tests/mail_corpus/FINDINGS.md.
"""

import logging
import os
import re
import subprocess
import sys
import time

import pytest
from django.conf import settings
from django.core import mail
from django.urls import get_resolver

from mail import inbound
from mail.models import InboundEmail
from tests.tickets import mail_corpus as corpus
from tickets.models import OutboundEmail, Ticket, TicketMessage

MESSAGES = corpus.messages()
EXPECTED = corpus.expected()
# A guard against runaway parsing, not a benchmark: the processor time a message takes (the
# wall clock grew past it on a loaded CI machine: 3.84 s for a 0.3 s message), and a
# looser wall-clock bound against hangs.
LIMIT_SECONDS = 2.0
HANG_SECONDS = 30.0
# Messages that crash the processing or take 2 s or more: {name: why} (FINDINGS.md). Their
# test is a strict xfail: once the intake is fixed it XPASSes, which fails the run until the
# fix removes them from here. None today.
KNOWN_FAILURES = {}
# Through the real `manage.py receive_email` process, one of each path through the command
# (the other tests read all 258 in their own process): a bounce, a reply, an attachment in a
# broken multipart, bad bytes for the declared charset, and a file that is no email at
# all. Each costs a process start (about 3 s), on both engines.
THROUGH_THE_PIPE = [
    "bounced/bounce_email/bounces/tt_bounce_24.eml",
    "cpython/msg_15.txt",
    "django-mailbox/message_with_invalid_content_for_declared_encoding.eml",
    "mail-parser/mail_outlook_1",
    "talon/standard_replies/android.eml",
]


def _deliver(name, capture):
    """receive() as the pipe and the webhooks call it, then the processing task as the
    worker runs it (the immediate backend, once the transaction commits), in this thread.
    (row, (processor seconds, wall-clock seconds))

    The process's first URL lookup imports every URL module (1.5 s, 2.5 s on a fresh clone
    that compiles them): done before the clock starts, it is no message's time."""
    get_resolver().reverse_dict  # noqa: B018
    started, cpu = time.perf_counter(), time.thread_time()
    with capture(execute=True):
        stored = inbound.receive(corpus.raw(name), source="corpus")
    spent = (time.thread_time() - cpu, time.perf_counter() - started)
    return InboundEmail.objects.get(pk=stored.pk), spent


def _assert_handled(stored, seconds, caplog):
    assert stored.state != InboundEmail.State.RECEIVED, "stored but never processed"
    assert stored.state != InboundEmail.State.FAILED, stored.detail
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR], caplog.text
    cpu, wall = seconds
    assert cpu < LIMIT_SECONDS, f"took {cpu:.2f} s of processor time"
    assert wall < HANG_SECONDS, f"took {wall:.2f} s"


def _check_reading(name, stored):
    observed = corpus.reading(stored)
    if corpus.UPDATE:
        corpus.record(name, observed)
    else:
        assert observed == EXPECTED.get(name), f"{name} reads differently (module docstring)"


def _marked(names):
    return [
        pytest.param(name, marks=pytest.mark.xfail(strict=True, reason=KNOWN_FAILURES[name]))
        if name in KNOWN_FAILURES
        else name
        for name in names
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("name", _marked(MESSAGES))
def test_a_real_message_is_stored_and_read_as_expected(
    name, django_capture_on_commit_callbacks, caplog
):
    mail.outbox.clear()
    with caplog.at_level(logging.ERROR):
        stored, seconds = _deliver(name, django_capture_on_commit_callbacks)
    assert stored.raw.read() == corpus.raw(name)  # kept byte for byte
    # Only this message's rows: its stored email, and at most its own ticket and emails.
    assert InboundEmail.objects.count() == 1
    assert set(Ticket.objects.all()) <= {stored.owner}
    assert set(TicketMessage.objects.values_list("ticket", flat=True)) <= {stored.owner_id}
    assert set(OutboundEmail.objects.values_list("ticket", flat=True)) <= {stored.owner_id}
    if stored.state == InboundEmail.State.DROPPED:
        # Answering a bounce or an auto-reply is how mail loops start.
        assert mail.outbox == [] and not OutboundEmail.objects.exists()
    # The reading first, so that regenerating also records a known failure's reading; the
    # guards last, so that a known failure fixed (and its reading regenerated) XPASSes.
    _check_reading(name, stored)
    _assert_handled(stored, seconds, caplog)


def test_every_message_has_its_expectation():
    if corpus.UPDATE:
        corpus.prune(MESSAGES)
    assert sorted(corpus.expected()) == MESSAGES
    assert set(KNOWN_FAILURES) <= set(MESSAGES)
    assert set(THROUGH_THE_PIPE) <= set(MESSAGES)


@pytest.mark.slow
@pytest.mark.django_db
@pytest.mark.skipif(corpus.UPDATE, reason="the expectations are being written")
def test_the_whole_corpus_in_one_mailbox(django_capture_on_commit_callbacks, caplog):
    """One database that receives every message in turn, as a support mailbox would: each
    is still stored, handled in time and read exactly as when it arrives alone, so nothing
    one message leaves behind (rows, files, parser state) changes another. The one rule
    that links messages: the same Message-ID again is the same message, kept once."""
    seen = {}
    for name in MESSAGES:
        caplog.clear()
        before = InboundEmail.objects.count()
        with caplog.at_level(logging.ERROR):
            stored, seconds = _deliver(name, django_capture_on_commit_callbacks)
        key = corpus.message_id(name)
        if key in seen:
            assert stored.pk == seen[key] and InboundEmail.objects.count() == before, name
            continue
        seen[key] = stored.pk
        assert InboundEmail.objects.count() == before + 1, name
        if name not in KNOWN_FAILURES:
            _assert_handled(stored, seconds, caplog)
        assert corpus.reading(stored) == EXPECTED[name], name


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)  # the command runs in another process
@pytest.mark.skipif(corpus.UPDATE, reason="the expectations are being written")
def test_a_sample_through_the_receive_email_command(tmp_path):
    """The pipe a mail server runs: `manage.py receive_email` in its own process, the raw
    message on standard input, the processing task run by the immediate backend."""
    with corpus.database_for_another_process() as database_url:
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "tests.settings",
            "DATABASE_URL": database_url,
            "MEDIA_ROOT": str(settings.MEDIA_ROOT),
            "TASK_BACKEND": "immediate",
        }
        exits = {}
        for name in THROUGH_THE_PIPE:
            done = subprocess.run(
                [sys.executable, "manage.py", "receive_email", "--source", "corpus"],
                input=corpus.raw(name),
                capture_output=True,
                cwd=settings.BASE_DIR,
                env=env,
                timeout=60,
            )
            exits[name] = (done.returncode, done.stdout.decode(), done.stderr.decode())
    for name, (code, out, err) in exits.items():
        stored = re.search(r"^stored inbound email (\d+) ", out, re.MULTILINE)
        assert code == 0 and stored, (name, code, err)
        stored = InboundEmail.objects.get(pk=stored[1])
        assert stored.state not in {"received", "failed"}, (name, stored.detail)
        spent = (stored.processed_at - stored.received_at).total_seconds()
        assert spent < HANG_SECONDS, (name, spent)  # its processor time: the tests above
        assert corpus.reading(stored) == EXPECTED[name], name
