"""The headers of every email we send: Message-IDs nobody can guess (each app's with its own
registered prefix, so a bounce or a reply finds its way back: mail.bounces), the mail domain,
and the headers that keep machines from answering machines.

One mail domain for everything we send: the domain of DEFAULT_FROM_EMAIL.
"""

import secrets
from email.utils import parseaddr

from django.conf import settings

# Message-IDs made before the prefixes: "<hex.hc@domain>" (ticket emails).
LEGACY_SUFFIX = ".hc@"
HEX = frozenset("0123456789abcdef")


def mail_domain():
    return parseaddr(settings.DEFAULT_FROM_EMAIL)[1].rpartition("@")[2].lower() or "localhost"


def new_message_id(prefix):
    """`<prefix.<128 random bits>@mail domain>`: naming one in In-Reply-To, References or a
    delivery report proves the sender saw the email we sent."""
    if not prefix.isalnum():
        raise ValueError(f"A Message-ID prefix is letters and digits: {prefix!r}")
    return f"<{prefix}.{secrets.token_hex(16)}@{mail_domain()}>"


def prefix_of(message_id):
    """The prefix of one of our Message-IDs ("tickets", "status"...), or "" for anyone
    else's. Ticket emails sent before prefixes are "tickets"."""
    local, at, domain = message_id.strip().strip("<>").rpartition("@")
    if not at or domain.lower() != mail_domain():
        return ""
    if local.endswith(LEGACY_SUFFIX.rstrip("@")):
        return "tickets"
    prefix, dot, token = local.partition(".")
    return prefix if dot and len(token) == 32 and all(c in HEX for c in token) else ""


def is_ours(message_id):
    """A Message-ID we made (our own email, come back to us)."""
    return bool(message_id) and bool(prefix_of(message_id))


def automatic():
    """For an email nobody wrote by hand: no out-of-office answers to it (RFC 3834)."""
    return {
        "Auto-Submitted": "auto-generated",
        "X-Auto-Response-Suppress": "All",  # Exchange
    }


def mailing_list(*, name, list_key, unsubscribe_url):
    """For an email to subscribers: a list they leave in one click (RFC 2369, RFC 8058)."""
    return {
        "List-Id": f"{name} <{list_key}.{mail_domain()}>",
        "List-Unsubscribe": f"<{unsubscribe_url}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        "Precedence": "bulk",
    }
