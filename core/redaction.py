"""Private links out of text that others read.

Every link we issue that works without a login carries a secret token: whoever has the link
acts as its owner. They travel in emails to customers, and come back quoted in their replies,
in forwarded messages and in logs. `redact_private_links` replaces each such link, from its
scheme and host to the end of its path and query, with `[private link]` (as the copies of
sent emails are stored: tickets migration 0003).

PRIVATE_LINKS lists them all, in one place (a test reverses every token-bearing route of the
site and checks it is here): tickets' private pages and their files, "My requests",
satisfaction surveys, the form's receipts, and status subscriptions' confirm, manage and
unsubscribe links.
"""

import re

REDACTED = "[private link]"
# Path prefixes (as the site mounts them) that a token follows.
PRIVATE_LINKS = (
    "support/tickets/",  # a ticket's private page, /solved/ and /files/<pk>/ below it
    "support/requests/",  # "My requests", and /open/<pk>/ below it
    "support/rate/",  # the satisfaction survey
    "support/sent/",  # the form's receipt
    "status/subscribe/confirm/",  # confirming a status subscription
    "status/subscription/",  # managing it
    "status/unsubscribe/",  # leaving it (also in List-Unsubscribe headers)
)
PREFIX = re.compile(
    r"(?:\b(?:https?://|www\.)[^\s/<>\"'()]+/|(?<![\w.-])/?)(?:"
    + "|".join(re.escape(p) for p in PRIVATE_LINKS)
    + ")",
    re.IGNORECASE,
)
# What follows the token in the same link: sub-pages (/solved/, /files/3/), a query.
# (Not a sentence's full stop or comma after it.)
REST = re.compile(r"[^\s<>\"'()\[\]]*?(?=[.,;:!?]*(?:[\s<>\"'()\[\]]|$))")
TOKEN_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.:%~-")
# A token cut by a line break (a mail client wrapping a quoted line: "...tickets/AbC\n> dEf")
# goes on over the break while it is shorter than any token we issue.
SHORTEST_TOKEN = 40
QUOTE_BREAK = re.compile(r"[ \t]*\r?\n[>\s]*")


def redact_private_links(text):
    """`text` with every private link replaced by [private link]."""
    if not text or "/" not in text:
        return text
    out, at = [], 0
    for match in PREFIX.finditer(text):
        if match.start() < at:
            continue  # inside a token already redacted
        end = taken = match.end()
        while True:
            start = end
            while end < len(text) and text[end] in TOKEN_CHARS:
                end += 1
            taken += end - start
            if taken - match.end() >= SHORTEST_TOKEN or end == start and start > match.end():
                break
            wrap = QUOTE_BREAK.match(text, end)
            if not wrap or wrap.end() >= len(text) or text[wrap.end()] not in TOKEN_CHARS:
                break
            end = wrap.end()
        if end == match.end():
            continue  # the prefix alone (e.g. /support/tickets/, the lost-link page)
        out += [text[at : match.start()], REDACTED]
        at = REST.match(text, end).end()
    out.append(text[at:])
    return "".join(out)
