from django.contrib import admin
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html

from status import services
from status.admin.forms import IncidentForm, MaintenanceForm
from status.models import (
    Incident,
    IncidentStatus,
    IncidentTemplate,
    IncidentTemplateComponent,
    IncidentUpdate,
    Kind,
    Maintenance,
    MaintenanceStatus,
)


class IncidentStatusFilter(admin.SimpleListFilter):
    """Only the statuses an incident can have (the field's choices hold maintenance's too)."""

    title = "status"
    parameter_name = "status"
    CHOICES = IncidentStatus.choices

    def lookups(self, request, model_admin):
        return self.CHOICES

    def queryset(self, request, queryset):
        return queryset.filter(status=self.value()) if self.value() else queryset


class MaintenanceStatusFilter(IncidentStatusFilter):
    CHOICES = MaintenanceStatus.choices


class UpdateInline(admin.StackedInline):
    model = IncidentUpdate
    fields = ["status", "display_at", "body", "notified"]
    readonly_fields = ["status", "notified"]
    extra = 0
    verbose_name_plural = "Updates so far (fix a typo here; post a new one above)"

    def has_add_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("notification")

    @admin.display(description="Subscribers")
    def notified(self, update):
        notification = getattr(update, "notification", None)
        if notification is None:
            return "Not notified (chosen when it was posted)"
        return notification.summary()


class IncidentAdminBase(admin.ModelAdmin):
    KIND = Kind.INCIDENT
    list_display = ["name", "status", "impact", "started_at", "updated_at"]
    list_filter = [IncidentStatusFilter, "impact"]
    search_fields = ["name", "updates__body"]
    filter_horizontal = ["components", "guides", "runbooks"]
    readonly_fields = ["code", "status", "started_at", "monitoring_at", "resolved_at"]
    inlines = [UpdateInline]
    view_on_site = True
    save_on_top = True

    def get_queryset(self, request):
        return super().get_queryset(request).filter(kind=self.KIND)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.kind = self.KIND
            obj.status = form.cleaned_data["update_status"]
            obj.started_at = obj.scheduled_for or timezone.now()
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        incident, data = form.instance, form.cleaned_data
        if data.get("update_body"):
            services.post_update(
                incident=incident,
                status=data["update_status"],
                body=data["update_body"],
                components=data.get("update_components") or None,
                notify_subscribers=data.get("update_notify", False),
            )
        if data.get("publish_postmortem") and not incident.has_postmortem:
            incident.refresh_from_db()
            services.publish_postmortem(
                incident=incident,
                body=incident.postmortem_body,
                notify_subscribers=data.get("update_notify", False),
            )
        if incident.is_maintenance:  # saved with a start or end already past
            services.maintenance_saved(incident)


@admin.register(Incident)
class IncidentAdmin(IncidentAdminBase):
    form = IncidentForm
    # Components are chosen once, in "Set component statuses" (each beside its status now):
    # a component given a status there becomes an affected one.
    readonly_fields = [*IncidentAdminBase.readonly_fields, "affected"]
    fieldsets = [
        (None, {"fields": ["name", "impact", "affected"]}),
        (
            "Post an update",
            {"fields": ["update_status", "update_body", "update_components", "update_notify"]},
        ),
        (
            "Postmortem (once resolved)",
            {"fields": ["postmortem_body", "publish_postmortem"], "classes": ["collapse"]},
        ),
        ("Help content shown a notice while this is open", {"fields": ["guides", "runbooks"]}),
        (
            "Record",
            {
                "fields": ["code", "status", "started_at", "monitoring_at", "resolved_at"],
                "classes": ["collapse"],
            },
        ),
    ]

    def get_changeform_initial_data(self, request):
        """?template=SLUG: the add form filled in from an incident template."""
        initial = super().get_changeform_initial_data(request)
        template = IncidentTemplate.objects.filter(slug=request.GET.get("template", "")).first()
        if template is not None:
            values = template.incident_values()
            initial.update(
                name=values["name"],
                impact=values["impact"],
                update_status=values["status"],
                update_body=values["body"],
                update_components={str(c.pk): s for c, s in values["components"].items()},
            )
            initial.pop("template", None)
        return initial

    @admin.display(description="affected components")
    def affected(self, obj):
        names = [c.name for c in obj.components.all()] if obj.pk else []
        return ", ".join(names) or "None yet: set a component's status below."


@admin.register(Maintenance)
class MaintenanceAdmin(IncidentAdminBase):
    KIND = Kind.MAINTENANCE
    form = MaintenanceForm
    list_display = ["name", "status", "scheduled_for", "scheduled_until"]
    list_filter = [MaintenanceStatusFilter]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "name",
                    "scheduled_for",
                    "scheduled_until",
                    "reminder_minutes",
                    "components",
                ]
            },
        ),
        (
            "Post an update",
            {
                "fields": ["update_status", "update_body", "update_components", "update_notify"],
                "description": "It starts and completes by itself at the scheduled times.",
            },
        ),
        ("Help content shown a notice while this is open", {"fields": ["guides", "runbooks"]}),
        ("Record", {"fields": ["code", "status", "resolved_at"], "classes": ["collapse"]}),
    ]

    def save_model(self, request, obj, form, change):
        obj.impact = "none"
        super().save_model(request, obj, form, change)


class TemplateComponentInline(admin.TabularInline):
    model = IncidentTemplateComponent
    extra = 1


@admin.register(IncidentTemplate)
class IncidentTemplateAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "title", "impact", "open_link"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name", "title", "body"]
    inlines = [TemplateComponentInline]

    @admin.display(description="Open")
    def open_link(self, template):
        url = reverse("admin:status_incident_add") + f"?template={template.slug}"
        return format_html('<a href="{}">Open an incident from it</a>', url)
