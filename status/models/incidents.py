"""Components (optionally grouped), incidents, scheduled maintenance and their updates.

The enumerations are Atlassian Statuspage's, so the public API can speak its v2 format.
Every public object carries a short random `code`, the id the API exposes (never the pk).
"""

import contextlib
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone

from core.markup import render_markdown
from core.web.pagecache import ShownOnPublicPages
from status.models.components import Component, ComponentStatus, new_code


def default_reminder_minutes():
    return settings.STATUS_REMINDER_MINUTES


class Impact(models.TextChoices):
    NONE = "none", "None"
    MINOR = "minor", "Minor"
    MAJOR = "major", "Major"
    CRITICAL = "critical", "Critical"


class IncidentStatus(models.TextChoices):
    INVESTIGATING = "investigating", "Investigating"
    IDENTIFIED = "identified", "Identified"
    MONITORING = "monitoring", "Monitoring"
    RESOLVED = "resolved", "Resolved"
    POSTMORTEM = "postmortem", "Postmortem"


class MaintenanceStatus(models.TextChoices):
    SCHEDULED = "scheduled", "Scheduled"
    IN_PROGRESS = "in_progress", "In progress"
    VERIFYING = "verifying", "Verifying"
    COMPLETED = "completed", "Completed"


class Kind(models.TextChoices):
    INCIDENT = "incident", "Incident"
    MAINTENANCE = "maintenance", "Scheduled maintenance"


CLOSED_STATUSES = [IncidentStatus.RESOLVED, IncidentStatus.POSTMORTEM, MaintenanceStatus.COMPLETED]
ALL_STATUSES = [*IncidentStatus.choices, *MaintenanceStatus.choices]
STATUS_LABELS = dict(ALL_STATUSES)


class IncidentQuerySet(models.QuerySet):
    def incidents(self):
        return self.filter(kind=Kind.INCIDENT)

    def maintenances(self):
        return self.filter(kind=Kind.MAINTENANCE)

    def unresolved(self):
        return self.exclude(status__in=CLOSED_STATUSES)

    def resolved(self):
        return self.filter(status__in=CLOSED_STATUSES)

    def by_schedule(self):
        return self.order_by("scheduled_for", "pk")

    def upcoming(self):
        """Maintenances announced and not started yet, soonest first."""
        return self.maintenances().filter(status=MaintenanceStatus.SCHEDULED).by_schedule()

    def in_progress(self):
        return (
            self.maintenances()
            .filter(status__in=[MaintenanceStatus.IN_PROGRESS, MaintenanceStatus.VERIFYING])
            .by_schedule()
        )

    def reminders_due(self, now):
        """Maintenances whose reminder time has come, not yet reminded and not started. A
        maintenance announced after its reminder time gets none: the announcement is news
        enough."""
        return self.upcoming().filter(
            remind_at__lte=now,
            remind_at__gt=models.F("created_at"),
            reminded_at=None,
            scheduled_for__gt=now,
        )

    def affecting(self, component):
        return self.filter(components=component)

    def due_to_move(self, now):
        """Open maintenances whose start or end time has passed (see Incident.due_status)."""
        return (
            self.maintenances()
            .unresolved()
            .filter(
                models.Q(status=MaintenanceStatus.SCHEDULED, scheduled_for__lte=now)
                | models.Q(scheduled_until__lte=now)
            )
        )

    def with_details(self):
        return self.prefetch_related(
            models.Prefetch("components", queryset=Component.objects.select_related("group")),
            models.Prefetch(
                "updates",
                queryset=IncidentUpdate.objects.prefetch_related("component_changes__component"),
            ),
        )


