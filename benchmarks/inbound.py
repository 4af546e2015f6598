"""Inbound email: processing throughput for 1,000 mixed messages, and peak memory for one
message at the 25 MB limit.

    make bench-inbound            # SQLite
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres make bench-inbound

Each message goes through `receive()` (stored raw) and the processing task, exactly as the
pipe command and the webhooks run them, with the immediate task backend (so the time of the
acknowledgements and notifications each message causes is included). The mix: new tickets
from four mail clients, replies threaded by headers, replies found by subject, auto-replies,
list mail, bounces and duplicates. A benchmark, not a test: nothing here fails on a time.
"""

import base64
import gc
import random
import statistics
import tempfile
import time
import tracemalloc
import warnings
from collections import defaultdict

from benchmarks._setup import ROOT, django_with_test_database

MESSAGES = 1000
TICKETS = 200
MAIL = ROOT / "tests" / "tickets" / "mail"


def fill(name, **values):
    raw = (MAIL / name).read_bytes()
    for key, value in values.items():
        raw = raw.replace(f"{{{{{key}}}}}".encode(), value.encode())
    return raw


def unique(raw, n, sender=None):
    """The fixture as message n: its own Message-ID (and sender, so no sender cap applies)."""
    lines = raw.split(b"\n")
    out = []
    for line in lines:
        lower = line.lower()
        if lower.startswith(b"message-id:"):
            line = f"Message-ID: <bench-{n}@bench.example>".encode()
        elif sender and lower.startswith(b"from:"):
            line = f"From: Bench {n} <{sender}>".encode()
        out.append(line)
    return b"\n".join(out)


def conversations():
    """Tickets with a reply from support (so replies have Message-IDs to thread to)."""
    from django.contrib.auth import get_user_model

    from tickets import services
    from tickets.models import Ticket

    agent = get_user_model().objects.create_user("bench-agent", "agent@bench.example", "x")
    threads = []
    for n in range(TICKETS):
        ticket = services.create_ticket(
            Ticket(email=f"customer{n}@bench.example", subject=f"Problem {n}", description="x")
        )
        services.staff_update(
            ticket,
            actor=agent,
            reply="Which SDK version do you use?",
        )
        threads.append((ticket, ticket.emails.get(kind="staff_reply")))
    return threads


def mix(threads):
    rng = random.Random(42)
    new = ["apple_mail_new.eml", "html_only.eml", "unknown_charset.eml"]
    replies = ["gmail_reply.eml", "outlook_reply.eml", "thunderbird_reply_latin1.eml"]
    messages = []
    for n in range(MESSAGES):
        roll = rng.random()
        if roll < 0.40:
            kind, raw = "new ticket", unique(fill(rng.choice(new)), n, f"new{n}@bench.example")
        elif roll < 0.70:
            ticket, sent = rng.choice(threads)
            raw = fill(rng.choice(replies), IN_REPLY_TO=sent.message_id, REFERENCES=sent.message_id)
            kind, raw = "reply (headers)", unique(raw, n, ticket.email)
        elif roll < 0.80:
            ticket, sent = rng.choice(threads)
            raw = fill("outlook_reply.eml", IN_REPLY_TO="", REFERENCES="")
            raw = raw.replace(b"HC-000001", ticket.reference.encode())
            kind, raw = "reply (subject)", unique(raw, n, ticket.email)
        elif roll < 0.88:
            name = rng.choice(["out_of_office.eml", "list_mail.eml"])
            kind, raw = "auto/list", unique(fill(name, IN_REPLY_TO=""), n, f"auto{n}@bench.example")
        elif roll < 0.94:
            ticket, sent = rng.choice(threads)
            kind, raw = "bounce", unique(fill("bounce_dsn.eml", BOUNCED_ID=sent.message_id), n)
        else:
            kind, raw = "duplicate", messages[rng.randrange(len(messages))][1] if messages else b""
            if not raw:
                kind, raw = "new ticket", unique(fill(new[0]), n, f"new{n}@bench.example")
        messages.append((kind, raw))
    return messages


def big_message():
    """25 MB in all: a text part and base64 attachments (over the per-file limit: parsed,
    then refused)."""
    chunk = base64.encodebytes(random.Random(1).randbytes(6 * 2**20)).decode()
    parts = "".join(
        f"--b\nContent-Type: application/octet-stream\nContent-Disposition: attachment; "
        f'filename="dump{n}.bin"\nContent-Transfer-Encoding: base64\n\n{chunk}'
        for n in range(3)
    )
    head = (
        "From: big@bench.example\nTo: support@example.com\nSubject: Big\n"
        "Message-ID: <big@bench.example>\nContent-Type: multipart/mixed; boundary=b\n\n"
        "--b\nContent-Type: text/plain\n\nSee the dumps.\n"
    )
    raw = (head + parts + "--b--\n").encode()
    return raw[: 25 * 2**20 - 10] if len(raw) > 25 * 2**20 else raw


def main():
    warnings.filterwarnings("ignore", message="No directory at")
    teardown = django_with_test_database()
    try:
        from django.conf import settings
        from django.db import connection

        from mail import inbound
        from mail.models import InboundEmail

        settings.MEDIA_ROOT = tempfile.mkdtemp(prefix="bench-inbound-")
        threads = conversations()
        messages = mix(threads)
        by_kind = defaultdict(list)
        start = time.perf_counter()
        for kind, raw in messages:
            t0 = time.perf_counter()
            inbound.receive(raw, source="bench")  # the immediate backend processes it too
            by_kind[kind].append((time.perf_counter() - t0) * 1000)
        total = time.perf_counter() - start
        states = {
            s: InboundEmail.objects.filter(state=s).count() for s in InboundEmail.State.values
        }
        print(f"engine: {connection.vendor}; {MESSAGES} messages, {TICKETS} tickets to reply to")
        print(f"throughput: {MESSAGES / total:.1f} messages/s ({total:.1f} s in all)")
        print(f"{'kind':<18}{'count':>7}{'median ms':>11}{'p95 ms':>9}")
        for kind, samples in sorted(by_kind.items()):
            ordered = sorted(samples)
            p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
            print(f"{kind:<18}{len(samples):>7}{statistics.median(samples):>11.2f}{p95:>9.2f}")
        print("stored:", ", ".join(f"{k} {v}" for k, v in states.items() if v))

        raw = big_message()
        gc.collect()
        tracemalloc.start()
        t0 = time.perf_counter()
        stored = inbound.receive(raw, source="bench")
        elapsed = time.perf_counter() - t0
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        stored.refresh_from_db()
        print(
            f"one {len(raw) / 2**20:.1f} MB message: {elapsed:.2f} s, peak Python memory "
            f"{peak / 2**20:.0f} MB ({peak / len(raw):.1f}x its size), {stored.outcome}"
        )
    finally:
        teardown()


if __name__ == "__main__":
    main()
