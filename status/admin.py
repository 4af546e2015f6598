"""Status in the admin. Posting an update is one step: on the incident's page, write the
message, pick the new status (and, if need be, the affected components' new status), save.

Plain model permissions throughout, so a "Content editors" group can be given them.
"""

from django import forms
from django.contrib import admin
from django.utils import timezone

from status import services
from status.models import (
    Component,
    ComponentGroup,
    ComponentStatus,
    ComponentStatusChange,
    Incident,
    IncidentStatus,
    IncidentUpdate,
    Kind,
    Maintenance,
    MaintenanceStatus,
)


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


class UpdateInline(admin.StackedInline):
    model = IncidentUpdate
    fields = ["status", "display_at", "body"]
    readonly_fields = ["status"]
    extra = 0
    verbose_name_plural = "Updates so far (fix a typo here; post a new one above)"

    def has_add_permission(self, request, obj=None):
        return False


class PostUpdateForm(forms.ModelForm):
    STATUS_CHOICES = IncidentStatus.choices

    update_status = forms.ChoiceField(label="New status", choices=())
    update_body = forms.CharField(
        label="Update message",
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        help_text="Posted to the status page, the API and the feeds with the new status.",
    )
    update_components = forms.ChoiceField(
        label="Set affected components to",
        choices=[("", "Leave as they are"), *ComponentStatus.choices],
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["update_status"].choices = self.STATUS_CHOICES
        if self.instance.pk:
            self.fields["update_status"].initial = self.instance.status
        else:
            self.fields["update_body"].required = True

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk and not cleaned.get("update_body"):
            changed = cleaned.get("update_status") != self.instance.status
            if changed or cleaned.get("update_components"):
                self.add_error("update_body", "Say what changed: write an update message.")
        return cleaned


class MaintenanceForm(PostUpdateForm):
    STATUS_CHOICES = MaintenanceStatus.choices

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("scheduled_for"), cleaned.get("scheduled_until")
        if not start or not end:
            raise forms.ValidationError("A maintenance needs a start and an end.")
        if end <= start:
            self.add_error("scheduled_until", "The end must be after the start.")
        return cleaned


class IncidentAdminBase(admin.ModelAdmin):
    KIND = Kind.INCIDENT
    list_display = ["name", "status", "impact", "started_at", "updated_at"]
    list_filter = ["status", "impact"]
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
            components = None
            if data.get("update_components"):
                components = dict.fromkeys(incident.components.all(), data["update_components"])
            services.post_update(
                incident=incident,
                status=data["update_status"],
                body=data["update_body"],
                components=components,
            )
        if incident.is_maintenance:  # saved with a start or end already past
            services.advance_maintenances(pks=[incident.pk])


@admin.register(Incident)
class IncidentAdmin(IncidentAdminBase):
    form = PostUpdateForm
    fieldsets = [
        (None, {"fields": ["name", "impact", "components"]}),
        (
            "Post an update",
            {"fields": ["update_status", "update_body", "update_components"]},
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


@admin.register(Maintenance)
class MaintenanceAdmin(IncidentAdminBase):
    KIND = Kind.MAINTENANCE
    form = MaintenanceForm
    list_display = ["name", "status", "scheduled_for", "scheduled_until"]
    list_filter = ["status"]
    fieldsets = [
        (None, {"fields": ["name", "scheduled_for", "scheduled_until", "components"]}),
        (
            "Post an update",
            {
                "fields": ["update_status", "update_body", "update_components"],
                "description": "It starts and completes by itself at the scheduled times.",
            },
        ),
        ("Help content shown a notice while this is open", {"fields": ["guides", "runbooks"]}),
        ("Record", {"fields": ["code", "status", "resolved_at"], "classes": ["collapse"]}),
    ]

    def save_model(self, request, obj, form, change):
        obj.impact = "none"
        super().save_model(request, obj, form, change)