class Incident(ShownOnPublicPages, models.Model):
    """An incident or (kind=maintenance) a scheduled maintenance: one table, as in Statuspage."""

    code = models.CharField(max_length=12, unique=True, default=new_code, editable=False)
    kind = models.CharField(max_length=12, choices=Kind, default=Kind.INCIDENT, editable=False)
    name = models.CharField(max_length=200)
    status = models.CharField(max_length=16, choices=ALL_STATUSES)
    impact = models.CharField(max_length=10, choices=Impact, default=Impact.MINOR)
    components = models.ManyToManyField(
        Component, blank=True, related_name="incidents", help_text="Affected components."
    )
    guides = models.ManyToManyField(
        "kb.Guide", blank=True, related_name="incidents", help_text="Shown a notice while open."
    )
    runbooks = models.ManyToManyField(
        "runbooks.Runbook",
        blank=True,
        related_name="incidents",
        help_text="Shown a notice while open.",
    )
    scheduled_for = models.DateTimeField(null=True, blank=True)
    scheduled_until = models.DateTimeField(null=True, blank=True)
    reminder_minutes = models.PositiveIntegerField(
        null=True,
        blank=True,
        default=default_reminder_minutes,
        verbose_name="reminder (minutes before the start)",
        help_text="Subscribers get a reminder this long before the start. Empty: none.",
    )
    remind_at = models.DateTimeField(null=True, blank=True, editable=False)
    reminded_at = models.DateTimeField(null=True, blank=True, editable=False)
    postmortem_body = models.TextField(
        "postmortem",
        blank=True,
        help_text="Markdown. What happened, why, and what changes so it does not again.",
    )
    postmortem_html = models.TextField(blank=True, editable=False)
    postmortem_published_at = models.DateTimeField(null=True, blank=True, editable=False)
    started_at = models.DateTimeField(default=timezone.now)
    monitoring_at = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now)

    objects = IncidentQuerySet.as_manager()

    class Meta:
        ordering = ["-started_at", "-pk"]
        indexes = [models.Index(fields=["kind", "status"])]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        # Sanitised once, here, like guides: templates show the stored HTML as it is.
        self.postmortem_html = render_markdown(self.postmortem_body).html
        self.remind_at = None
        if self.is_maintenance and self.scheduled_for and self.reminder_minutes:
            # Before the first instant Python holds (year 1): long past, no reminder.
            with contextlib.suppress(OverflowError):
                self.remind_at = self.scheduled_for - timedelta(minutes=self.reminder_minutes)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("status:incident-detail", args=[self.code])

    @property
    def has_postmortem(self):
        return self.postmortem_published_at is not None

    @property
    def is_maintenance(self):
        return self.kind == Kind.MAINTENANCE

    @property
    def is_open(self):
        return self.status not in CLOSED_STATUSES

    @property
    def status_label(self):
        return STATUS_LABELS.get(self.status, self.status)

    def due_status(self, now):
        """A maintenance moves on by the clock: in progress at its start, completed at its end."""
        if not self.is_maintenance or self.status == MaintenanceStatus.COMPLETED:
            return self.status
        if self.scheduled_until and now >= self.scheduled_until:
            return MaintenanceStatus.COMPLETED
        if self.status == MaintenanceStatus.SCHEDULED and self.scheduled_for <= now:
            return MaintenanceStatus.IN_PROGRESS
        return self.status


class Maintenance(Incident):
    """Scheduled maintenance, for its own admin screen."""

    class Meta:
        proxy = True
        verbose_name = "scheduled maintenance"
        verbose_name_plural = "scheduled maintenances"


class IncidentUpdate(ShownOnPublicPages, models.Model):
    code = models.CharField(max_length=12, unique=True, default=new_code, editable=False)
    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="updates")
    status = models.CharField(max_length=16, choices=ALL_STATUSES)
    body = models.TextField()
    display_at = models.DateTimeField(default=timezone.now)
    deliver_notifications = models.BooleanField(
        "notify subscribers", default=True, help_text="Email and webhook subscribers hear of it."
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-display_at", "-pk"]

    def __str__(self):
        return f"{self.incident}: {self.status} at {self.display_at:%Y-%m-%d %H:%M}"

    @property
    def status_label(self):
        return STATUS_LABELS.get(self.status, self.status)


class IncidentUpdateComponent(ShownOnPublicPages, models.Model):
    """A component status change that an update made (Statuspage's `affected_components`)."""

    update = models.ForeignKey(
        IncidentUpdate, on_delete=models.CASCADE, related_name="component_changes"
    )
    component = models.ForeignKey(Component, on_delete=models.CASCADE, related_name="+")
    old_status = models.CharField(max_length=24, choices=ComponentStatus)
    new_status = models.CharField(max_length=24, choices=ComponentStatus)

    class Meta:
        ordering = ["pk"]

    def __str__(self):
        return f"{self.component}: {self.old_status} → {self.new_status}"
