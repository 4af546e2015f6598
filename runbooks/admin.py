from django.contrib import admin

from kb.admin import (
    BODY,
    PUBLISHING,
    REVIEW,
    TABULAR,
    FeedbackInline,
    FeedbackTotalsMixin,
    OutdatedInline,
)
from kb.admin_editing import EditorAdmin, FreshnessAdminMixin, NeedsReviewFilter
from runbooks.models import Runbook, RunbookCheck, RunbookFixStep


class OrderedItemInline(admin.TabularInline):
    template = TABULAR
    fields = ["order", "text"]
    extra = 1
    ordering = ["order", "pk"]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        """A name for each cell's field: the tabular inline labels only its column headers."""
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if field is not None and db_field.name in self.fields:
            name = f"{self.model._meta.verbose_name}: {db_field.verbose_name}".capitalize()
            field.widget.attrs["aria-label"] = name
            if db_field.name == "text":
                field.widget.attrs["rows"] = 2
        return field


class CheckInline(OrderedItemInline):
    model = RunbookCheck


class FixStepInline(OrderedItemInline):
    model = RunbookFixStep


@admin.register(Runbook)
class RunbookAdmin(FreshnessAdminMixin, FeedbackTotalsMixin, EditorAdmin):
    list_display = [
        "title",
        "review_reasons_text",
        "error_codes",
        "status",
        "publish_at",
        "owner",
        "review_by",
        "yes_votes",
        "no_votes",
        "updated_at",
    ]
    list_filter = ["status", NeedsReviewFilter, "owner", "tags"]
    search_fields = ["title", "slug", "summary", "error_codes", "checks__text", "fix_steps__text"]
    prepopulated_fields = {"slug": ["title"]}
    readonly_fields = ["preview", "created_at", "updated_at"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "summary", "error_codes", "order"]}),
        ("Background (optional)", BODY),
        PUBLISHING,
        REVIEW,
        ("Escalation", {"fields": ["escalation", "support_category"]}),
        ("Links", {"fields": ["related_guides", "tags"]}),
    ]
    inlines = [CheckInline, FixStepInline, FeedbackInline, OutdatedInline]
    view_on_site = True
    save_on_top = True
