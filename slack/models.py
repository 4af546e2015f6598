"""Slack channels the desk posts to (each an incoming webhook, added in the admin), what
each receives, and the messages posted: one outbox row each (mail.outbox.Attempts), stored
in the writer's transaction and sent by the worker after it, with the outbox's retries."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone

from core import safehttp
from mail.outbox import Attempts, AttemptsQuerySet


class Event(models.TextChoices):
    URGENT = "urgent", "New urgent ticket"
    SLA = "sla", "SLA about to breach"
    CUSTOMER_REPLY = "reply", "Customer replied"
    RULE = "rule", "A rule's post"
    ANSWER = "answer", "An answer to someone in Slack"


class SlackChannelQuerySet(models.QuerySet):
    def active(self):
        return self.filter(active=True)

    def for_event(self, event):
        """The active channels that receive `event` (Event.URGENT, SLA, CUSTOMER_REPLY)."""
        field = {Event.URGENT: "urgent", Event.SLA: "sla", Event.CUSTOMER_REPLY: "replies"}
        return self.active().filter(**{field[event]: True}).prefetch_related("groups", "views")

    def names(self):
        """The channels' names (what a rule's "Post to a Slack channel" names)."""
        return list(self.active().values_list("name", flat=True))


class SlackChannel(models.Model):
    name = models.CharField(
        max_length=80,
        unique=True,
        help_text="As Slack shows it, like #support-urgent. Rules post to a channel by this "
        "name; each webhook posts to the one channel chosen when it was made.",
    )
    webhook_url = models.URLField(
        "incoming webhook URL",
        max_length=500,
        help_text="https://hooks.slack.com/services/… from the Slack app's Incoming Webhooks "
        "page. Keep it secret: whoever has it can post to the channel.",
    )
    urgent = models.BooleanField("new urgent tickets", default=True)
    sla = models.BooleanField("SLA about to breach", default=True)
    replies = models.BooleanField("customer replies", default=False)
    groups = models.ManyToManyField(
        "tickets.AgentGroup",
        blank=True,
        related_name="+",
        help_text="Only tickets of these groups (none chosen: every ticket).",
    )
    views = models.ManyToManyField(
        "tickets.SavedView",
        blank=True,
        related_name="+",
        verbose_name="queue views",
        help_text="Only tickets in one of these saved queue views, read as their owner reads "
        "them (none chosen: every ticket).",
    )
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = SlackChannelQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def clean(self):
        try:
            safehttp.resolve(self.webhook_url, allow_private=settings.STATUS_WEBHOOK_ALLOW_PRIVATE)
        except safehttp.UnsafeURL as error:
            raise ValidationError({"webhook_url": str(error)}) from None


class SlackMessage(Attempts):
    """One message to post: to a channel's webhook, or (an answer to someone who clicked a
    button) to the response_url Slack gave with the click."""

    class State(models.TextChoices):
        PENDING = "pending", "Pending"
        SENDING = "sending", "Sending"
        SENT = "sent", "Posted"
        FAILED = "failed", "Failed (will retry)"
        GAVE_UP = "gave_up", "Failed (gave up)"
        CANCELLED = "cancelled", "Cancelled (channel turned off)"

    channel = models.ForeignKey(
        SlackChannel, null=True, blank=True, on_delete=models.CASCADE, related_name="messages"
    )
    response_url = models.URLField(max_length=500, blank=True)
    event = models.CharField(max_length=10, choices=Event)
    ticket = models.ForeignKey(
        "tickets.Ticket", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # What makes a message once only (an SLA warning: the ticket and its due time).
    key = models.CharField(max_length=100, blank=True)
    message = models.JSONField()
    state = models.CharField(max_length=10, choices=State, default=State.PENDING)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    claimed_at = models.DateTimeField(null=True, blank=True)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    response_status = models.PositiveSmallIntegerField(null=True, blank=True)

    objects = AttemptsQuerySet.as_manager()

    class Meta:
        ordering = ["-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["channel", "key"], condition=~Q(key=""), name="slack_once_per_key"
            ),
            models.CheckConstraint(
                condition=Q(channel__isnull=False) | ~Q(response_url=""),
                name="slack_message_has_a_destination",
            ),
        ]
        indexes = [models.Index(fields=["state", "next_attempt_at"])]

    def __str__(self):
        where = self.channel or "a response URL"
        return f"{self.get_event_display()} to {where}"

    @property
    def url(self):
        return self.channel.webhook_url if self.channel_id else self.response_url
