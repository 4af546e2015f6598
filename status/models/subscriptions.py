"""Who hears about status changes, what they hear, and the record of every delivery.

A Subscriber is an email address, a webhook (Statuspage's JSON, signed) or a chat webhook
(Slack-compatible). Nothing is sent to a subscriber before its email address is confirmed
(double opt-in), except that one confirmation. A Notification is one thing to tell (an
incident update, a reminder, a postmortem, a component change), composed once; a Delivery is
its outbox row for one subscriber: stored before any send is tried, unique per subscriber and
notification, claimed by a state change before sending, retried with backoff, visible in the
admin.
"""

from datetime import timedelta

from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from core import safehttp
from mail import headers
from mail.outbox import AttemptsQuerySet
from status.models.components import Component, new_code
from status.models.incidents import Incident, IncidentUpdate

UNCONFIRMED_DAYS = 7  # an unconfirmed subscription is forgotten after this


class Channel(models.TextChoices):
    EMAIL = "email", "Email"
    WEBHOOK = "webhook", "Webhook (JSON, signed)"
    CHAT = "chat", "Chat (Slack-compatible incoming webhook)"


class SubscriberQuerySet(models.QuerySet):
    def confirmed(self):
        return self.filter(confirmed_at__isnull=False)

    def active(self):
        return self.confirmed().filter(disabled_at__isnull=True)

    def unconfirmed_since(self, moment):
        return self.filter(confirmed_at__isnull=True, created_at__lt=moment)

    def forgotten(self, now):
        """Unconfirmed for longer than UNCONFIRMED_DAYS: deleted by the tick."""
        return self.unconfirmed_since(now - timedelta(days=UNCONFIRMED_DAYS))

    def interested_in(self, component_ids):
        """Subscribed to every component (none chosen) or to one of `component_ids`. An
        update that names no component is for everyone."""
        if not component_ids:
            return self
        chosen = Subscriber.components.through.objects.filter(subscriber=OuterRef("pk"))
        return self.filter(~Exists(chosen) | Exists(chosen.filter(component_id__in=component_ids)))

    def for_notification(self, notification):
        subscribers = self.active().interested_in(notification.component_ids)
        if notification.event == Event.COMPONENT_UPDATED:
            subscribers = subscribers.filter(component_updates=True)
        return subscribers


class Subscriber(models.Model):
    code = models.CharField(max_length=12, unique=True, default=new_code, editable=False)
    channel = models.CharField(max_length=10, choices=Channel, default=Channel.EMAIL)
    email = models.EmailField(
        max_length=254, help_text="Where notifications go (email) or failure notices (webhooks)."
    )
    # core.addresses.address_key(email): one email subscription per address.
    address_key = models.CharField(max_length=254, db_index=True, editable=False)
    url = models.URLField("URL", max_length=2000, blank=True)
    # The HMAC key of a webhook: shown once to whoever registered it, never in the admin.
    secret = models.CharField(max_length=64, blank=True, editable=False)
    components = models.ManyToManyField(
        Component,
        blank=True,
        related_name="subscribers",
        help_text="None chosen: every component, including ones added later.",
    )
    component_updates = models.BooleanField(
        "component status changes",
        default=False,
        help_text="Also a component's status changing outside an incident.",
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    confirmed_at = models.DateTimeField(null=True, blank=True, editable=False)
    disabled_at = models.DateTimeField(null=True, blank=True, editable=False)
    disabled_reason = models.CharField(max_length=300, blank=True, editable=False)

    objects = SubscriberQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["address_key"],
                condition=Q(channel="email"),
                name="status_one_email_subscription_per_address",
            )
        ]

    def __str__(self):
        return self.url if self.channel != Channel.EMAIL else self.email

    @property
    def is_active(self):
        return self.confirmed_at is not None and self.disabled_at is None

    @property
    def host(self):
        """The webhook's host: all that emails show of a URL that whoever registered it
        chose (the pages behind the emailed links show it whole)."""
        return safehttp.shown_host(self.url)


class Event(models.TextChoices):
    INCIDENT_CREATED = "incident_created", "Incident opened"
    INCIDENT_UPDATED = "incident_updated", "Incident updated"
    INCIDENT_RESOLVED = "incident_resolved", "Incident resolved"
    MAINTENANCE_SCHEDULED = "maintenance_scheduled", "Maintenance scheduled"
    MAINTENANCE_REMINDER = "maintenance_reminder", "Maintenance reminder"
    MAINTENANCE_STARTED = "maintenance_started", "Maintenance started"
    MAINTENANCE_UPDATED = "maintenance_updated", "Maintenance updated"
    MAINTENANCE_COMPLETED = "maintenance_completed", "Maintenance completed"
    POSTMORTEM_PUBLISHED = "postmortem_published", "Postmortem published"
    COMPONENT_UPDATED = "component_updated", "Component status changed"


