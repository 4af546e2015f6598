from django.contrib import admin
from django.contrib.contenttypes.admin import GenericTabularInline
from django.db.models import Count, Q

from kb.admin_editing import EditorAdmin, FreshnessAdminMixin, NeedsReviewFilter
from kb.models import FAQEntry, Feedback, Guide, OutdatedReport, PageBlock, Tag

BODY = {"fields": ["body", "preview"], "classes": ["editor-split"]}
PUBLISHING = ("Publishing", {"fields": ["status", "publish_at", "unpublish_at"]})
REVIEW = ("Review", {"fields": ["owner", "review_by"]})


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


# Django's tabular inline, with a name for its first (empty) column header.
TABULAR = "admin/kb/edit_inline/tabular.html"


class FeedbackInline(GenericTabularInline):
    template = TABULAR
    model = Feedback
    fields = ["helpful", "reason", "updated_at"]
    readonly_fields = fields
    extra = 0
    can_delete = True
    verbose_name_plural = "Reader feedback"

    def has_add_permission(self, request, obj=None):
        return False


class OutdatedInline(GenericTabularInline):
    template = TABULAR
    model = OutdatedReport
    fields = ["note", "updated_at"]
    readonly_fields = fields
    extra = 0
    can_delete = True
    verbose_name_plural = "Reported out of date by readers"

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
class GuideAdmin(FreshnessAdminMixin, FeedbackTotalsMixin, EditorAdmin):
    list_display = [
        "title",
        "review_reasons_text",
        "status",
        "publish_at",
        "owner",
        "review_by",
        "yes_votes",
        "no_votes",
        "updated_at",
    ]
    list_filter = ["status", NeedsReviewFilter, "owner", "tags", "updated_at"]
    search_fields = ["title", "slug", "summary", "body"]
    prepopulated_fields = {"slug": ["title"]}
    readonly_fields = ["preview", "created_at", "updated_at"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "summary", "tags", "order"]}),
        ("Body", BODY),
        PUBLISHING,
        REVIEW,
        ("Dates", {"fields": ["created_at", "updated_at"], "classes": ["collapse"]}),
    ]
    inlines = [FeedbackInline, OutdatedInline]
    view_on_site = True
    save_on_top = True


@admin.register(FAQEntry)
class FAQEntryAdmin(FreshnessAdminMixin, EditorAdmin):
    list_display = ["question", "review_reasons_text", "order", "owner", "review_by", "updated_at"]
    list_editable = ["order"]
    list_filter = [NeedsReviewFilter, "owner"]
    search_fields = ["question", "body"]
    prepopulated_fields = {"slug": ["question"]}
    readonly_fields = ["preview"]
    fieldsets = [
        (None, {"fields": ["question", "slug", "order"]}),
        ("Answer", BODY),
        REVIEW,
    ]
    inlines = [OutdatedInline]


@admin.register(PageBlock)
class PageBlockAdmin(EditorAdmin):
    list_display = ["key", "title", "updated_at"]
    search_fields = ["key", "title", "body"]
    readonly_fields = ["preview"]
    fieldsets = [
        (None, {"fields": ["key", "eyebrow", "title", "link_text"]}),
        ("Body", BODY),
    ]


class ReaderReportAdmin(admin.ModelAdmin):
    """What readers sent about a page (answers, out-of-date reports): read, never written here."""

    def get_queryset(self, request):
        return (
            super().get_queryset(request).select_related("content_type").prefetch_related("target")
        )

    def has_add_permission(self, request):
        return False

    @admin.display(description="Page")
    def target_title(self, obj):
        return str(obj.target) if obj.target else "(deleted)"


@admin.register(Feedback)
class FeedbackAdmin(ReaderReportAdmin):
    list_display = ["target_title", "content_type", "helpful", "reason", "updated_at"]
    list_filter = ["helpful", "content_type", "updated_at"]
    search_fields = ["reason"]
    readonly_fields = ["content_type", "object_id", "helpful", "reason", "created_at", "updated_at"]
    exclude = ["voter"]
    date_hierarchy = "updated_at"
    link_lookups = ["object_id", "updated_at__date__gte"]  # the dashboard's (insights.links)


@admin.register(OutdatedReport)
class OutdatedReportAdmin(ReaderReportAdmin):
    list_display = ["target_title", "content_type", "note", "updated_at"]
    list_filter = ["content_type", "updated_at"]
    search_fields = ["note"]
    readonly_fields = ["content_type", "object_id", "note", "created_at", "updated_at"]
    exclude = ["voter"]
