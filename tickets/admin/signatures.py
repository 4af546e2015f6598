"""Each agent's reply signature and time zone, edited by that agent (superusers see
everyone's)."""

from django.conf import settings
from django.contrib import admin
from django.shortcuts import redirect

from core.people import staff_name
from tickets import timezones
from tickets.models import AgentPreference


@admin.register(AgentPreference)
class AgentPreferenceAdmin(admin.ModelAdmin):
    fields = ["signature", "time_zone", "slack_user_id"]
    list_display = ["agent", "signature_shown", "time_zone_shown", "slack_user_id"]

    def get_fields(self, request, obj=None):
        # A superuser adds the row of an agent who has none yet (to set their Slack user).
        if request.user.is_superuser and obj is None:
            return ["user", *self.fields]
        return self.fields

    def get_readonly_fields(self, request, obj=None):
        # Who someone is in Slack decides whose account their clicks act as: superusers
        # set it (an agent could otherwise claim a colleague's).
        return [] if request.user.is_superuser else ["slack_user_id"]

    def get_queryset(self, request):
        rows = super().get_queryset(request).select_related("user")
        return rows if request.user.is_superuser else rows.filter(user=request.user)

    def add_view(self, request, form_url="", extra_context=None):
        """One row each: an agent who has one edits it (checked here, not in
        has_add_permission, which every admin page's menu asks). A superuser adds others'."""
        own = AgentPreference.objects.filter(user=request.user).first()
        if own is not None and not request.user.is_superuser:
            return redirect("admin:tickets_agentpreference_change", own.pk)
        return super().add_view(request, form_url, extra_context)

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
