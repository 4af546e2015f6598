"""The ways email reaches us: the pipe a mail server runs, and provider webhooks."""

import base64
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command

from tests.tickets.inbound import fixture
from tickets.models import InboundEmail, Ticket

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


POSTMARK = "/inbound/postmark/inbound/"


@pytest.fixture
def webhooks(settings):
    settings.ANYMAIL = {"WEBHOOK_SECRET": "postmark:s3cret-Words"}
    settings.ROOT_URLCONF = "tests.tickets.urls_with_webhooks"


def _postmark(client, raw, auth):
    token = base64.b64encode(auth.encode()).decode()
    return client.post(
        POSTMARK,
        json.dumps({"RawEmail": raw.decode("latin-1"), "MessageID": "pm-1"}),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Basic {token}",
    )


def test_a_provider_webhook_with_the_secret_opens_a_ticket(
    client, webhooks, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = _postmark(client, fixture("apple_mail_new.eml"), "postmark:s3cret-Words")
    assert response.status_code == 200
    stored = InboundEmail.objects.get()
    assert stored.source == "webhook:postmark" and stored.outcome == "new_ticket"
    assert Ticket.objects.get().email == "katherine@example.org"


def test_a_provider_webhook_without_the_secret_stores_nothing(client, webhooks):
    response = _postmark(client, fixture("apple_mail_new.eml"), "postmark:guess")
    assert response.status_code in {400, 401, 403}
    assert not InboundEmail.objects.exists()


def test_webhook_urls_do_not_exist_without_a_secret(client):
    assert client.post(POSTMARK, "{}", content_type="application/json").status_code == 404


@pytest.mark.parametrize(
    "body",
    [
        b"[" * 100_000 + b"]" * 100_000,  # deeper than Python's JSON parser goes
        b'{"RawEmail": ' + b"9" * 5000 + b"}",  # more digits than int() reads
        b'{"RawEmail": "\xff\xfe"}',  # not UTF-8
        b"",
        b'{"RawEmail": ',
        b"null",
        b'[1, "a"]',
        b'{"RawEmail": 5, "Headers": "x", "Attachments": {"a": 1}}',
    ],
)
def test_a_body_the_webhook_cannot_read_is_refused_not_retried(client, webhooks, body):
    """With the secret, but a body no provider sends: a 400, the sender's error. (A 500, as
    before, tells the provider to send it again.)"""
    token = base64.b64encode(b"postmark:s3cret-Words").decode()
    response = client.generic(
        "POST", POSTMARK, body, "application/json", HTTP_AUTHORIZATION=f"Basic {token}"
    )
    assert response.status_code == 400
    assert not InboundEmail.objects.exists()
