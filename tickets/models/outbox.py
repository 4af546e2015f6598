"""Ticket emails waiting to be sent, sent, or failed: the tickets' table of the outbox
(mail.outbox keeps the sending: tries, retries, errors)."""

from django.db import models
from django.utils import timezone

from mail.outbox import Attempts


class EmailKind(models.TextChoices):
    TICKET_RECEIVED = "ticket_received", "Ticket received (to the customer)"
    STAFF_REPLY = "staff_reply", "Reply from support (to the customer)"
    TICKET_RESOLVED = "ticket_resolved", "Ticket resolved (to the customer)"
    TICKET_LINKS = "ticket_links", "My requests link (to the customer)"
    PENDING_REMINDER = "pending_reminder", "Waiting for your reply (to the customer)"
    TICKET_AUTO_RESOLVED = "ticket_auto_resolved", "Resolved after no reply (to the customer)"
    TRIGGER_EMAIL = "trigger_email", "Email from a rule (to the customer)"
    TICKET_MERGED = "ticket_merged", "Merged into another ticket (to the customer)"
    STAFF_NEW_TICKET = "staff_new_ticket", "New ticket (to support)"
    STAFF_CUSTOMER_REPLY = "staff_customer_reply", "Customer replied (to support)"
    STAFF_SOLVED = "staff_solved", "Customer marked solved (to support)"


TO_CUSTOMER = {
    EmailKind.TICKET_RECEIVED,
    EmailKind.STAFF_REPLY,
    EmailKind.TICKET_RESOLVED,
    EmailKind.TICKET_LINKS,
    EmailKind.PENDING_REMINDER,
    EmailKind.TICKET_AUTO_RESOLVED,
    EmailKind.TRIGGER_EMAIL,
    EmailKind.TICKET_MERGED,
}


class OutboundEmail(Attempts):
    """An email waiting to be sent, sent, or failed. Stored before any send is tried, so a
    failing mail server loses nothing; failed ones are retried and shown to staff."""

    class State(models.TextChoices):
        PENDING = "pending", "Pending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed (will retry)"
        GAVE_UP = "gave_up", "Failed (gave up)"
        BOUNCED = "bounced", "Bounced (the recipient's server refused it)"

    ticket = models.ForeignKey(
        "tickets.Ticket", null=True, blank=True, on_delete=models.SET_NULL, related_name="emails"
    )
    kind = models.CharField(max_length=30, choices=EmailKind)
    to = models.EmailField(max_length=254)
    subject = models.CharField(max_length=300)
    # The text as sent, except private links: the body holds "[private link 1]" ... and
    # `link_tickets` the ticket each one opens. Links are minted when the email is sent and
    # never stored, so no copy of an email (pending, failed or sent) opens a ticket page.
    body = models.TextField()
    link_tickets = models.JSONField(default=list, blank=True, editable=False)
    state = models.CharField(max_length=10, choices=State, default=State.PENDING)
    created_at = models.DateTimeField(default=timezone.now)
    # Threading: this email's Message-ID, and what it answers (so mail clients thread the
    # conversation, and a reply to it finds its ticket).
    message_id = models.CharField(max_length=500, blank=True, db_index=True)
    in_reply_to = models.CharField(max_length=500, blank=True)
    references = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["state", "next_attempt_at"])]

    def __str__(self):
        return f"{self.kind} to {self.to}"
