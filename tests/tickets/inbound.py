"""Feeding real-looking emails through the entry points production uses."""

from pathlib import Path

from mail import inbound
from mail.models import InboundEmail

MAIL = Path(__file__).resolve().parent / "mail"


def fixture(name, **values):
    """A fixture message, with {{NAME}} placeholders filled (In-Reply-To and the like)."""
    raw = (MAIL / name).read_bytes()
    for key, value in values.items():
        raw = raw.replace(f"{{{{{key}}}}}".encode(), value.encode())
    return raw


def deliver(raw, capture, source="pipe"):
    """Receive one message and run its processing task, as the worker would."""
    with capture(execute=True):
        stored = inbound.receive(raw, source=source)
    return InboundEmail.objects.get(pk=stored.pk)
