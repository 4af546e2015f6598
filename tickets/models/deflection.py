"""Suggested articles opened from the ticket form: the deflection rate's raw data."""

from datetime import timedelta

from django.db import models
from django.db.models import Count
from django.utils import timezone


class SuggestionOpenQuerySet(models.QuerySet):
    def deflection(self, days=30):
        """Of the forms where a suggestion was opened, how many sent no ticket (deflected).
        Forms opened in the last hour are left out: their ticket may still come."""
        now = timezone.now()
        window = self.filter(
            created_at__gte=now - timedelta(days=days), created_at__lt=now - timedelta(hours=1)
        )
        forms = window.values("intake").annotate(tickets=Count("ticket"))  # counts non-null
        total = forms.count()
        deflected = forms.filter(tickets=0).count()  # counted by the database, not fetched
        recent = self.filter(created_at__gte=now - timedelta(hours=1))
        return {
            "days": days,
            "pending": recent.values("intake").distinct().count(),
            "forms": total,
            "deflected": deflected,
            "rate": round(100 * deflected / total) if total else None,
        }


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

    objects = SuggestionOpenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "suggestion opened"
        verbose_name_plural = "suggestions opened (deflection)"

    def __str__(self):
        return self.title
