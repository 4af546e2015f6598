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
"""

import base64
import hashlib
import hmac
import time

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
