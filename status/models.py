"""Platform status: components (optionally grouped), incidents, scheduled maintenance.

The enumerations are Atlassian Statuspage's, so the public API can speak its v2 format.
Every public object carries a short random `code`, the id the API exposes (never the pk).
"""

from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import get_random_string

CODE_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789"


def new_code():
    return get_random_string(12, CODE_ALPHABET)


class ComponentStatus(models.TextChoices):
    OPERATIONAL = "operational", "Operational"
    DEGRADED_PERFORMANCE = "degraded_performance", "Degraded performance"
    PARTIAL_OUTAGE = "partial_outage", "Partial outage"
    MAJOR_OUTAGE = "major_outage", "Major outage"
    UNDER_MAINTENANCE = "under_maintenance", "Under maintenance"


# Worst first; a group shows its worst component.
COMPONENT_SEVERITY = {
    ComponentStatus.OPERATIONAL: 0,
    ComponentStatus.UNDER_MAINTENANCE: 1,
    ComponentStatus.DEGRADED_PERFORMANCE: 2,
    ComponentStatus.PARTIAL_OUTAGE: 3,
    ComponentStatus.MAJOR_OUTAGE: 4,
}


def worst_component_status(statuses):
    return max(statuses, key=COMPONENT_SEVERITY.__getitem__, default=ComponentStatus.OPERATIONAL)


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


class ComponentGroup(models.Model):
    code = models.CharField(max_length=12, unique=True, default=new_code, editable=False)
    name = models.CharField(max_length=100)
    slug = models.SlugField(max_length=100, unique=True, help_text="Used by `manage.py status`.")
    description = models.CharField(max_length=300, blank=True)
    position = models.PositiveIntegerField(default=100)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["position", "name"]

    def __str__(self):
        return self.name


class ComponentQuerySet(models.QuerySet):
    def tree(self):
        """[(group or None, [components])] in page order: 2 queries. A group carries its
        worst component's status; groups without components are left out."""
        components = list(self)
        groups = {g.pk: (g, []) for g in ComponentGroup.objects.all()}
        top = [(g.position, g.name, g.pk, g) for g, _ in groups.values()]
        for component in components:
            if component.group_id in groups:
                groups[component.group_id][1].append(component)
            else:
                top.append((component.position, component.name, 0, component))
        tree = []
        for *_, item in sorted(top, key=lambda t: t[:3]):
            if isinstance(item, ComponentGroup):
                item.status = worst_component_status(c.status for c in groups[item.pk][1])
                if groups[item.pk][1]:
                    tree.append((item, groups[item.pk][1]))
            else:
                tree.append((None, [item]))
        return tree


class Component(models.Model):
    code = models.CharField(max_length=12, unique=True, default=new_code, editable=False)
    name = models.CharField(max_length=100)
    slug = models.SlugField(max_length=100, unique=True, help_text="Used by `manage.py status`.")
    description = models.CharField(max_length=300, blank=True)
    group = models.ForeignKey(
        ComponentGroup, null=True, blank=True, on_delete=models.SET_NULL, related_name="components"
    )
    status = models.CharField(
        max_length=24, choices=ComponentStatus, default=ComponentStatus.OPERATIONAL
    )
    position = models.PositiveIntegerField(default=100)
    showcase = models.BooleanField(default=True, help_text="Show 90-day uptime on /status/.")
    only_show_if_degraded = models.BooleanField(default=False)
    start_date = models.DateField(null=True, blank=True, help_text="Uptime is counted from here.")
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ComponentQuerySet.as_manager()

    class Meta:
        ordering = ["position", "name"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        previous = getattr(self, "_saved_status", None)
        changed = self._state.adding or previous != self.status
        super().save(*args, **kwargs)
        if changed:
            at = getattr(self, "_status_at", None) or timezone.now()
            ComponentStatusChange.objects.create(component=self, status=self.status, at=at)
        self._saved_status, self._status_at = self.status, None

    @classmethod
    def from_db(cls, db, field_names, values, *args, **kwargs):
        instance = super().from_db(db, field_names, values, *args, **kwargs)
        instance._saved_status = instance.__dict__.get("status")
        return instance

    def refresh_from_db(self, *args, **kwargs):
        super().refresh_from_db(*args, **kwargs)
        self._saved_status = self.__dict__.get("status")

    def set_status(self, status, *, at=None):
        """Change the status and record it in the history (uptime bars read the history)."""
        self.status = status
        self._status_at = at
        self.save()


class ComponentStatusChange(models.Model):
    """One row per status change: the component had `status` from `at` until the next row."""

    component = models.ForeignKey(Component, on_delete=models.CASCADE, related_name="history")
    status = models.CharField(max_length=24, choices=ComponentStatus)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["component", "at", "pk"]
        indexes = [models.Index(fields=["component", "at"])]
        verbose_name = "component status change"

    def __str__(self):
        return f"{self.component} {self.status} at {self.at:%Y-%m-%d %H:%M}"


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


class Incident(models.Model):
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

    def get_absolute_url(self):
        return reverse("status:incident-detail", args=[self.code])

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


class IncidentUpdate(models.Model):
    code = models.CharField(max_length=12, unique=True, default=new_code, editable=False)
    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="updates")
    status = models.CharField(max_length=16, choices=ALL_STATUSES)
    body = models.TextField()
    display_at = models.DateTimeField(default=timezone.now)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-display_at", "-pk"]

    def __str__(self):
        return f"{self.incident}: {self.status} at {self.display_at:%Y-%m-%d %H:%M}"

    @property
    def status_label(self):
        return STATUS_LABELS.get(self.status, self.status)


class IncidentUpdateComponent(models.Model):
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
