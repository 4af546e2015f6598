"""An event, stored with its deliveries in the writer's transaction (nothing is lost if the
process dies after the commit: the clock sends what is due)."""

import json
from collections.abc import Callable
from itertools import batched

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder

from api.models import EVENTS, WebhookDelivery, WebhookEndpoint, WebhookEvent
from api.webhooks.payloads import EventData
from mail import outbox


def emit(
    event_type: str, data: Callable[[], EventData], *, internal: bool = False
) -> WebhookEvent | None:
    """Store `event_type` with what `data()` says for every endpoint that listens (only
    those that include internal notes when `internal`); returns the event, or None when
    nobody does. `data` is called only then: a write that nobody listens to costs one
    query, not the payload's."""
    if event_type not in EVENTS:
        raise ValueError(f"Unknown webhook event {event_type!r}")
    endpoints = WebhookEndpoint.objects.listening(event_type)
    if internal:
        endpoints = [e for e in endpoints if e.include_internal]
    if not endpoints:
        return None
    # As the API writes them (times in ISO 8601), stored as plain JSON.
    payload = json.loads(json.dumps(data(), cls=DjangoJSONEncoder))
    event = WebhookEvent.objects.create(type=event_type, payload=payload)
    WebhookDelivery.objects.bulk_create(
        [WebhookDelivery(event=event, endpoint=endpoint) for endpoint in endpoints]
    )
    from api.webhooks.delivery import send_deliveries

    ids = list(event.deliveries.order_by("pk").values_list("pk", flat=True))
    # Tasks of a few deliveries each: several workers share a busy event's endpoints.
    for part in batched(ids, settings.API_WEBHOOK_TASK_SIZE):
        outbox.enqueue_on_commit(send_deliveries, list(part))
    return event
