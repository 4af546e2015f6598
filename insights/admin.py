from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseNotAllowed

from insights.models import Dashboard, SearchEvent, SearchQuery, SupportReport
from insights.support.views import support_report_view
from insights.views import dashboard_view


class OutcomeFilter(admin.SimpleListFilter):
    title = "outcome"
    parameter_name = "outcome"

    def lookups(self, request, model_admin):
        return [
            ("nothing", "Found nothing"),
            ("found", "Found something"),
            ("opened", "A result was opened"),
            ("unopened", "Found something, nothing opened"),
            ("ticket", "A ticket followed"),
        ]

    def queryset(self, request, queryset):
        return queryset.with_outcome(self.value()) if self.value() else queryset


class ReadOnlyAdmin(admin.ModelAdmin):
    """Counted by the site, never written by hand."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(SearchEvent)
class SearchEventAdmin(ReadOnlyAdmin):
    """Every search counted, newest first: what the dashboard's numbers are made of."""

    list_display = ["text", "created_at", "results", "opened", "ticket_followed"]
    # No date_hierarchy: its menus read the distinct dates of every row listed.
    list_filter = [OutcomeFilter, "day"]
    link_lookups = ["day__lte", "text"]  # the dashboard's links (insights.links)
    search_fields = ["text"]
    show_full_result_count = False  # a year holds a million rows: one count is enough
    readonly_fields = ["text", "created_at", "day", "results", "opened", "ticket_followed"]


@admin.register(Dashboard)
class DashboardAdmin(ReadOnlyAdmin):
    """The dashboard in the admin's menu, behind `insights.view_dashboard`."""

    def get_urls(self):
        """The page alone: no add, change, delete or history pages for a proxy of totals."""
        return [url for url in super().get_urls() if (url.name or "").endswith("_changelist")]

    def changelist_view(self, request, extra_context=None):
        if not self.has_view_permission(request):
            raise PermissionDenied
        if request.method not in ("GET", "HEAD"):
            return HttpResponseNotAllowed(["GET", "HEAD"])
        context = {**self.admin_site.each_context(request), "opts": self.opts}
        return dashboard_view(request, context)


@admin.register(SupportReport)
class SupportReportAdmin(ReadOnlyAdmin):
    """The support reports in the admin's menu, behind `insights.view_supportreport` (support
    leads and superusers; agents have their queue)."""

    def get_urls(self):
        return [url for url in super().get_urls() if (url.name or "").endswith("_changelist")]

    def changelist_view(self, request, extra_context=None):
        if not self.has_view_permission(request):
            raise PermissionDenied
        if request.method not in ("GET", "HEAD"):
            return HttpResponseNotAllowed(["GET", "HEAD"])
        context = {**self.admin_site.each_context(request), "opts": self.opts}
        return support_report_view(request, context)


class GapFilter(admin.SimpleListFilter):
    title = "content gap"
    parameter_name = "gap"

    def lookups(self, request, model_admin):
        return [("zero", "Found nothing"), ("unopened", "Found results nobody opened")]

    def queryset(self, request, queryset):
        if self.value() == "zero":
            return queryset.found_nothing()
        if self.value() == "unopened":
            return queryset.found_but_unopened()
        return queryset


@admin.register(SearchQuery)
class SearchQueryAdmin(admin.ModelAdmin):
    """The content-gaps report: what customers searched for and did not find (or not open)."""

    list_display = ["text", "searches", "zero_results", "opens", "last_results", "last_seen"]
    list_filter = [GapFilter, "last_seen"]
    search_fields = ["text"]
    ordering = ["-zero_results", "-searches"]
    readonly_fields = list_display

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
