"""The real-world mail corpus (tests/mail_corpus/): which files are messages, what the intake
read from each (the reading the expectations file pins), and the messages known to break
the guards (tests/mail_corpus/FINDINGS.md)."""

import contextlib
import fcntl
import hashlib
import json
import os
import sqlite3
import tempfile
import urllib.parse
from pathlib import Path

from django.db import connection

from mail.inbound.parse import headers_only
from mail.models import InboundEmail

CORPUS = Path(__file__).resolve().parents[1] / "mail_corpus"
EXPECTATIONS = CORPUS / "expectations.json"
# A maintainer regenerates the expectations with this set, then reviews `git diff`.
UPDATE = os.environ.get("UPDATE_MAIL_EXPECTATIONS") == "1"
# The files beside the messages: each source's description and licence.
NOT_MESSAGES = {"README.md", "LICENSE", "LICENSE.txt", "NOTICE.txt"}
TEXT_START = 200
LOCK = Path(tempfile.gettempdir()) / "helpcenter-mail-expectations.lock"


def messages():
    """Every message of the corpus, as its path under tests/mail_corpus/ ("source/file")."""
    return sorted(
        path.relative_to(CORPUS).as_posix()
        for path in CORPUS.rglob("*")
        if path.is_file() and path.parent != CORPUS and path.name not in NOT_MESSAGES
    )


def raw(name):
    return (CORPUS / name).read_bytes()


def reading(stored):
    """What the intake made of one stored message, as a person reviewing it would check:
    what it decided, who it thinks wrote it, the subject, the text it shows and the files
    it kept. For a message that became a ticket message the text is that message's body;
    for one dropped, the whole text staff can read on the stored email."""
    stored = InboundEmail.objects.get(pk=stored.pk)
    message = stored.messages.order_by("pk").first()
    text = message.body if message else stored.full_text
    return {
        "state": stored.state,
        "outcome": stored.outcome,
        "detail": "" if message else stored.detail,
        "sender": stored.owner.email if stored.owner else stored.sender,
        "name": stored.owner.name if stored.owner else "",
        "subject": stored.owner.subject if stored.owner else stored.subject,
        "text": text[:TEXT_START],
        "text_chars": len(text),
        "text_sha256": hashlib.sha256(text.encode()).hexdigest()[:16],
        "not_kept": [line for line in text.splitlines() if line.startswith("Not kept:")],
        "files": [f.name for f in message.attachments.order_by("pk")] if message else [],
    }


def expected():
    if not EXPECTATIONS.exists():
        return {}
    return json.loads(EXPECTATIONS.read_text(encoding="utf-8"))


def record(name, observed):
    """Write one message's reading into the expectations file (UPDATE mode). Locked, so
    that several test processes (pytest -n) can update it at once."""
    with open(LOCK, "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        everything = expected()
        everything[name] = observed
        _write(everything)


def prune(names):
    """Drop the expectations of messages no longer in the corpus (UPDATE mode)."""
    with open(LOCK, "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        everything = expected()
        _write({name: everything[name] for name in everything if name in set(names)})


def _write(everything):
    text = json.dumps(dict(sorted(everything.items())), ensure_ascii=False, indent=1)
    EXPECTATIONS.write_text(text + "\n", encoding="utf-8")


def message_id(name):
    """The Message-ID `receive()` keys a message by (a hash of the bytes without one)."""
    message_id, _, _ = headers_only(raw(name))
    return message_id or hashlib.sha256(raw(name)).hexdigest()


@contextlib.contextmanager
def database_for_another_process():
    """A DATABASE_URL another process (`manage.py receive_email`) can write to, holding what
    this test's database holds, and whose writes this test then reads. PostgreSQL: the test
    database itself (the test must commit: transaction=True). SQLite: the test database
    lives in memory, so it is copied to a file and the file copied back afterwards."""
    settings = connection.settings_dict
    if connection.vendor == "postgresql":
        credentials = urllib.parse.quote(settings["USER"] or "")
        if settings["PASSWORD"]:
            credentials += ":" + urllib.parse.quote(settings["PASSWORD"])
        host, port = settings["HOST"] or "127.0.0.1", settings["PORT"] or 5432
        yield f"postgres://{credentials}@{host}:{port}/{settings['NAME']}"
        return
    connection.ensure_connection()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "db.sqlite3"
        with contextlib.closing(sqlite3.connect(path)) as copy:
            connection.connection.backup(copy)
        yield f"sqlite:///{path}"
        with contextlib.closing(sqlite3.connect(path)) as copy:
            copy.backup(connection.connection)
