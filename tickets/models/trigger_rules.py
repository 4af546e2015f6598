"""Triggers: rules admins write in the admin, without code. Each has conditions (on the
channel, text, category, priority, status, organization, group, tags, custom fields,
business hours, hours since an event, who made the update) and actions (priority, status
through the workflow, category, group, assignee, tags, custom fields, an internal note, an
email to the requester). tickets.triggers runs them. This module holds the rule itself:
when it runs and how its conditions combine; its conditions (trigger_conditions), actions
(trigger_actions), what a whole rule must have and its firings (triggers) are beside it."""

from django.db import models


class Event(models.TextChoices):
    CREATED = "created", "When a ticket is created"
    UPDATED = "updated", "When a ticket is updated (a customer's reply, a staff update)"
    CREATED_OR_UPDATED = "any", "When a ticket is created or updated"
    TIME = "time", "By the clock (every 15 minutes)"


class Match(models.TextChoices):
    ALL = "all", "All of the conditions"
    ANY = "any", "Any of the conditions"


class TriggerQuerySet(models.QuerySet):
    def for_event(self, event):
        """The active rules that run on `event` ("created", "updated", "time"), in order."""
        events = [event] if event == Event.TIME else [event, Event.CREATED_OR_UPDATED]
        return self.filter(active=True, runs_on__in=events).order_by("position", "pk")


class Trigger(models.Model):
    name = models.CharField(max_length=100, unique=True)
    description = models.CharField(max_length=300, blank=True)
    active = models.BooleanField(default=True)
    position = models.PositiveIntegerField(
        default=0, help_text="Rules run in this order (the lowest first)."
    )
    runs_on = models.CharField("runs", max_length=10, choices=Event, default=Event.CREATED)
    match = models.CharField("fires when", max_length=3, choices=Match, default=Match.ALL)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = TriggerQuerySet.as_manager()

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self):
        return self.name
