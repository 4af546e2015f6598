"""A ticket's conversation and audit trail: the messages the customer and staff write
(public replies and internal notes), and each change staff or rules make to it."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from core.people import staff_name
from tickets.models.ticket import Ticket


class TicketMessage(models.Model):
    class Author(models.TextChoices):
        CUSTOMER = "customer", "Customer"
        STAFF = "staff", "Support"
        SYSTEM = "system", "System"

    class Via(models.TextChoices):
        WEB = "web", "Web"
        EMAIL = "email", "Email"
        AGENT = "agent", "Taken down by an agent"  # a ticket an agent opened for them

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="messages")
    author_kind = models.CharField(max_length=10, choices=Author)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    body = models.TextField(max_length=10000)
    is_internal = models.BooleanField(
        "internal note", default=False, help_text="Internal notes are never shown to the customer."
    )
    created_at = models.DateTimeField(default=timezone.now)
    via = models.CharField(max_length=5, choices=Via, default=Via.WEB)
    # An email's sender when it is not the requester (someone they copied, or a stranger).
    sender = models.CharField(max_length=254, blank=True)
    inbound = models.ForeignKey(
        "mail.InboundEmail",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="messages",
    )

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"{self.get_author_kind_display()} on {self.ticket.reference}"

    @property
    def author_name(self):
        """Who wrote it, as the customer sees it: a first name, never a login name."""
        if self.author_kind == self.Author.CUSTOMER:
            return self.sender or self.ticket.name or self.ticket.email
        if self.author_kind == self.Author.STAFF:
            first_name = self.author and self.author.first_name
            return f"{first_name} (support)" if first_name else "The support team"
        return "Help center"

    @property
    def is_email_note(self):
        """An email kept as an internal note (unverified, or not from the customer): an
        agent may accept it as the customer's message (services.accept_email_note)."""
        return self.is_internal and self.via == self.Via.EMAIL and self.author_kind == "customer"

    @property
    def taken_down_by(self):
        """The agent who wrote down the customer's words (a ticket opened for them)."""
        return staff_name(self.author) if self.author else "an agent"

    @property
    def staff_author_name(self):
        """Who wrote it, as staff see it: which colleague, by name or login."""
        if self.author_kind == self.Author.STAFF or (self.author and self.is_internal):
            if self.author:
                return staff_name(self.author)
            return "Staff (account deleted)"
        return self.author_name


class TicketEvent(models.Model):
    """One change of status, priority, assignee or category: who, when, from what to what."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    field = models.CharField(max_length=30)
    old_value = models.CharField(max_length=200, blank=True)
    new_value = models.CharField(max_length=200, blank=True)
    reason = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self):
        who = self.actor.get_username() if self.actor else "customer/system"
        return f"{who}: {self.field} {self.old_value or '—'} → {self.new_value or '—'}"
