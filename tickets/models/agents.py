"""What agents keep for themselves and share: macros (canned responses), the reply box's
last audience, and saved queue views."""

import zoneinfo
from functools import cache

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import F, Q

from core.categories import SupportCategory
from core.people import staff_name
from tickets.models.tags import parse_tags
from tickets.models.workflow import Priority, TicketStatus


class ReplyKind(models.TextChoices):
    PUBLIC = "public", "Reply to customer"
    INTERNAL = "internal", "Internal note"


@cache  # the zones on disk are read once (a scan of the tz database)
def time_zone_choices():
    zones = sorted(zoneinfo.available_timezones() - {"localtime", "Factory"})
    return [("", "The team's (TIME_ZONE)"), *((zone, zone.replace("_", " ")) for zone in zones)]


class AgentPreference(models.Model):
    """One row per agent: what the reply box opens on (their last choice, kept across saves),
    the signature under their replies (empty: the team's, TICKET_SIGNATURE) and the time zone
    the staff pages show times in and read typed times in (empty: settings.TIME_ZONE)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="ticket_preference"
    )
    reply_kind = models.CharField(max_length=10, choices=ReplyKind, default=ReplyKind.PUBLIC)
    signature = models.TextField(
        max_length=1000,
        blank=True,
        help_text="Added under each of your replies to customers. Empty: the team's "
        "signature. {name} is your name.",
    )

    time_zone = models.CharField(
        max_length=64,
        blank=True,
        choices=time_zone_choices,
        help_text="Times on the staff pages are shown in it, and times you type are read in it.",
    )

    # Who this agent is in Slack: their buttons on ticket notifications and their /incident
    # commands act as this account (slack.people). Set by a superuser (an agent who could
    # set it could claim a colleague's Slack user).
    slack_user_id = models.CharField(
        "Slack user ID",
        max_length=20,
        blank=True,
        help_text="The member ID in the Slack profile (⋮ › Copy member ID), like U012AB3CD.",
        validators=[RegexValidator(r"^[UW][A-Z0-9]{2,19}$", "A Slack member ID, like U012AB3CD.")],
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["slack_user_id"],
                condition=~Q(slack_user_id=""),
                name="one_agent_per_slack_user",
                violation_error_message="Another agent has this Slack user ID.",
            )
        ]

    def __str__(self):
        return f"{self.user}: {self.get_reply_kind_display()}"

    @classmethod
    def time_zone_for(cls, user):
        """The zone's name: the agent's own, else settings.TIME_ZONE."""
        own = cls.objects.filter(user=user).values_list("time_zone", flat=True).first()
        return own or settings.TIME_ZONE

    @classmethod
    def reply_kind_for(cls, user):
        kind = cls.objects.filter(user=user).values_list("reply_kind", flat=True).first()
        return kind or ReplyKind.PUBLIC

    @classmethod
    def remember_reply_kind(cls, user, kind):
        cls.objects.update_or_create(user=user, defaults={"reply_kind": ReplyKind(kind)})

    @classmethod
    def signature_for(cls, user):
        """The agent's signature as customers read it: their own, else the team's, with
        {name} filled in (their first name, else their full name or login)."""
        if user is None:  # a change no agent made (a rule, a script): nobody to sign it
            return ""
        own = cls.objects.filter(user=user).values_list("signature", flat=True).first()
        text = (own or settings.TICKET_SIGNATURE).strip()
        name = user.first_name or staff_name(user)
        return text.replace("{name}", name).strip()

    @classmethod
    def signed(cls, body, user):
        """A reply with the agent's signature under it, unless it already ends with it."""
        signature = cls.signature_for(user)
        body = body.rstrip()
        if not signature or body.endswith(signature):
            return body
        return f"{body}\n\n{signature}"


class MacroQuerySet(models.QuerySet):
    def usable_by(self, user):
        """Shared macros and the agent's own."""
        return self.filter(Q(owner__isnull=True) | Q(owner=user))


class Macro(models.Model):
    """A canned response: text with variables (tickets.macros renders them, nothing else)
    and the changes it makes when the reply is sent."""

    title = models.CharField(max_length=100)
    body = models.TextField(
        max_length=10000,
        blank=True,
        help_text=(
            "Variables: {{ customer.first_name }}, {{ customer.name }}, {{ customer.email }}, "
            "{{ ticket.reference }}, {{ ticket.subject }}, {{ agent.name }}, "
            "{{ agent.first_name }}. Nothing else is interpreted."
        ),
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="macros",
        help_text="Empty: shared with every agent.",
    )
    set_status = models.CharField(max_length=10, choices=TicketStatus, blank=True)
    set_priority = models.PositiveSmallIntegerField(choices=Priority, null=True, blank=True)
    set_category = models.CharField(max_length=20, choices=SupportCategory, blank=True)
    set_assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        limit_choices_to={"is_staff": True, "is_active": True},
    )
    internal_note = models.TextField(
        max_length=2000, blank=True, help_text="Added as an internal note when the reply is sent."
    )
    add_tags = models.CharField(
        max_length=300, blank=True, help_text="Tags added on send, separated by spaces."
    )
    remove_tags = models.CharField(
        max_length=300, blank=True, help_text="Tags removed on send, separated by spaces."
    )
    usage_count = models.PositiveIntegerField(default=0, editable=False)
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = MacroQuerySet.as_manager()

    class Meta:
        ordering = ["title", "pk"]

    def __str__(self):
        return self.title

    def clean(self):
        self.add_tags = " ".join(parse_tags(self.add_tags))
        self.remove_tags = " ".join(parse_tags(self.remove_tags))

    def count_use(self, now):
        Macro.objects.filter(pk=self.pk).update(usage_count=F("usage_count") + 1, last_used_at=now)


class SavedView(models.Model):
    """An agent's own queue view: the queue's filters, as a query string."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="ticket_views"
    )
    name = models.CharField(max_length=60)
    query = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["owner", "name"], name="one_view_name_per_agent")
        ]

    def __str__(self):
        return self.name
