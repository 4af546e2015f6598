from django.contrib import admin

from kb.admin import FeedbackInline, FeedbackTotalsMixin, RenderedPreviewMixin
from runbooks.models import Runbook, RunbookCheck, RunbookFixStep


class OrderedItemInline(admin.TabularInline):
    fields = ["order", "text"]
    extra = 1
    ordering = ["order", "pk"]


class CheckInline(OrderedItemInline):
    model = RunbookCheck


class FixStepInline(OrderedItemInline):
    model = RunbookFixStep


@admin.register(Runbook)
class RunbookAdmin(RenderedPreviewMixin, FeedbackTotalsMixin, admin.ModelAdmin):
    list_display = [
        "title",
        "error_codes",
        "status",
        "order",
        "yes_votes",
        "no_votes",
        "updated_at",
    ]
    list_editable = ["status", "order"]
    list_filter = ["status", "tags"]
    search_fields = ["title", "slug", "summary", "error_codes", "checks__text", "fix_steps__text"]
    prepopulated_fields = {"slug": ["title"]}
    filter_horizontal = ["related_guides", "tags"]
    readonly_fields = ["preview", "created_at", "updated_at"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "summary", "error_codes", "status", "order"]}),
        ("Background (optional)", {"fields": ["body", "preview"]}),
        ("Escalation", {"fields": ["escalation", "support_category"]}),
        ("Links", {"fields": ["related_guides", "tags"]}),
    ]
    inlines = [CheckInline, FixStepInline, FeedbackInline]
    view_on_site = True
    save_on_top = True
