"""Organizations and support plans in the admin. An organization's page lists its people
and tickets beside the staff notes; saving it links every ticket concerned again."""

from django.contrib import admin
from django.db.models import Count, Q
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from tickets import organizations
from tickets.admin.fields import queue_link
from tickets.admin.forms import LabelledTabularInline
from tickets.models import (
    UNFINISHED,
    Organization,
    OrganizationDomain,
    OrganizationMember,
    SLATarget,
    SupportPlan,
)


class DomainInline(LabelledTabularInline):
    model = OrganizationDomain
    extra = 1
    verbose_name = "domain"
    verbose_name_plural = "Domains (everyone writing from them belongs here)"


class MemberInline(LabelledTabularInline):
    model = OrganizationMember
    fields = ["email", "name"]
    extra = 1
    verbose_name = "person"
    verbose_name_plural = "People named one by one (whatever their address's domain)"


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ["name", "plan", "domain_list", "unfinished_tickets"]
    list_select_related = ["plan"]
    list_filter = ["plan"]
    search_fields = ["name", "domains__domain", "members__email"]
    inlines = [DomainInline, MemberInline]
    readonly_fields = ["people", "recent_tickets"]
    fieldsets = [
        (None, {"fields": ["name", "plan", "notes"]}),
        ("People", {"fields": ["people"]}),
        ("Tickets", {"fields": ["recent_tickets"]}),
    ]

    def get_queryset(self, request):
        unfinished = Count("tickets", filter=Q(tickets__status__in=UNFINISHED))
        queryset = super().get_queryset(request).annotate(unfinished=unfinished)
        return queryset.prefetch_related("domains")

    @admin.display(description="domains")
    def domain_list(self, obj):
        return ", ".join(d.domain for d in obj.domains.all()) or "—"

    @admin.display(description="unfinished tickets", ordering="unfinished")
    def unfinished_tickets(self, obj):
        return queue_link({"organization": obj.pk}, obj.unfinished)

    @admin.display(description="people who wrote")
    def people(self, obj):
        if not obj.pk:
            return "—"
        context = {"people": organizations.people(obj)}
        return mark_safe(render_to_string("admin/tickets/organization/_people.html", context))

    @admin.display(description="latest tickets")
    def recent_tickets(self, obj):
        if not obj.pk:
            return "—"
        tickets = obj.tickets.select_related("assignee").order_by("-created_at")
        context = {
            "tickets": tickets[:20],
            "count": tickets.count(),
            "all_link": queue_link(
                {"status__exact": "all", "organization": obj.pk}, "All its tickets in the queue"
            ),
        }
        return mark_safe(render_to_string("admin/tickets/organization/_tickets.html", context))

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        organizations.relink(form.instance)
        if change and "plan" in form.changed_data:
            organizations.refresh_due_times(organization=form.instance)


class TargetInline(LabelledTabularInline):
    model = SLATarget
    extra = 0
    verbose_name = "service-level target"
    verbose_name_plural = (
        "Service-level targets (business hours; those not set here come from TICKET_SLA_HOURS)"
    )


@admin.register(SupportPlan)
class SupportPlanAdmin(admin.ModelAdmin):
    list_display = ["name", "default_priority", "target_count", "organization_count"]
    inlines = [TargetInline]
    fields = ["name", "default_priority", "notes"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                targets_set=Count("targets", distinct=True),
                organization_total=Count("organizations", distinct=True),
            )
        )

    @admin.display(description="targets set", ordering="targets_set")
    def target_count(self, obj):
        return obj.targets_set

    @admin.display(description="organizations", ordering="organization_total")
    def organization_count(self, obj):
        return obj.organization_total

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        organizations.refresh_due_times(plan=form.instance)
