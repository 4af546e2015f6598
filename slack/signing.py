"""Is this request from Slack? Slack signs each request it sends to the app with the app's
signing secret (https://api.slack.com/authentication/verifying-requests-from-slack):

    X-Slack-Request-Timestamp: 1531420618
    X-Slack-Signature: v0=<hex HMAC-SHA256 of "v0:{timestamp}:{raw body}">

A request is taken when the signature matches (compared in constant time) and the
timestamp is within SLACK_MAX_AGE_SECONDS of our clock, so a captured request cannot be
replayed later. The documented algorithm in a few lines, rather than slack-sdk for one
function (tests/slack/test_signing.py checks Slack's published example)."""

import hashlib
import hmac
import time

VERSION = "v0"


class Refused(Exception):
    """Not a request from Slack; the message says why (for the log, never the answer)."""


def sign(secret, timestamp, body):
    """The X-Slack-Signature of `body` (bytes) sent at `timestamp` (the header's text)."""
    base = f"{VERSION}:{timestamp}:".encode() + body
    return f"{VERSION}=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()


def verify(*, secret, timestamp, signature, body, max_age, now=None):
    """Raise Refused unless `signature` is Slack's for `body` at `timestamp`, recent."""
    if not timestamp or not signature:
        raise Refused("no signature or timestamp")
    if not (timestamp.isascii() and timestamp.isdigit() and len(timestamp) <= 12):
        raise Refused("a timestamp that is no number")
    now = time.time() if now is None else now
    if abs(now - int(timestamp)) > max_age:
        raise Refused("a timestamp too far from now (a replay, or a wrong clock)")
    expected = sign(secret, timestamp, body).encode()
    if not hmac.compare_digest(expected, signature.encode("utf-8", "replace")):
        raise Refused("a signature that does not match")
