from django.contrib import admin

from search.models import SearchQuery, Synonym


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


@admin.register(Synonym)
class SynonymAdmin(admin.ModelAdmin):
    """Words customers use for what the content names differently: searching one term finds
    what the others find, on the site and in ticket-form suggestions, without saying so."""

    list_display = ["terms", "one_way", "updated_at"]
    list_filter = ["one_way"]
    search_fields = ["terms"]
    fields = ["terms", "one_way"]
