"""Satisfaction ratings: each customer's answer, and the report by agent and category."""

from django.contrib import admin

from core.people import staff_name
from core.web.admin_columns import moment_column
from tickets.models import SatisfactionRating, Ticket

PERIODS = (30, 90)


@admin.register(SatisfactionRating)
class SatisfactionRatingAdmin(admin.ModelAdmin):
    list_display = ["updated_at_shown", "ticket", "rating", "agent_name", "category", "comment"]
    updated_at_shown = moment_column("updated_at", "rated")

    @admin.display(description="agent", ordering="agent__first_name")
    def agent_name(self, obj):
        return staff_name(obj.agent) if obj.agent else "—"

    list_filter = ["rating", "category", "agent"]
    list_select_related = ["ticket", "agent"]
    search_fields = ["ticket__reference", "comment"]
    readonly_fields = [
        "ticket",
        "rating",
        "comment",
        "agent",
        "category",
        "created_at",
        "updated_at",
    ]
    fields = readonly_fields
    date_hierarchy = "updated_at"
    link_lookups = ["updated_at__date__gte", "updated_at__date__lte"]  # insights.support.links
    changelist_params = ["days"]  # the report's period, no filter on the list

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False  # the customer's words, as they wrote them

    def changelist_view(self, request, extra_context=None):
        days = int(request.GET["days"]) if request.GET.get("days") in {"30", "90"} else 30
        report = {
            "days": days,
            "periods": PERIODS,
            **SatisfactionRating.objects.within(days).report(),
            "sla_by_agent": Ticket.objects.sla_by_agent(days),
        }
        return super().changelist_view(request, {**(extra_context or {}), "report": report})
