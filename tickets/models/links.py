"""Private links: to one ticket (one per email sent), or to the list of a customer's requests
("My requests"). Stored as hashes, each expiring on its own clock."""

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone


def new_access_token():
    """Kept for migration 0001 (tokens were stored as such until 0003)."""
    return secrets.token_urlsafe(32)


def hash_token(token):
    """What is stored of a private link: its SHA-256 (the token itself is 256 random bits)."""
    return hashlib.sha256(token.encode()).hexdigest()


class TicketLinkQuerySet(models.QuerySet):
    def mint(self, ticket):
        """A new private link (a path) to `ticket`, for one email. Only its hash is stored,
        so the database alone opens no ticket page."""
        token = secrets.token_urlsafe(32)
        self.create(ticket=ticket, token_hash=hash_token(token))
        return reverse("tickets:ticket-detail", args=[token])

    def open(self, token):
        """The ticket behind a private link, and the ticket the link was sent for if that
        one was merged into it since. TicketLink.NotFound for a wrong or expired link: one
        answer for both. Opening a link counts as a use of it."""
        link = _live(self.select_related("ticket__merged_into"), token)
        origin = link.ticket
        ticket = origin.kept()
        return ticket, (origin if ticket != origin else None)


class PrivateLink(models.Model):
    """What every private link has: a hash of its token, and a clock. It works until it has
    gone TICKET_LINK_DAYS without use; sending new links never revives old ones."""

    # How often a use is written down: reading a page every few seconds writes nothing.
    TOUCH_EVERY = timedelta(minutes=10)

    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        abstract = True

    class NotFound(Exception):
        pass

    def expires_at(self):
        last = max(filter(None, [self.created_at, self.last_used_at]))
        return last + timedelta(days=settings.TICKET_LINK_DAYS)

    def is_live(self, now=None):
        return (now or timezone.now()) < self.expires_at()

    def touch(self, now=None):
        """The link was used: its 30 days start again."""
        now = now or timezone.now()
        if self.last_used_at is None or now - self.last_used_at >= self.TOUCH_EVERY:
            self.last_used_at = now
            type(self).objects.filter(pk=self.pk).update(last_used_at=now)


def _live(queryset, token):
    """The live link for `token`, used now; NotFound for a wrong or expired one (one answer
    for both)."""
    if len(token) > 64:
        raise queryset.model.NotFound
    link = queryset.filter(token_hash=hash_token(token)).first()
    if link is None or not link.is_live():
        raise queryset.model.NotFound
    link.touch()
    return link


class TicketLink(PrivateLink):
    """A private link to a ticket, sent in one email. It opens the ticket, or, once that
    was merged, the ticket it was merged into."""

    ticket = models.ForeignKey("tickets.Ticket", on_delete=models.CASCADE, related_name="links")

    objects = TicketLinkQuerySet.as_manager()

    def __str__(self):
        return f"link to {self.ticket.reference}"


class RequestsLinkQuerySet(models.QuerySet):
    def mint(self, address_key):
        """A new "My requests" link (a path) for the customer with this address key."""
        token = secrets.token_urlsafe(32)
        self.create(email_key=address_key, token_hash=hash_token(token))
        return reverse("tickets:requests", args=[token])

    def open(self, token):
        return _live(self, token)


class RequestsLink(PrivateLink):
    """A link to the list of one customer's tickets ("My requests"), sent by email to the
    address stored on them."""

    email_key = models.CharField(max_length=320, editable=False)

    objects = RequestsLinkQuerySet.as_manager()

    def __str__(self):
        return "link to a customer's requests"
