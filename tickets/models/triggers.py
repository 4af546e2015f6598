"""A rule as a whole (tickets.models.trigger_rules): what it must have beyond its rows
each checked on their own, and its firings."""

from django.db import models
from django.utils import timezone

from tickets.models.trigger_conditions import HOURS
from tickets.models.trigger_rules import Event, Trigger


def check_rule(runs_on, conditions, actions):
    """What a whole rule must have (its rows each checked on their own): an action, and for
    a rule run by the clock a condition on hours since an event (so it acts on tickets
    that waited, not on every ticket at once). Returns the problems."""
    problems = []
    if not actions:
        problems.append("Add an action: a rule without one does nothing.")
    if runs_on == Event.TIME and not any(c in HOURS for c in conditions):
        problems.append(
            "A rule run by the clock needs a condition on hours since an event (created, "
            "the customer's last message, or the status change)."
        )
    return problems


class TriggerFiring(models.Model):
    """One firing of a rule on a ticket: the time rules' memory (a rule run by the clock
    fires once per ticket until its status changes) and the admin's counts."""

    trigger = models.ForeignKey(Trigger, on_delete=models.CASCADE, related_name="firings")
    ticket = models.ForeignKey(
        "tickets.Ticket", on_delete=models.CASCADE, related_name="trigger_firings"
    )
    fired_at = models.DateTimeField(default=timezone.now)
    event = models.CharField(max_length=10)
    summary = models.CharField(max_length=200)

    class Meta:
        ordering = ["-fired_at", "-pk"]
        indexes = [models.Index(fields=["trigger", "ticket", "fired_at"])]

    def __str__(self):
        return self.summary
