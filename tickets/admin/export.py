"""The ticket list as a CSV file: the tickets the list shows with its current filters, search
and order (the link beside the list's title carries its query string), every page of them,
with the custom fields as columns.

Streamed (core.csvstream): tickets are read 2,000 at a time, with their tags and custom field
values fetched per batch, so 100,000 tickets never sit in memory. Only staff with
`tickets.export_ticket` (support leads, superusers) may export; each export is logged.
"""

from django.contrib.admin.options import IncorrectLookupParameters
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseNotAllowed, HttpResponseRedirect
from django.urls import path, reverse

from core import csvstream
from core.people import staff_name
from tickets.models import CustomField, FieldKind, Priority

BATCH = 2000
COLUMNS = [
    "Reference",
    "Subject",
    "Status",
    "Priority",
    "Category",
    "Channel",
    "Requester name",
    "Requester email",
    "Organization",
    "Group",
    "Assignee",
    "Tags",
    "Created (UTC)",
    "First response (UTC)",
    "Resolved (UTC)",
    "First response (business hours)",
    "Resolution (business hours)",
    "Response target missed",
    "Resolution target missed",
]


def _moment(value):
    return value.strftime("%Y-%m-%d %H:%M:%S") if value else ""


def _hours(seconds):
    return round(seconds / 3600, 2) if seconds is not None else ""


def _custom(definition, value):
    if definition.kind == FieldKind.CHECKBOX:
        return "yes" if value else "no"
    return value


def rows(queryset, fields):
    """One list of cells per ticket of `queryset`, then its custom `fields`' values."""
    tickets = queryset.select_related("assignee", "group", "organization").prefetch_related(
        "tags", "field_values"
    )
    for ticket in tickets.iterator(chunk_size=BATCH):
        values = {v.field_id: v.value for v in ticket.field_values.all()}
        yield [
            ticket.reference,
            ticket.subject,
            ticket.get_status_display(),
            Priority(ticket.priority).label,
            ticket.get_category_display(),
            ticket.get_channel_display(),
            ticket.name,
            ticket.email,
            ticket.organization.name if ticket.organization_id else "",
            ticket.group.name if ticket.group_id else "",
            staff_name(ticket.assignee) if ticket.assignee_id else "",
            " ".join(sorted(tag.name for tag in ticket.tags.all())),
            _moment(ticket.created_at),
            _moment(ticket.first_response_at),
            _moment(ticket.resolved_at),
            _hours(ticket.first_response_seconds),
            _hours(ticket.resolution_seconds),
            ticket.response_breached,
            ticket.resolution_breached,
            *(_custom(field, values.get(field.pk, "")) for field in fields),
        ]


def export(request, queryset, *, what):
    fields = list(CustomField.objects.active())
    header = [*COLUMNS, *(field.label for field in fields)]
    return csvstream.response(
        "tickets", header, rows(queryset, fields), user=request.user, what=what
    )


class CsvExport:
    """TicketAdmin's CSV export: `…/tickets/ticket/export.csv?<the list's query string>`,
    linked from the list (admin/tickets/ticket/change_list_object_tools.html)."""

    def has_export_permission(self, request):
        return request.user.has_perm("tickets.export_ticket")

    def get_urls(self):
        view = self.admin_site.admin_view(self.export_view)
        return [path("export.csv", view, name="tickets_ticket_export"), *super().get_urls()]

    def export_view(self, request):
        if not (self.has_view_permission(request) and self.has_export_permission(request)):
            raise PermissionDenied
        if request.method not in ("GET", "HEAD"):
            return HttpResponseNotAllowed(["GET", "HEAD"])
        try:
            changelist = self.get_changelist_instance(request)
        except IncorrectLookupParameters:
            # As the list itself answers a filter value it cannot read.
            return HttpResponseRedirect(f"{reverse('admin:tickets_ticket_changelist')}?e=1")
        query = request.GET.urlencode() or "(no filters: unfinished tickets)"
        return export(request, changelist.queryset, what=f"ticket list ?{query}"[:500])
