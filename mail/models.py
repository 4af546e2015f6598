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
