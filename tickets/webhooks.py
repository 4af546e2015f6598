"""Inbound email from a provider's webhook (django-anymail verifies the provider's signature
or basic auth before this runs), and the webhooks' URLs (helpcenter.urls includes them)."""

import logging

from anymail import urls as anymail_urls
from anymail.exceptions import AnymailWebhookValidationFailure
from django.urls import URLPattern

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


# The provider webhooks' URLs (anymail's), each view refusing a body it cannot read.
READ_ERRORS = (ValueError, TypeError, AttributeError, KeyError, IndexError, RecursionError)


class _ReadsOrRefuses:
    """Anymail checks the provider's secret or signature, then reads the body with no check
    of its shape: JSON that does not parse or is nested too deep, a list where an object
    goes, bytes that are not UTF-8 all raised, and a 500 tells the provider to send the same
    body again. A body it cannot read is the sender's error: a 400 (anymail's
    AnymailWebhookValidationFailure is a SuspiciousOperation). Errors in storing a message
    it did read still answer 500, so the provider retries those."""

    def parse_events(self, request):
        try:
            return super().parse_events(request)
        except READ_ERRORS as error:
            raise AnymailWebhookValidationFailure(
                f"{self.esp_name} webhook: unreadable body ({type(error).__name__})"
            ) from error


def _reads_or_refuses(pattern):
    view = pattern.callback
    checked = type(view.view_class.__name__, (_ReadsOrRefuses, view.view_class), {})
    return URLPattern(
        pattern.pattern, checked.as_view(**view.view_initkwargs), pattern.default_args, pattern.name
    )


app_name = anymail_urls.app_name
urlpatterns = [_reads_or_refuses(pattern) for pattern in anymail_urls.urlpatterns]
