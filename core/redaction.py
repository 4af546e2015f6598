"""Private links out of text that others read: logs (core.logs), and anything else that
keeps or shows a URL it was given.

A private link is a URL whose token is the only key to what it opens: a customer's ticket
page and its files, "My requests", the satisfaction survey, a status subscription's
confirm, manage and unsubscribe links, the confirmation of a ticket just sent, and the id of
a ticket form (it names the files waiting for that form). PRIVATE_LINKS lists them all, one
pattern each: the part before the token stays, the token becomes MARK. tests/core/
test_redaction.py checks every URL pattern of the site with a token against this list.

Imported by gunicorn's master process (through core.logs): nothing here loads Django.
"""

import re
from urllib.parse import unquote

MARK = "[redacted]"

# A token in a path: up to the next slash, query, fragment, space, quote or bracket.
_PATH_TOKEN = r"[^/?#\s\"'<>\\]+"
# A value in a query string: up to the next parameter.
_QUERY_VALUE = r"[^&;#\s\"'<>\\]+"

PRIVATE_LINKS = [
    # tickets/urls.py (mounted at /support/)
    re.compile(r"(/support/tickets/)" + _PATH_TOKEN, re.I),  # ticket page, solved, files
    re.compile(r"(/support/requests/)" + _PATH_TOKEN, re.I),  # My requests, open a ticket
    re.compile(r"(/support/rate/)" + _PATH_TOKEN, re.I),  # satisfaction survey
    re.compile(r"(/support/sent/)" + _PATH_TOKEN, re.I),  # confirmation of a ticket sent
    re.compile(r"([?&;]intake=)" + _QUERY_VALUE, re.I),  # a ticket form's id (suggestions)
    # status/urls.py (mounted at /)
    re.compile(r"(/status/subscribe/confirm/)" + _PATH_TOKEN, re.I),
    re.compile(r"(/status/subscription/)" + _PATH_TOKEN, re.I),  # manage
    re.compile(r"(/status/unsubscribe/)" + _PATH_TOKEN, re.I),
]


def _redact(text):
    for pattern in PRIVATE_LINKS:
        text = pattern.sub(lambda m: m.group(1) + MARK, text)
    return text


def redact_private_links(text):
    """`text` with the token of every private link in it replaced by MARK. A link written
    with percent-escapes (`/support/%74ickets/...`, which the site decodes and serves) is
    caught too: such text comes back decoded, with the tokens replaced."""
    if not text:
        return text
    redacted = _redact(text)
    if "%" in redacted:
        decoded = unquote(redacted)
        if _redact(decoded) != decoded:
            return _redact(decoded)
    return redacted
