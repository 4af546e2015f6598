"""The REST API (api/): its rate limit per token, how long idempotency keys are kept, and
outgoing webhooks."""

import os

# Requests a token may make (django-ratelimit's form: "600/m" is 600 a minute).
API_RATE_LIMIT = os.environ.get("API_RATE_LIMIT", "600/m")
# How long a POST's Idempotency-Key is remembered.
API_IDEMPOTENCY_HOURS = int(os.environ.get("API_IDEMPOTENCY_HOURS", "24"))

# Outgoing webhooks (api/webhooks/): how long a receiver may take, how many are sent at once
# by a worker, and after how many failed deliveries in a row an endpoint is disabled (one
# whose delivery gave up after the outbox's retries is disabled too). Private addresses are
# refused unless STATUS_WEBHOOK_ALLOW_PRIVATE is on (one setting for every webhook).
API_WEBHOOK_TIMEOUT = float(os.environ.get("API_WEBHOOK_TIMEOUT", "10"))
API_WEBHOOK_CONCURRENCY = int(os.environ.get("API_WEBHOOK_CONCURRENCY", "8"))
# Deliveries per task: an event for many endpoints is sent by several workers at once.
API_WEBHOOK_TASK_SIZE = int(os.environ.get("API_WEBHOOK_TASK_SIZE", "100"))
API_WEBHOOK_DISABLE_AFTER = int(os.environ.get("API_WEBHOOK_DISABLE_AFTER", "15"))
