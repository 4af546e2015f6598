"""Tags and custom fields in the admin: the tags in use, the fields admins define, and the
report of how many tickets have each value."""

from urllib.parse import urlencode

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html

from core.web.admin_columns import when
from tickets import customfields
from tickets.models import CustomField, Tag

REPORT_PERIODS = (30, 90, 365)


def queue_link(query, text):
    url = reverse("admin:tickets_ticket_changelist") + "?" + urlencode(query)
    return format_html('<a href="{}">{}</a>', url, text)


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ["name", "ticket_count", "created"]
    search_fields = ["name"]
    fields = ["name"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(uses=Count("tickets"))

    @admin.display(description="tickets", ordering="uses")
    def ticket_count(self, obj):
        return queue_link({"status__exact": "all", "tag": obj.name}, obj.uses)

    @admin.display(description="created", ordering="created_at")
    def created(self, obj):
        return when(obj.created_at)


@admin.register(CustomField)
class CustomFieldAdmin(admin.ModelAdmin):
    list_display = [
        "label",
        "key",
        "kind",
        "shown_to_customers",
        "required_to_resolve",
        "active",
        "position",
    ]
    list_filter = ["kind", "shown_to_customers", "required_to_resolve", "active"]
    search_fields = ["label", "key"]
    prepopulated_fields = {"key": ["label"]}
    fieldsets = [
        (None, {"fields": ["label", "key", "kind", "choices", "help_text"]}),
        (
            "Who sees it",
            {
                "fields": [
                    "shown_to_customers",
                    "required_for_customers",
                    "required_to_resolve",
                    "active",
                    "position",
                ]
            },
        ),
    ]

    def get_urls(self):
        report = self.admin_site.admin_view(self.report_view)
        return [
            path("report/", report, name="tickets_customfield_report"),
            *super().get_urls(),
        ]

    def report_view(self, request):
        """How many tickets of a period have each value of each field (and none)."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        days = request.GET.get("days", "")
        days = int(days) if days in {str(d) for d in REPORT_PERIODS} else REPORT_PERIODS[0]
        context = {
            **self.admin_site.each_context(request),
            "title": "Custom fields report",
            "opts": self.opts,
            "periods": REPORT_PERIODS,
            "report": customfields.report(days),
            "queue_url": reverse("admin:tickets_ticket_changelist"),
        }
        return TemplateResponse(request, "admin/tickets/customfield/report.html", context)