class Notification(models.Model):
    """One thing to tell subscribers, composed once (what later edits change is not sent)."""

    code = models.CharField(max_length=12, unique=True, default=new_code, editable=False)
    event = models.CharField(max_length=24, choices=Event)
    incident = models.ForeignKey(
        Incident, null=True, blank=True, on_delete=models.CASCADE, related_name="notifications"
    )
    update = models.OneToOneField(
        IncidentUpdate,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notification",
    )
    component = models.ForeignKey(
        Component, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    component_ids = models.JSONField(default=list, blank=True)  # affected: who hears of it
    subject = models.CharField(max_length=300)
    text = models.TextField()  # the email's body, before the per-subscriber footer
    chat_text = models.TextField()
    payload = models.JSONField(default=dict)  # Statuspage's webhook body, less `meta`
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    fanned_out_at = models.DateTimeField(null=True, blank=True)
    recipients = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return self.subject

    def summary(self):
        """What staff read: how many were told, how many failed."""
        counts = dict(
            self.deliveries.values_list("state").annotate(n=models.Count("pk")).order_by()
        )
        sent = counts.get(Delivery.State.SENT, 0)
        total = sum(counts.values())
        if not total:
            return "Nobody to notify" if self.fanned_out_at else "Being sent"
        text = f"Sent to {sent} of {total}"
        failed = counts.get(Delivery.State.FAILED, 0) + counts.get(Delivery.State.GAVE_UP, 0)
        waiting = counts.get(Delivery.State.PENDING, 0) + counts.get(Delivery.State.SENDING, 0)
        if failed:
            text += f", {failed} failed"
        if waiting:
            text += f", {waiting} on their way"
        return text


MESSAGE_ID_PREFIX = "status"  # registered with mail.bounces (status.apps)


def new_message_id():
    """A status email's Message-ID (mail.headers: 128 random bits), so a delivery report
    that names it proves it saw the email (status.subscriptions.bounced)."""
    return headers.new_message_id(MESSAGE_ID_PREFIX)


class DeliveryQuerySet(AttemptsQuerySet):
    def due(self, now):
        """Failed ones whose retry time has come, and pending ones nobody took in a minute
        (their task was lost, or the task backend was down)."""
        return self.filter(
            Q(state=Delivery.State.FAILED, next_attempt_at__lte=now)
            | Q(state=Delivery.State.PENDING, created_at__lte=now - timedelta(minutes=1))
        )


class Delivery(models.Model):
    class Purpose(models.TextChoices):
        NOTIFICATION = "notification", "Notification"
        CONFIRMATION = "confirmation", "Confirmation request"
        MANAGE_LINK = "manage_link", "Link to manage the subscription"
        DISABLED_NOTICE = "disabled_notice", "Webhook disabled notice"

    class State(models.TextChoices):
        PENDING = "pending", "Pending"
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed (will retry)"
        GAVE_UP = "gave_up", "Failed (gave up)"
        CANCELLED = "cancelled", "Cancelled (unsubscribed or disabled)"

    subscriber = models.ForeignKey(
        Subscriber, null=True, on_delete=models.SET_NULL, related_name="deliveries"
    )
    notification = models.ForeignKey(
        Notification, null=True, blank=True, on_delete=models.CASCADE, related_name="deliveries"
    )
    purpose = models.CharField(max_length=16, choices=Purpose, default=Purpose.NOTIFICATION)
    state = models.CharField(max_length=10, choices=State, default=State.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    claimed_at = models.DateTimeField(null=True, blank=True)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    response_status = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="The webhook's HTTP status code."
    )
    last_error = models.TextField(blank=True)
    # The same on every try; "" for emails queued before it was stored (given one when sent).
    message_id = models.CharField(
        max_length=200, blank=True, db_index=True, default=new_message_id, editable=False
    )

    objects = DeliveryQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name_plural = "deliveries"
        constraints = [
            # The idempotency record: one delivery per subscriber and notification, whatever
            # crashes or retries happen.
            models.UniqueConstraint(
                fields=["subscriber", "notification"],
                condition=Q(notification__isnull=False),
                name="status_one_delivery_per_subscriber_and_notification",
            )
        ]
        indexes = [
            models.Index(fields=["state", "next_attempt_at"]),
            models.Index(fields=["notification", "state"]),
        ]

    def __str__(self):
        return f"{self.get_purpose_display()} to {self.subscriber or '(unsubscribed)'}"

    @property
    def channel(self):
        """Notifications go by the subscriber's channel; everything else is an email."""
        if self.purpose == self.Purpose.NOTIFICATION and self.subscriber:
            return self.subscriber.channel
        return Channel.EMAIL
