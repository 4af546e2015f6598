"""Private links as the customer gets them: from an email that was sent."""

import re

from django.core import mail

from tickets import emails

PRIVATE_LINK = re.compile(r"/support/tickets/[A-Za-z0-9_-]{20,}/")

# Links already delivered in this test, by email id (tests/conftest.py clears it).
delivered = {}


def link_in(body):
    match = PRIVATE_LINK.search(body)
    assert match, f"no private link in: {body!r}"
    return match.group(0)


def sent_link(email):
    """The link in this stored email as its recipient got it: sent now if still pending
    (links are minted at send time; the stored copy never holds one)."""
    if email.pk not in delivered:
        assert emails.deliver(email.pk) == "sent"
        message = mail.outbox[-1]
        assert message.to == [email.to] and message.subject == email.subject
        delivered[email.pk] = link_in(message.body)
    return delivered[email.pk]


def emailed_link(ticket):
    """The link in the ticket's confirmation email."""
    return sent_link(ticket.emails.get(kind="ticket_received"))


REQUESTS_LINK = re.compile(r"/support/requests/[A-Za-z0-9_-]{20,}/")


def requests_link_in(body):
    match = REQUESTS_LINK.search(body)
    assert match, f"no My requests link in: {body!r}"
    return match.group(0)


def open_from_requests(client, body, ticket):
    """Follow the "My requests" link in an email to one ticket's page; its path."""
    response = client.post(f"{requests_link_in(body)}open/{ticket.pk}/")
    assert response.status_code == 302, response.status_code
    return response["Location"]
