"""Outgoing webhooks: the endpoints other systems registered, the events that happened, and
one delivery (an outbox row, mail.outbox.Attempts) per event and endpoint."""

import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone

from mail.outbox import Attempts, AttemptsQuerySet
from mail.webhooks import standard_secret

EVENTS = {
    "ticket.created": "A ticket was opened (form, email, agent or API).",
    "ticket.updated": "A ticket's priority, assignee, group, category, tags or fields changed.",
    "ticket.status_changed": "A ticket moved to another status.",
    "ticket.message_added": "A message was added to a ticket (internal notes only to "
    "endpoints that ask for them).",
    "ticket.rated": "A customer rated the support they got.",
    "content.published": "A guide or runbook went live.",
    "incident.updated": "A status incident or maintenance was opened or updated.",
}


def new_secret():
    return secrets.token_hex(32)


def new_event_code():
    return "msg_" + secrets.token_urlsafe(18).replace("-", "x").replace("_", "y")


class WebhookEndpointQuerySet(models.QuerySet):
    def active(self):
        return self.filter(disabled_at__isnull=True)

    def listening(self, event_type):
        """Active endpoints that want this event (JSON containment works on both
        databases' JSON fields only for PostgreSQL: filtered in Python, the table is small)."""
        return [e for e in self.active() if event_type in e.events]


class WebhookEndpoint(models.Model):
    url = models.URLField("URL", max_length=500)
    description = models.CharField(max_length=200, blank=True)
    events = models.JSONField(default=list)
    include_internal = models.BooleanField(
        "include internal notes",
        default=False,
        help_text="ticket.message_added is sent for internal notes too.",
    )
    # The HMAC key's text (its ASCII bytes are the key); shown once, as whsec_...
    secret = models.CharField(max_length=64, default=new_secret, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, editable=False
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    failures_in_a_row = models.PositiveIntegerField(default=0, editable=False)
    disabled_at = models.DateTimeField(null=True, blank=True, editable=False)
    disabled_reason = models.CharField(max_length=300, blank=True, editable=False)

    objects = WebhookEndpointQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "webhook endpoint"

    def __str__(self):
        return self.description or self.url

    @property
    def signing_secret(self):
        """The secret as Standard Webhooks libraries take it (whsec_ and base64)."""
        return standard_secret(self.secret.encode())


class WebhookEvent(models.Model):
    code = models.CharField(max_length=40, unique=True, default=new_event_code, editable=False)
    type = models.CharField(max_length=40, db_index=True)
    payload = models.JSONField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.type} {self.code}"


class WebhookDelivery(Attempts):
    class State(models.TextChoices):
        PENDING = "pending", "Pending"
        SENDING = "sending", "Sending"
        SENT = "sent", "Delivered"
        FAILED = "failed", "Failed (will retry)"
        GAVE_UP = "gave_up", "Failed (gave up)"
        CANCELLED = "cancelled", "Cancelled (endpoint disabled or removed)"

    event = models.ForeignKey(WebhookEvent, on_delete=models.CASCADE, related_name="deliveries")
    endpoint = models.ForeignKey(
        WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries"
    )
    state = models.CharField(max_length=10, choices=State, default=State.PENDING)
    claimed_at = models.DateTimeField(null=True, blank=True)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    response_status = models.PositiveSmallIntegerField(null=True, blank=True)
    response_excerpt = models.TextField(blank=True)

    objects = AttemptsQuerySet.as_manager()

    class Meta:
        ordering = ["-pk"]
        verbose_name_plural = "webhook deliveries"
        constraints = [
            models.UniqueConstraint(fields=["event", "endpoint"], name="api_one_delivery_each")
        ]
        indexes = [models.Index(fields=["state", "next_attempt_at"])]

    def __str__(self):
        return f"{self.event} to {self.endpoint}"
