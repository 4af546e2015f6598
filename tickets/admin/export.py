"""The ticket list as a CSV file: the tickets the list shows with its current filters, search
and order (the link beside the list's title carries its query string), every page of them,
with the custom fields as columns.

Streamed (core.csvstream): tickets are read 2,000 at a time as plain values, with their tags
and custom field values fetched per batch, so 100,000 tickets never sit in memory. Only staff with
`tickets.export_ticket` (support leads, superusers) may export; each export is logged.
"""

import itertools

from django.contrib.admin.options import IncorrectLookupParameters
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseNotAllowed, HttpResponseRedirect
from django.urls import path, reverse

from core import csvstream
from core.categories import SupportCategory
from tickets.models import (
    Channel,
    CustomField,
    CustomFieldValue,
    FieldKind,
    Priority,
    Ticket,
    TicketStatus,
)

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


# What each row reads, as plain values (no model instances: a fifth of the time).
VALUES = (
    "pk",
    "reference",
    "subject",
    "status",
    "priority",
    "category",
    "channel",
    "name",
    "email",
    "organization__name",
    "group__name",
    "assignee__first_name",
    "assignee__last_name",
    "assignee__username",
    "created_at",
    "first_response_at",
    "resolved_at",
    "first_response_seconds",
    "resolution_seconds",
    "response_breached",
    "resolution_breached",
)
LABELS = {
    "status": dict(TicketStatus.choices),
    "priority": dict(Priority.choices),
    "category": dict(SupportCategory.choices),
    "channel": dict(Channel.choices),
}


def _extras(ids, fields):
    """{ticket id: tag names} and {ticket id: {field id: value}} for one batch."""
    tags, values = {}, {}
    through = Ticket.tags.through.objects.filter(ticket_id__in=ids)
    for ticket_id, name in through.values_list("ticket_id", "tag__name").order_by("tag__name"):
        tags.setdefault(ticket_id, []).append(name)
    if fields:
        stored = CustomFieldValue.objects.filter(ticket_id__in=ids, field__in=fields)
        for ticket_id, field_id, value in stored.values_list("ticket_id", "field_id", "value"):
            values.setdefault(ticket_id, {})[field_id] = value
    return tags, values


def rows(queryset, fields):
    """One list of cells per ticket of `queryset` (in its order), then its custom `fields`'
    values: read BATCH tickets at a time, their tags and values with two queries a batch."""
    tickets = queryset.prefetch_related(None).values_list(*VALUES)
    for batch in itertools.batched(tickets.iterator(chunk_size=BATCH), BATCH):
        tags, values = _extras([row[0] for row in batch], fields)
        for row in batch:
            t = dict(zip(VALUES, row, strict=True))
            assignee = " ".join(filter(None, (t["assignee__first_name"], t["assignee__last_name"])))
            mine = values.get(t["pk"], {})
            yield [
                t["reference"],
                t["subject"],
                LABELS["status"].get(t["status"], t["status"]),
                LABELS["priority"].get(t["priority"], t["priority"]),
                LABELS["category"].get(t["category"], t["category"]),
                LABELS["channel"].get(t["channel"], t["channel"]),
                t["name"],
                t["email"],
                t["organization__name"] or "",
                t["group__name"] or "",
                assignee or t["assignee__username"] or "",
                " ".join(tags.get(t["pk"], ())),
                _moment(t["created_at"]),
                _moment(t["first_response_at"]),
                _moment(t["resolved_at"]),
                _hours(t["first_response_seconds"]),
                _hours(t["resolution_seconds"]),
                t["response_breached"],
                t["resolution_breached"],
                *(_custom(field, mine.get(field.pk, "")) for field in fields),
            ]


def export(request, queryset, *, what):
    fields = list(CustomField.objects.active())
    header = [*COLUMNS, *(field.label for field in fields)]
    return csvstream.response(
        "tickets", header, rows(queryset, fields), user=request.user, what=what
    )


class CsvExport:
    """TicketAdmin's CSV export: `…/tickets/ticket/export.csv?<the list's query string>`,
    linked from the list (admin/tickets/ticket/_export_link.html)."""

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
