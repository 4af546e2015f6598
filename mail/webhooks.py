"""Signing outgoing webhooks the Standard Webhooks way (https://www.standardwebhooks.com/),
so a receiver can check them with any of its libraries (`standardwebhooks` in Python,
`svix` and others) and refuse a request replayed later.

Each request carries three headers:

- `webhook-id`: the message's id, the same on every retry of one delivery (a receiver
  that saw it already can ignore it);
- `webhook-timestamp`: when this attempt was signed, in seconds since the epoch (receivers
  refuse one more than five minutes away from their clock);
- `webhook-signature`: `v1,` then the base64 HMAC-SHA256 of `{id}.{timestamp}.{body}`.

The key is a subscriber's secret, as bytes. Standard Webhooks writes secrets as `whsec_`
and the key in base64: `standard_secret` gives that form of a key.

`deliver` sends one signed webhook through the SSRF guard (core.safehttp) and says what
came of it (`post`, the same unsigned, for chat webhooks: mail.chat); the outbox rows,
claims and retries stay with the app that owns the table (status.delivery, api.webhooks).
"""

import base64
import hashlib
import hmac
import time
from dataclasses import dataclass

from core import safehttp

SECRET_PREFIX = "whsec_"


def sign(*, key, msg_id, timestamp, body):
    """The `webhook-signature` value for one request: `v1,<base64 HMAC-SHA256>`."""
    signed = f"{msg_id}.{int(timestamp)}.".encode() + body
    digest = hmac.new(key, signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode("ascii")


def signature_headers(*, key, msg_id, body, timestamp=None):
    """The three Standard Webhooks headers for `body` (bytes, sent as is), signed now
    unless `timestamp` is given."""
    if "." in msg_id or not msg_id:
        raise ValueError("A webhook id is not empty and has no dot (it is part of what is signed).")
    timestamp = int(time.time() if timestamp is None else timestamp)
    return {
        "webhook-id": msg_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": sign(key=key, msg_id=msg_id, timestamp=timestamp, body=body),
    }


def standard_secret(key):
    """A key (bytes) as Standard Webhooks libraries take it: `whsec_` and base64."""
    return SECRET_PREFIX + base64.b64encode(key).decode("ascii")


@dataclass(frozen=True)
class Outcome:
    status: int | None  # the receiver's HTTP status, None when no answer came
    error: str  # "" when delivered (a 2xx)
    excerpt: str  # the start of the receiver's answer, for the delivery log

    @property
    def delivered(self):
        return not self.error


EXCERPT_CHARS = 500


def deliver(url, *, key, msg_id, body, headers=None, timeout, allow_private=False):
    """POST `body` (JSON bytes) to `url`, signed with `key`; never raises. Redirects are not
    followed; a private address is refused unless `allow_private`."""
    sent = {**(headers or {}), **signature_headers(key=key, msg_id=msg_id, body=body)}
    return post(url, body, headers=sent, timeout=timeout, allow_private=allow_private)


def post(url, body, *, headers=None, timeout, allow_private=False):
    """POST `body` (JSON bytes) to `url` unsigned (a chat webhook, whose URL is its secret:
    mail.chat); never raises. What `deliver` does after signing."""
    sent = {"Content-Type": "application/json", **(headers or {})}
    try:
        answer = safehttp.exchange(url, body, sent, timeout=timeout, allow_private=allow_private)
    except safehttp.UnsafeURL as error:
        return Outcome(None, f"Refused: {error}", "")
    except Exception as error:
        return Outcome(None, f"{type(error).__name__}: {error}", "")
    excerpt = answer.body[: EXCERPT_CHARS * 4].decode("utf-8", "replace")[:EXCERPT_CHARS]
    excerpt = excerpt.replace("\x00", "")
    if 200 <= answer.status < 300:
        return Outcome(answer.status, "", excerpt)
    if 300 <= answer.status < 400:
        return Outcome(answer.status, f"HTTP {answer.status}: redirects are not followed", excerpt)
    return Outcome(answer.status, f"HTTP {answer.status}", excerpt)
