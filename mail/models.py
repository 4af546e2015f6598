from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone

from mail.outbox import Attempts


class Email(Attempts):
    """An email that belongs to no app's own table (the review digest, staff invitations):
    stored before it is sent, retried, given up and shown, as every outgoing email is."""

    class State(models.TextChoices):
        PENDING = "pending", "Pending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed (will retry)"
        GAVE_UP = "gave_up", "Failed (gave up)"
        BOUNCED = "bounced", "Bounced (the recipient's server refused it)"

    kind = models.CharField(max_length=50, help_text="Which email: app.name")
    to = models.EmailField(max_length=254)
    subject = models.CharField(max_length=300)
    body = models.TextField()
    headers = models.JSONField(default=dict, blank=True)
    message_id = models.CharField(max_length=200, blank=True, db_index=True)
    state = models.CharField(max_length=10, choices=State, default=State.PENDING)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["state", "next_attempt_at"])]

    def __str__(self):
        return f"{self.kind} to {self.to}"


class InboundEmail(models.Model):
    """Email that reached us: stored raw before anything else is done with it, so a message
    is never lost to a parsing bug, then processed by a task (mail.inbound)."""

    class State(models.TextChoices):
        RECEIVED = "received", "Received (waiting to be processed)"
        PROCESSED = "processed", "Processed"
        DROPPED = "dropped", "Dropped (on purpose)"
        FAILED = "failed", "Failed (kept; can be processed again)"

    class Outcome(models.TextChoices):
        NEW_TICKET = "new_ticket", "New ticket"
        REPLY = "reply", "Customer reply"
        NOTE = "note", "Internal note (not from the requester)"
        BOUNCE = "bounce", "Bounce of an email we sent"
        DELAYED = "delayed", "Delivery delayed, the server still tries (ignored)"
        RECEIPT = "receipt", "Read or delivery receipt (ignored)"
        ABUSE_REPORT = "abuse_report", "Abuse report about an email we sent (ignored)"
        AUTO_REPLY = "auto_reply", "Automatic reply (ignored)"
        BULK = "bulk", "Bulk or list mail (ignored)"
        OWN = "own", "Our own email (ignored)"
        DUPLICATE = "duplicate", "Duplicate (already received)"
        TOO_MANY = "too_many", "Too many from this sender (ignored)"
        UNREADABLE = "unreadable", "Unreadable"

    raw = models.FileField(upload_to="inbound/%Y/%m/%d/", max_length=200)
    size = models.PositiveIntegerField()
    source = models.CharField(max_length=40, help_text="pipe, imap, or webhook:<provider>")
    received_at = models.DateTimeField(default=timezone.now, db_index=True)
    # From the headers (filled when the raw message is stored, for listing and dedup).
    message_id = models.CharField(max_length=500, blank=True, db_index=True)
    sender = models.CharField(max_length=254, blank=True)
    # core.addresses.mailbox_key(sender): plus tags folded, one count per mailbox.
    sender_key = models.CharField(max_length=320, blank=True, db_index=True)
    # Where it came from, for limits: "ip:<network>" when the connecting address is known
    # (the pipe's --client-address, a provider's field), else "domain:<From domain>".
    network = models.CharField(max_length=100, blank=True, db_index=True)
    subject = models.CharField(max_length=300, blank=True)
    # SPF, DKIM and DMARC as our own receiving side judged them (Authentication-Results
    # with INBOUND_AUTHSERV_ID at the top of the message, or the webhook provider's fields).
    verdicts = models.JSONField(default=dict, blank=True)
    # What a webhook provider reported in its own fields, kept from the post.
    provider_verdicts = models.JSONField(default=dict, blank=True)

    state = models.CharField(max_length=10, choices=State, default=State.RECEIVED)
    outcome = models.CharField(max_length=12, choices=Outcome, blank=True)
    detail = models.TextField(blank=True, help_text="Why it was dropped, or what failed.")
    processed_at = models.DateTimeField(null=True, blank=True)
    # Whether the new ticket it opened was acknowledged by email (capped per network and
    # overall: INBOUND_ACKS_PER_NETWORK_PER_HOUR, INBOUND_ACKS_PER_HOUR).
    acknowledged = models.BooleanField(default=False)
    # What it became part of (a ticket), set by the app that handled it: mail knows no app.
    owner_type = models.ForeignKey(
        ContentType, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    owner_id = models.PositiveBigIntegerField(null=True, blank=True)
    owner = GenericForeignKey("owner_type", "owner_id")
    # The whole text as received (quotes and signature included), for staff.
    full_text = models.TextField(blank=True)

    class Meta:
        db_table = "tickets_inboundemail"  # made by tickets, before the mail gateway
        ordering = ["-received_at"]
        verbose_name = "inbound email"
        indexes = [models.Index(fields=["owner_type", "owner_id"], name="inbound_owner")]
        constraints = [
            # One message per Message-ID, however often it is delivered.
            models.UniqueConstraint(
                fields=["message_id"],
                condition=~models.Q(message_id=""),
                name="inbound_one_per_message_id",
            )
        ]

    def __str__(self):
        return f"{self.sender or 'unknown sender'}: {self.subject or '(no subject)'}"
