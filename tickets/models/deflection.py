"""Suggested articles opened from the ticket form: the deflection rate's raw data."""

from django.db import models
from django.utils import timezone


class SuggestionOpen(models.Model):
    """A suggested article opened from the ticket form. If no ticket follows from the same
    form, the suggestion deflected the ticket."""

    intake = models.CharField(max_length=40, db_index=True)
    url = models.CharField(max_length=300)
    title = models.CharField(max_length=300)
    ticket = models.ForeignKey(
        "tickets.Ticket",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="suggestions_opened",
    )
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "suggestion opened"
        verbose_name_plural = "suggestions opened (deflection)"

    def __str__(self):
        return self.title
