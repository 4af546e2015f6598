"""Chat messages: JSON POSTed to a Slack-compatible incoming webhook (Slack, Mattermost,
Rocket.Chat; Discord and Teams take the same `text`). The one path for every chat message
the site sends: status subscribers of the chat channel (status.delivery.webhooks) and the
support desk's Slack channels (slack.delivery). The URL is the webhook's secret, so nothing
is signed; it goes through the SSRF guard (core.safehttp) like every webhook, and the
outbox rows, claims and retries stay with the app that owns the table."""

import json

from mail import webhooks

USER_AGENT = "helpcenter-chat/1"


def body(text, *, blocks=None, **fields):
    """The message's bytes: `text` (the notification's words, and all a client without
    Block Kit shows), optional Block Kit `blocks`, and any other field Slack reads
    (`response_type`, `replace_original`)."""
    message = {"text": text, **fields}
    if blocks:
        message["blocks"] = blocks
    return json.dumps(message, separators=(",", ":")).encode()


def escape(text):
    """Slack's mrkdwn needs &, < and > escaped; everything else is shown as written."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def post(url, message, *, headers=None, timeout, allow_private=False):
    """POST `message` (bytes from `body`) to the webhook; a mail.webhooks.Outcome, never
    raises."""
    sent = {"User-Agent": USER_AGENT, **(headers or {})}
    return webhooks.post(url, message, headers=sent, timeout=timeout, allow_private=allow_private)
