"""Incident templates: a common incident (title, message, impact, components' statuses) ready
to open in seconds, from the admin or `manage.py status incident open --template SLUG`."""

from django.db import models

from core.web.pagecache import ShownOnPublicPages
from status.models.components import Component, ComponentStatus
from status.models.incidents import Impact, IncidentStatus


class IncidentTemplate(ShownOnPublicPages, models.Model):
    name = models.CharField(max_length=100, help_text="For staff: what situation it is for.")
    slug = models.SlugField(max_length=100, unique=True, help_text="Used by `manage.py status`.")
    title = models.CharField("incident title", max_length=200)
    body = models.TextField("first update", help_text="The first message customers read.")
    impact = models.CharField(max_length=10, choices=Impact, default=Impact.MINOR)
    status = models.CharField(
        max_length=16, choices=IncidentStatus, default=IncidentStatus.INVESTIGATING
    )

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def incident_values(self):
        """What an incident opened from this template starts with."""
        return {
            "name": self.title,
            "body": self.body,
            "impact": self.impact,
            "status": self.status,
            "components": {c.component: c.status for c in self.components.all()},
        }


class IncidentTemplateComponent(ShownOnPublicPages, models.Model):
    template = models.ForeignKey(
        IncidentTemplate, on_delete=models.CASCADE, related_name="components"
    )
    component = models.ForeignKey(Component, on_delete=models.CASCADE, related_name="+")
    status = models.CharField(
        max_length=24, choices=ComponentStatus, default=ComponentStatus.PARTIAL_OUTAGE
    )

    class Meta:
        ordering = ["component__position", "component__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["template", "component"], name="status_template_component_once"
            )
        ]
        verbose_name = "affected component"

    def __str__(self):
        return f"{self.component}: {self.status}"
