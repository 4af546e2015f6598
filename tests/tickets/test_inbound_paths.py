"""The ways email reaches us: the pipe a mail server runs (webhooks: test_inbound_webhooks.py)."""

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command

from mail.models import InboundEmail
from tests.tickets.inbound import fixture
from tickets.models import Ticket

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.django_db


def _pipe(monkeypatch, raw, capsys):
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(raw)))
    try:
        call_command("receive_email")
        code = 0
    except SystemExit as exit_:
        code = exit_.code
    out = capsys.readouterr()
    return code, out.out, out.err


def test_the_pipe_stores_a_message_and_exits_0(
    monkeypatch, capsys, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        code, out, err = _pipe(monkeypatch, fixture("apple_mail_new.eml"), capsys)
    assert code == 0 and "stored inbound email" in out and err == ""
    assert Ticket.objects.get().subject == "Invite link expired"
    # The same message again (the mail server retried): exit 0, still one.
    code, out, err = _pipe(monkeypatch, fixture("apple_mail_new.eml"), capsys)
    assert code == 0 and InboundEmail.objects.count() == 1


def test_the_pipe_refuses_a_message_too_big_for_good(monkeypatch, capsys, settings):
    settings.INBOUND_MAX_BYTES = 100
    code, out, err = _pipe(monkeypatch, fixture("apple_mail_new.eml"), capsys)
    assert code == 65  # EX_DATAERR: the mail server bounces it with this reason
    assert err.strip().startswith("message too big:") and "\n" not in err.strip()
    assert not InboundEmail.objects.exists()


@pytest.mark.slow
def test_the_pipe_asks_for_a_retry_when_nothing_could_be_stored(tmp_path):
    """A real process with the database down: exit 75 (EX_TEMPFAIL) and one line why."""
    env = {
        **os.environ,
        "DATABASE_URL": "postgres://nobody@127.0.0.1:1/nothing",
        "MEDIA_ROOT": str(tmp_path),
        "DEBUG": "1",
    }
    done = subprocess.run(
        [sys.executable, "manage.py", "receive_email"],
        input=fixture("apple_mail_new.eml"),
        capture_output=True,
        cwd=ROOT,
        env=env,
        timeout=60,
    )
    assert done.returncode == 75, done.stderr
    assert done.stderr.decode().startswith("not stored: OperationalError")
    assert done.stderr.decode().count("\n") <= 1
