"""The REST API (api/): its rate limit per token, how long idempotency keys are kept, and
outgoing webhooks."""

import os

# Requests a token may make (django-ratelimit's form: "600/m" is 600 a minute).
API_RATE_LIMIT = os.environ.get("API_RATE_LIMIT", "600/m")
# How long a POST's Idempotency-Key is remembered.
API_IDEMPOTENCY_HOURS = int(os.environ.get("API_IDEMPOTENCY_HOURS", "24"))
