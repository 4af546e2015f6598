from django.db import models


class PeriodicRun(models.Model):
    """When a periodic job (core.clock) runs next, and how its last run went."""

    name = models.CharField(max_length=100, primary_key=True)
    next_due = models.DateTimeField()
    last_started = models.DateTimeField(null=True, blank=True)
    last_finished = models.DateTimeField(null=True, blank=True)
    last_ok = models.BooleanField(null=True)
    last_outcome = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name
