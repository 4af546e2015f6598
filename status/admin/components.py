from django.contrib import admin

from status import services
from status.models import Component, ComponentGroup, ComponentStatusChange


@admin.register(ComponentGroup)
class ComponentGroupAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "position", "code"]
    list_editable = ["position"]
    prepopulated_fields = {"slug": ["name"]}
    readonly_fields = ["code"]


class StatusHistoryInline(admin.TabularInline):
    model = ComponentStatusChange
    fields = ["status", "at"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    max_num = 0
    verbose_name_plural = "Status history (feeds the uptime bars)"

    def get_queryset(self, request):
        return super().get_queryset(request).order_by("-at")


@admin.register(Component)
class ComponentAdmin(admin.ModelAdmin):
    list_display = ["name", "status", "group", "position", "updated_at"]
    list_editable = ["status", "position"]
    list_filter = ["status", "group"]
    list_select_related = ["group"]
    search_fields = ["name", "slug", "description"]
    prepopulated_fields = {"slug": ["name"]}
    readonly_fields = ["code", "created_at", "updated_at"]
    inlines = [StatusHistoryInline]

    def save_model(self, request, obj, form, change):
        """A status changed here (outside an incident) reaches subscribers who asked."""
        new_status = obj.status
        if change and "status" in form.changed_data:
            obj.status = form.initial["status"]
            obj.save()
            services.set_component_status(component=obj, status=new_status)
        else:
            super().save_model(request, obj, form, change)
