from django.contrib import admin
from django.contrib.contenttypes.admin import GenericTabularInline
from django.db.models import Count, Q
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from kb.models import FAQEntry, Feedback, Guide, PageBlock, Tag


class RenderedPreviewMixin:
    """A read-only preview of the sanitized HTML, as the public page shows it."""

    @admin.display(description="Preview (as last saved)")
    def preview(self, obj):
        if not obj or not obj.body_html:
            return "Save to see the rendered preview."
        # body_html was sanitized by helpcenter.markup.render_markdown when it was saved.
        return format_html('<div class="admin-preview">{}</div>', mark_safe(obj.body_html))


class FeedbackTotalsMixin:
    """Yes/No totals from readers, as list columns."""

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                helpful_yes=Count("feedback", filter=Q(feedback__helpful=True), distinct=True),
                helpful_no=Count("feedback", filter=Q(feedback__helpful=False), distinct=True),
            )
        )

    @admin.display(description="Helpful: yes", ordering="helpful_yes")
    def yes_votes(self, obj):
        return obj.helpful_yes

    @admin.display(description="Helpful: no", ordering="helpful_no")
    def no_votes(self, obj):
        return obj.helpful_no


class FeedbackInline(GenericTabularInline):
    model = Feedback
    fields = ["helpful", "reason", "updated_at"]
    readonly_fields = fields
    extra = 0
    can_delete = True
    verbose_name_plural = "Reader feedback"

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "guide_count"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(num_guides=Count("guides"))

    @admin.display(description="Guides", ordering="num_guides")
    def guide_count(self, obj):
        return obj.num_guides


@admin.register(Guide)
class GuideAdmin(RenderedPreviewMixin, FeedbackTotalsMixin, admin.ModelAdmin):
    list_display = ["title", "status", "order", "yes_votes", "no_votes", "updated_at"]
    list_editable = ["status", "order"]
    list_filter = ["status", "tags", "updated_at"]
    search_fields = ["title", "slug", "summary", "body"]
    prepopulated_fields = {"slug": ["title"]}
    filter_horizontal = ["tags"]
    readonly_fields = ["preview", "created_at", "updated_at"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "summary", "tags", "status", "order"]}),
        ("Body", {"fields": ["body", "preview"]}),
        ("Dates", {"fields": ["created_at", "updated_at"], "classes": ["collapse"]}),
    ]
    inlines = [FeedbackInline]
    view_on_site = True
    save_on_top = True


@admin.register(FAQEntry)
class FAQEntryAdmin(RenderedPreviewMixin, admin.ModelAdmin):
    list_display = ["question", "order", "updated_at"]
    list_editable = ["order"]
    search_fields = ["question", "body"]
    prepopulated_fields = {"slug": ["question"]}
    readonly_fields = ["preview"]
    fields = ["question", "slug", "order", "body", "preview"]


@admin.register(PageBlock)
class PageBlockAdmin(RenderedPreviewMixin, admin.ModelAdmin):
    list_display = ["key", "title", "updated_at"]
    search_fields = ["key", "title", "body"]
    readonly_fields = ["preview"]
    fields = ["key", "eyebrow", "title", "body", "preview", "link_text"]


@admin.register(Feedback)
class FeedbackAdmin(admin.ModelAdmin):
    list_display = ["target_title", "content_type", "helpful", "reason", "updated_at"]
    list_filter = ["helpful", "content_type", "updated_at"]
    search_fields = ["reason"]
    readonly_fields = ["content_type", "object_id", "helpful", "reason", "created_at", "updated_at"]
    exclude = ["voter"]
    date_hierarchy = "updated_at"

    def get_queryset(self, request):
        return (
            super().get_queryset(request).select_related("content_type").prefetch_related("target")
        )

    def has_add_permission(self, request):
        return False

    @admin.display(description="Page")
    def target_title(self, obj):
        return str(obj.target) if obj.target else "(deleted)"
