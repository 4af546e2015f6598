"""Satisfaction ratings: each customer's answer, and the report by agent and category."""

from django.contrib import admin
from django.utils.html import format_html
from django.utils.text import Truncator

from core.parsing import row_id
from core.people import staff_name
from core.web.admin_columns import moment_column
from tickets.admin.forms import staff_users
from tickets.models import SatisfactionRating, Ticket

PERIODS = (30, 90)


class AgentFilter(admin.SimpleListFilter):
    """Agents by their full names, as colleagues know them (never login names)."""

    title = "agent"
    parameter_name = "agent"

    def lookups(self, request, model_admin):
        return [(str(user.pk), staff_name(user)) for user in staff_users()]

    def queryset(self, request, queryset):
        pk = row_id(self.value())
        return queryset if pk is None else queryset.filter(agent_id=pk)


@admin.register(SatisfactionRating)
class SatisfactionRatingAdmin(admin.ModelAdmin):
    # At 1280 px with both sidebars open every column fits (admin-tickets.css): the subject
    # on two lines at most, the comment cut short (its whole text is on the rating's page).
    list_display = [
        "updated_at_shown",
        "ticket_shown",
        "rating",
        "agent_name",
        "category",
        "comment_shown",
    ]
    list_display_links = ["updated_at_shown", "ticket_shown"]
    updated_at_shown = moment_column("updated_at", "rated")

    class Media:
        css = {"all": ["css/admin-tickets.css"]}

    @admin.display(description="ticket", ordering="ticket__reference")
    def ticket_shown(self, obj):
        return format_html(
            '<span class="ticket-ref">{}</span><span class="queue-subject">{}</span>',
            obj.ticket.reference,
            obj.ticket.subject,
        )

    @admin.display(description="comment")
    def comment_shown(self, obj):
        return Truncator(obj.comment).chars(140) or "—"

    @admin.display(description="agent", ordering="agent__first_name")
    def agent_name(self, obj):
        return staff_name(obj.agent) if obj.agent else "—"

    list_filter = ["rating", "category", AgentFilter]
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
