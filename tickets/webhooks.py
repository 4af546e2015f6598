"""Inbound email from a provider's webhook (django-anymail verifies the provider's signature
or basic auth before this runs)."""

import logging

from tickets import inbound

log = logging.getLogger(__name__)


def receive_from_provider(sender, event, esp_name, **kwargs):
    """Store the message. An error other than a refusal propagates, so the webhook answers
    with an error and the provider delivers the message again."""
    raw = event.message.as_bytes() if event.message is not None else b""
    try:
        inbound.receive(raw, source=f"webhook:{esp_name.lower()}"[:40])
    except inbound.Rejected as refusal:
        log.warning("Inbound email from %s refused: %s", esp_name, refusal)
