"""Poison mail: every message that arrives is stored, visible to staff and processed as far
as it can be read, on both databases (PostgreSQL refuses NUL characters and lone
surrogates in text, which a raw or encoded header can carry)."""

import io
import json
import sys

import pytest
from django.core.management import call_command

from mail import inbound
from mail.models import InboundEmail
from tests.tickets.inbound import deliver
from tickets.models import Ticket

pytestmark = pytest.mark.django_db


def _pipe(monkeypatch, raw):
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(raw)))
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("receive_email", stdout=out, stderr=err)
        return 0, err.getvalue()
    except SystemExit as exit_:
        return exit_.code, err.getvalue()


def _message(*, subject="Hello", message_id="<poison@example.com>", sender="a@example.com",
             headers="", body=b"Hello there.\n"):  # fmt: skip
    return (
        f"From: {sender}\nTo: support@example.com\nSubject: {subject}\n"
        f"Message-ID: {message_id}\n{headers}\n"
    ).encode("utf-8", "surrogateescape") + body


@pytest.mark.parametrize(
    "raw",
    [
        pytest.param(_message(subject="Nul\x00here"), id="raw NUL in Subject"),
        pytest.param(_message(message_id="<nul\x00id@example.com>"), id="raw NUL in Message-ID"),
        pytest.param(_message(sender="Ada \x00Lovelace <a@example.com>"), id="raw NUL in From"),
    ],
)
def test_a_raw_nul_in_a_header_is_stored_and_processed(
    monkeypatch, raw, agent, client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        code, err = _pipe(monkeypatch, raw)
    assert code == 0, err
    stored = InboundEmail.objects.get()
    assert stored.state == "processed" and stored.outcome == "new_ticket", stored.detail
    assert "\x00" not in stored.subject + stored.message_id + stored.sender
    client.force_login(agent)
    assert client.get("/admin/mail/inboundemail/").status_code == 200
    page = client.get(f"/admin/mail/inboundemail/{stored.pk}/change/")
    assert page.status_code == 200


@pytest.mark.parametrize(
    "raw",
    [
        pytest.param(_message(subject="=?utf-8?q?a=00b?="), id="encoded NUL in Subject"),
        pytest.param(
            _message(sender="=?utf-8?q?Ada=00?= <a@example.com>"), id="encoded NUL in a name"
        ),
        pytest.param(
            _message(subject="=?unicode_escape?q?a\\x00b\\ud800c?="),
            id="unicode_escape encoded word (NUL, lone surrogate)",
        ),
        pytest.param(
            _message(
                headers="Content-Type: text/plain; charset=unicode_escape\n",
                body=b"Hello \\x00 and \\ud800 there\n",
            ),
            id="unicode_escape body",
        ),
        pytest.param(
            _message(headers="Content-Type: text/plain; charset=idna\n", body=b"caf\xe9 ok\n"),
            id="idna body",
        ),
        pytest.param(
            _message(headers="Content-Type: text/plain; charset=punycode\n", body=b"caf\xe9\n"),
            id="punycode body",
        ),
        pytest.param(
            _message(
                headers="Content-Type: multipart/mixed; boundary=b\n",
                body=b"--b\nContent-Type: text/plain\n\nSee file.\n--b\n"
                b'Content-Type: text/plain\nContent-Disposition: attachment; filename="=?utf-8?q?'
                b'log=00.txt?="\n\nfile\n--b--\n',
            ),
            id="encoded NUL in a file name",
        ),
    ],
)
def test_encoded_poison_never_leaves_a_message_failed(raw, django_capture_on_commit_callbacks):
    stored = deliver(raw, django_capture_on_commit_callbacks)
    assert stored.state == "processed" and stored.outcome == "new_ticket", stored.detail
    ticket = Ticket.objects.get()
    for text in (ticket.subject, ticket.name, ticket.description, stored.full_text):
        assert "\x00" not in text
        text.encode("utf-8")  # no lone surrogate
    assert [f.name for f in ticket.files.all()] in ([], ["log.txt"])


def test_a_nul_in_a_webhook_json_body_is_stored(
    client, settings, django_capture_on_commit_callbacks
):
    import base64

    settings.INBOUND_PROVIDERS = ["postmark", "sendgrid"]
    settings.ANYMAIL = {"WEBHOOK_SECRET": "hooks:s3cret-Words-long-enough"}
    auth = {
        "HTTP_AUTHORIZATION": "Basic "
        + base64.b64encode(b"hooks:s3cret-Words-long-enough").decode()
    }
    raw = _message(subject="Nul\x00here", message_id="<json-nul@example.com>").decode()
    body = json.dumps({"RawEmail": raw + "\x00"})
    assert "\\u0000" in body
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/inbound/postmark/inbound/", body, content_type="application/json", **auth
        )
        assert response.status_code == 200
        form = {"email": raw.replace("json-nul", "form-nul"), "SPF": "pass\x00", "dkim": "\x00"}
        assert client.post("/inbound/sendgrid/inbound/", form, **auth).status_code == 200
    call_command("process_inbound", stdout=io.StringIO())
    assert sorted(InboundEmail.objects.values_list("state", flat=True)) == ["processed"] * 2


def test_the_pipe_asks_for_no_retry_for_a_failure_that_is_not_temporary(monkeypatch):
    """A bug is not fixed by retrying for days: the sender gets a bounce (EX_SOFTWARE)."""

    def broken(raw, **kwargs):
        raise ValueError("a bug")

    monkeypatch.setattr(inbound, "receive", broken)
    code, err = _pipe(monkeypatch, _message())
    assert code == 70 and err.startswith("not stored: ValueError")
