"""Private links out of text that others read: logs (core.logs, gunicorn's access log), and
the emails customers send us, which quote the links we sent them.

A private link is a URL whose token is the only key to what it opens: whoever has it acts as
its owner. PRIVATE_LINKS lists them all, in one place (tests/core/test_redaction.py reverses
every token-bearing route of the site and checks it is here): a customer's ticket page and
its files, "My requests", the satisfaction survey, the receipt of a ticket just sent, a status
subscription's confirm, manage and unsubscribe links, a staff invitation; and
PRIVATE_QUERY_KEYS the query values that are keys too (a ticket form's id names the files
waiting for it).

One function, two ways of writing what it removes:
- in stored text (`redact_private_links(text)`) the whole link, from its scheme and host to
  the end of its path and query, becomes "[private link]" (as the copies of sent emails are
  stored: tickets migration 0003), and a token a mail client wrapped over a quoted line break
  is followed across it;
- in logs (`keep_path=True`) only the token becomes "[redacted]", so a line still says which
  page was asked for; percent-escaped paths (`/support/%74ickets/...`, which the site decodes
  and serves) are caught too, and come back decoded.

Imported by gunicorn's master process (through core.logs): nothing here loads Django.
"""

import re
from urllib.parse import unquote

REDACTED = "[private link]"  # a whole link, in stored text
MARK = "[redacted]"  # a token, in logs

# Path prefixes (as the site mounts them) that a token follows.
PRIVATE_LINKS = (
    "support/tickets/",  # a ticket's private page, /solved/ and /files/<pk>/ below it
    "support/requests/",  # "My requests", and /open/<pk>/ below it
    "support/rate/",  # the satisfaction survey
    "support/sent/",  # the form's receipt
    "status/subscribe/confirm/",  # confirming a status subscription
    "status/subscription/",  # managing it
    "status/unsubscribe/",  # leaving it (also in List-Unsubscribe headers)
    "admin/invitation/",  # a colleague's invitation: choosing their password
)
PRIVATE_QUERY_KEYS = ("intake",)  # a ticket form's id (the suggestions it asks for)

PREFIX = re.compile(
    r"(?:\b(?:https?://|www\.)[^\s/<>\"'()]+/|(?<![\w.-])/?)(?:"
    + "|".join(re.escape(p) for p in PRIVATE_LINKS)
    + ")",
    re.IGNORECASE,
)
QUERY = re.compile(
    r"([?&;](?:" + "|".join(PRIVATE_QUERY_KEYS) + r")=)[^&;#\s\"'<>\\]+", re.IGNORECASE
)
# What follows the token in the same link: sub-pages (/solved/, /files/3/), a query.
# (Not a sentence's full stop or comma after it.)
REST = re.compile(r"[^\s<>\"'()\[\]]*?(?=[.,;:!?]*(?:[\s<>\"'()\[\]]|$))")
TOKEN_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.:%~-")
# A token cut by a line break (a mail client wrapping a quoted line: "...tickets/AbC\n> dEf")
# goes on over the break while it is shorter than any token we issue.
SHORTEST_TOKEN = 40
QUOTE_BREAK = re.compile(r"[ \t]*\r?\n[>\s]*")


def _token_end(text, start):
    """Where the token that starts at `start` ends (== start: no token)."""
    end = taken = start
    while True:
        begin = end
        while end < len(text) and text[end] in TOKEN_CHARS:
            end += 1
        taken += end - begin
        if taken - start >= SHORTEST_TOKEN or end == begin and begin > start:
            return end
        wrap = QUOTE_BREAK.match(text, end)
        if not wrap or wrap.end() >= len(text) or text[wrap.end()] not in TOKEN_CHARS:
            return end
        end = wrap.end()


def _redact(text, keep_path):
    out, at = [], 0
    for match in PREFIX.finditer(text):
        if match.start() < at:
            continue  # inside a link already redacted
        end = _token_end(text, match.end())
        if end == match.end():
            continue  # the prefix alone (e.g. /support/tickets/, the lost-link page)
        if keep_path:
            out += [text[at : match.end()], MARK]
            at = end
        else:
            out += [text[at : match.start()], REDACTED]
            at = REST.match(text, end).end()
    out.append(text[at:])
    return QUERY.sub(lambda m: m.group(1) + (MARK if keep_path else REDACTED), "".join(out))


def redact_private_links(text, *, keep_path=False):
    """`text` with every private link in it redacted (see the module's docstring)."""
    if not text or ("/" not in text and "=" not in text):
        return text
    redacted = _redact(text, keep_path)
    if keep_path and "%" in redacted:
        decoded = unquote(redacted)
        if _redact(decoded, keep_path) != decoded:
            return _redact(decoded, keep_path)
    return redacted
