"""Private links as the customer gets them: from an email."""

import re

PRIVATE_LINK = re.compile(r"/support/tickets/[A-Za-z0-9_-]{20,}/")


def link_in(body):
    match = PRIVATE_LINK.search(body)
    assert match, f"no private link in: {body!r}"
    return match.group(0)


def emailed_link(ticket):
    """The link in the confirmation email, from its stored copy (which keeps the link until
    the email is sent: a sent copy has it blanked out)."""
    return link_in(ticket.emails.get(kind="ticket_received").body)
