from api.models.idempotency import IdempotentRequest
from api.models.tokens import ApiToken
from api.models.webhooks import EVENTS, WebhookDelivery, WebhookEndpoint, WebhookEvent

__all__ = [
    "EVENTS",
    "ApiToken",
    "IdempotentRequest",
    "WebhookDelivery",
    "WebhookEndpoint",
    "WebhookEvent",
]
