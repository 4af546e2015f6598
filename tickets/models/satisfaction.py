"""How did we do? The customer's rating of a resolved ticket, and the report staff read."""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Count, Q
from django.utils import timezone

from core.categories import SupportCategory
from core.people import staff_name


class Rating(models.TextChoices):
    GOOD = "good", "Good"
    BAD = "bad", "Bad"


class SatisfactionQuerySet(models.QuerySet):
    def within(self, days, now=None):
        return self.filter(updated_at__gte=(now or timezone.now()) - timedelta(days=days))

    def summary_by(self, field):
        """Good and bad counts and the share of good per value of `field` (agent or
        category), most rated first."""
        rows = (
            self.values(field)
            .annotate(
                good=Count("pk", filter=Q(rating=Rating.GOOD)),
                bad=Count("pk", filter=Q(rating=Rating.BAD)),
            )
            .order_by("-good", "-bad")
        )
        return [
            {
                **row,
                "total": row["good"] + row["bad"],
                "share": round(100 * row["good"] / (row["good"] + row["bad"])),
            }
            for row in rows
        ]

    def report(self):
        """Overall, by agent (by name) and by category: what the support lead reads."""
        from django.contrib.auth import get_user_model

        total = self.count()
        if not total:
            return {"overall": None, "by_agent": [], "by_category": []}
        good = self.filter(rating=Rating.GOOD).count()
        by_agent = self.summary_by("agent")
        ids = {row["agent"] for row in by_agent if row["agent"]}
        names = {user.pk: staff_name(user) for user in get_user_model().objects.filter(pk__in=ids)}
        return {
            "overall": {
                "good": good,
                "bad": total - good,
                "total": total,
                "share": round(100 * good / total),
            },
            "by_agent": [
                {**row, "name": names.get(row["agent"], "Unassigned")} for row in by_agent
            ],
            "by_category": [
                {**row, "label": _category_label(row["category"])}
                for row in self.summary_by("category")
            ],
        }


def _category_label(code):
    """A category as staff read it (a code no longer offered stays as it was stored)."""
    if not code:
        return "—"
    return SupportCategory(code).label if code in SupportCategory.values else code


class SatisfactionRating(models.Model):
    """One rating per ticket (the customer may change it). The agent and category are
    those of the ticket when it was rated, so the report keeps them if the ticket moves."""

    ticket = models.OneToOneField(
        "tickets.Ticket", on_delete=models.CASCADE, related_name="satisfaction"
    )
    rating = models.CharField(max_length=4, choices=Rating)
    comment = models.TextField(max_length=2000, blank=True)
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    category = models.CharField(max_length=20, choices=SupportCategory, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now, db_index=True)

    objects = SatisfactionQuerySet.as_manager()

    class Meta:
        ordering = ["-updated_at"]
        verbose_name = "satisfaction rating"

    def __str__(self):
        return f"{self.get_rating_display()} on {self.ticket.reference}"
