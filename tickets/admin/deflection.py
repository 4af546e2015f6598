"""Suggestions opened from the ticket form: the deflection report."""

from datetime import timedelta

from django.contrib import admin
from django.db.models import Count, Q
from django.utils import timezone

from tickets.models import (
    SuggestionOpen,
)


@admin.register(SuggestionOpen)
class SuggestionOpenAdmin(admin.ModelAdmin):
    list_display = ["created_at", "title", "url", "ticket"]
    search_fields = ["title", "url"]
    readonly_fields = ["intake", "url", "title", "ticket", "created_at"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "deflection": deflection_report()}
        return super().changelist_view(request, extra_context)


def deflection_report(days=30):
    """Of the forms where a suggestion was opened, how many sent no ticket (deflected).
    Forms opened in the last hour are left out: their ticket may still come."""
    now = timezone.now()
    window = SuggestionOpen.objects.filter(
        created_at__gte=now - timedelta(days=days),
        created_at__lt=now - timedelta(hours=1),
    )
    forms_ = window.values("intake").annotate(
        tickets=Count("ticket", filter=Q(ticket__isnull=False))
    )
    total = forms_.count()
    deflected = sum(1 for f in forms_ if f["tickets"] == 0)
    recent = SuggestionOpen.objects.filter(created_at__gte=now - timedelta(hours=1))
    return {
        "days": days,
        "pending": recent.values("intake").distinct().count(),
        "forms": total,
        "deflected": deflected,
        "rate": round(100 * deflected / total) if total else None,
    }
