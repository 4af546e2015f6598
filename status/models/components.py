"""Components of the platform, optionally grouped, and the history of their statuses."""

from django.db import models
from django.utils import timezone
from django.utils.crypto import get_random_string

from core.web.pagecache import ShownOnPublicPages

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


class ComponentGroup(ShownOnPublicPages, models.Model):
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


class Component(ShownOnPublicPages, models.Model):
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


class ComponentStatusChange(ShownOnPublicPages, models.Model):
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
