"""The API's periodic work, run by the clock (core.clock)."""

from api import idempotency
from api.webhooks import delivery
from core import clock

clock.every("api.forget_idempotency_keys", hours=1)(idempotency.forget_old)
clock.every("api.webhook_retries", minutes=1)(delivery.send_due)
