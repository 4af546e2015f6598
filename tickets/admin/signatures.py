"""Each agent's reply signature and time zone, edited by that agent (superusers see
everyone's)."""

from django.conf import settings
from django.contrib import admin

from core.people import staff_name
from tickets import timezones
from tickets.models import AgentPreference


@admin.register(AgentPreference)
class AgentPreferenceAdmin(admin.ModelAdmin):
    fields = ["signature", "time_zone"]
    list_display = ["agent", "signature_shown", "time_zone_shown"]

    def get_queryset(self, request):
        rows = super().get_queryset(request).select_related("user")
        return rows if request.user.is_superuser else rows.filter(user=request.user)

    def has_add_permission(self, request):
        # One signature each: "Add" only while the agent has none.
        return (
            super().has_add_permission(request)
            and not AgentPreference.objects.filter(user=request.user).exists()
        )

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        team = settings.TICKET_SIGNATURE.replace("\n", " / ")
        form.base_fields["signature"].help_text += f' The team\'s: "{team}".'
        return form

    def save_model(self, request, obj, form, change):
        if not obj.user_id:
            obj.user = request.user
        super().save_model(request, obj, form, change)
        if obj.user_id == request.user.pk:
            timezones.remember(request, request.user)  # the next page is in the new zone

    @admin.display(description="agent")
    def agent(self, obj):
        return staff_name(obj.user)

    @admin.display(description="time zone")
    def time_zone_shown(self, obj):
        return obj.time_zone or f"{settings.TIME_ZONE} (the team's)"

    @admin.display(description="signature under replies")
    def signature_shown(self, obj):
        return AgentPreference.signature_for(obj.user)
