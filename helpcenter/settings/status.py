"""Platform status: the page's identity, its cache, subscriptions and their deliveries."""

import os

from django.utils.csp import CSP

from helpcenter.settings.env import REDIS_URL, env_bool, env_list

# Platform status (status/): the public page's identity in the Statuspage v2 API, and the
# sites allowed to put /embed/frame in an iframe (CSP frame-ancestors; 'self' by default).
STATUS_PAGE_ID = os.environ.get("STATUS_PAGE_ID", "helpcenter01")
STATUS_PAGE_NAME = os.environ.get("STATUS_PAGE_NAME", "Help center platform")
STATUS_PAGE_URL = os.environ.get("STATUS_PAGE_URL", "")  # default: this site's /status/
STATUS_PAGE_TIME_ZONE = os.environ.get("STATUS_PAGE_TIME_ZONE", "Etc/UTC")
STATUS_EMBED_FRAME_ANCESTORS = env_list("STATUS_EMBED_FRAME_ANCESTORS") or [CSP.SELF]
# How long the banner state may be served from cache. Writes in this process (admin) show at
# once; writes from another process (`manage.py status`) reach a per-process memory cache
# only when it expires, hence a short default without Redis.
STATUS_CACHE_SECONDS = int(os.environ.get("STATUS_CACHE_SECONDS", "300" if REDIS_URL else "15"))
# Status subscriptions (status/subscriptions.py, status/delivery.py). Maintenance reminders go
# this many minutes before the start unless the maintenance says otherwise.
STATUS_REMINDER_MINUTES = int(os.environ.get("STATUS_REMINDER_MINUTES", "60"))
STATUS_SUBSCRIBE_RATE_LIMITS = {
    "ip": os.environ.get("STATUS_SUBSCRIBE_RATE_IP", "10/h"),
    "email": os.environ.get("STATUS_SUBSCRIBE_RATE_EMAIL", "3/h"),  # confirmations per address
}
STATUS_DELIVERY_BATCH = int(os.environ.get("STATUS_DELIVERY_BATCH", "200"))  # per task
# A delivery claimed for longer than this was lost with its worker: it is sent again.
STATUS_DELIVERY_LEASE_MINUTES = 15
STATUS_SMTP_CONNECTIONS = int(os.environ.get("STATUS_SMTP_CONNECTIONS", "4"))  # at once, a worker
STATUS_WEBHOOK_TIMEOUT = float(os.environ.get("STATUS_WEBHOOK_TIMEOUT", "10"))
STATUS_WEBHOOK_CONCURRENCY = int(os.environ.get("STATUS_WEBHOOK_CONCURRENCY", "8"))
# Webhooks to loopback, private and link-local addresses are refused, at registration and at
# each delivery. Only for tests and local development: never in production.
STATUS_WEBHOOK_ALLOW_PRIVATE = env_bool("STATUS_WEBHOOK_ALLOW_PRIVATE")
