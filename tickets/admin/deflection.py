"""Suggestions opened from the ticket form: the deflection report."""

from django.contrib import admin

from core.web.admin_columns import moment_column
from tickets.models import SuggestionOpen


@admin.register(SuggestionOpen)
class SuggestionOpenAdmin(admin.ModelAdmin):
    list_display = ["created_at_shown", "title", "url", "ticket"]
    created_at_shown = moment_column("created_at", "opened")
    search_fields = ["title", "url"]
    readonly_fields = ["intake", "url", "title", "ticket", "created_at"]
    date_hierarchy = "created_at"
    link_lookups = ["created_at__date__gte"]  # the dashboard's link (insights.links)

    def has_add_permission(self, request):
        return False

    def changelist_view(self, request, extra_context=None):
        report = SuggestionOpen.objects.deflection()
        return super().changelist_view(request, {**(extra_context or {}), "deflection": report})
