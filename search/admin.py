from django.contrib import admin

from search.models import Synonym


@admin.register(Synonym)
class SynonymAdmin(admin.ModelAdmin):
    """Words customers use for what the content names differently: searching one term finds
    what the others find, on the site and in ticket-form suggestions, without saying so."""

    list_display = ["terms", "one_way", "updated_at"]
    list_filter = ["one_way"]
    search_fields = ["terms"]
    fields = ["terms", "one_way"]
