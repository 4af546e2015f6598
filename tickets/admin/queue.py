"""The support queue: the Django admin, arranged for triage."""

import zoneinfo
from datetime import UTC

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import F
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.csp import CSP
from django.utils.decorators import method_decorator
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.views.decorators.csp import csp_override

from helpcenter.text import plural
from tickets import attachments, bulk, merging, services
from tickets.admin.forms import (
    SLA_BADGES,
    UTC_NAMES,
    AssignmentFilter,
    StatusFilter,
    TicketActionForm,
    TicketAdminForm,
    short_duration,
)
from tickets.models import (
    Attachment,
    Priority,
    SLAState,
    Ticket,
    TicketStatus,
    workflow,
)


@admin.register(Ticket)
class TicketAdmin(admin.ModelAdmin):
    form = TicketAdminForm
    action_form = TicketActionForm
    list_display = [
        "reference",
        "subject",
        "requester",
        "category",
        "status",
        "priority_label",
        "assignee",
        "age",
        "waiting",
        "sla",
    ]
    list_display_links = ["reference", "subject"]
    list_filter = [StatusFilter, "priority", "category", AssignmentFilter]
    search_fields = ["reference", "email", "name", "request_id", "error_message", "subject"]
    list_select_related = ["assignee"]
    list_per_page = 50
    actions = ["assign_to_me", "assign_to_chosen", "set_priority", "set_status", "merge"]
    readonly_fields = [
        "details",
        "created_at",
        "first_response",
        "resolution",
        "sla",
        "conversation",
        "history",
    ]
    fieldsets = [
        (None, {"fields": ["details"]}),
        ("Conversation", {"fields": ["conversation"]}),
        ("Reply", {"fields": ["reply_kind", "reply", "files", "seen_version"]}),
        ("Triage", {"fields": ["status", "priority", "assignee", "category"]}),
        ("Times", {"fields": ["created_at", "first_response", "resolution", "sla"]}),
        ("History", {"fields": ["history"], "classes": ["collapse"]}),
    ]
    view_on_site = False  # the customer's private page is theirs; staff answer here

    class Media:
        css = {"all": ["css/admin-tickets.css"]}

    def get_queryset(self, request):
        return super().get_queryset(request).triage_order()

    def get_ordering(self, request):
        # Waiting on support first, the first due by SLA first (TicketQuerySet.triage_order).
        return [F("stage").asc(), F("sla_due_at").asc(nulls_last=True), "-priority", "pk"]

    def has_add_permission(self, request):
        return False  # tickets come from customers, through the form

    # Columns.
    @admin.display(description="requester", ordering="email")
    def requester(self, obj):
        if obj.name:
            return format_html("{} &lt;{}&gt;", obj.name, obj.email)
        return obj.email

    @admin.display(description="priority", ordering="priority")
    def priority_label(self, obj):
        return Priority(obj.priority).label

    @admin.display(description="age", ordering="created_at")
    def age(self, obj):
        return short_duration(timezone.now() - obj.created_at)

    @admin.display(description="waiting", ordering="waiting_since")
    def waiting(self, obj):
        if not obj.waiting_since:
            return "—"
        return short_duration(timezone.now() - obj.waiting_since)

    @admin.display(description="SLA")
    def sla(self, obj):
        state = obj.sla_state()
        css, icon = SLA_BADGES[state]
        due = obj.sla_due_at
        title = f"First response due {timezone.localtime(due):%Y-%m-%d %H:%M}" if due else ""
        return format_html(
            '<span class="{}" title="{}"><span aria-hidden="true">{}</span> {}</span>',
            css,
            title,
            icon,
            SLAState(state).label,
        )

    # Ticket page.
    @admin.display(description="approximate time")
    def occurred(self, obj):
        if not obj.occurred_at:
            return "—"
        if obj.occurred_tz and obj.occurred_tz.upper() not in UTC_NAMES:
            local = obj.occurred_at.astimezone(zoneinfo.ZoneInfo(obj.occurred_tz))
            utc = obj.occurred_at.astimezone(UTC)
            return f"{local:%Y-%m-%d %H:%M} {obj.occurred_tz} ({utc:%Y-%m-%d %H:%M} UTC)"
        return f"{obj.occurred_at.astimezone(UTC):%Y-%m-%d %H:%M} UTC"

    @admin.display(description="request")
    def details(self, obj):
        return mark_safe(
            render_to_string(
                "admin/tickets/ticket/_details.html",
                {"ticket": obj, "requester": self.requester(obj), "occurred": self.occurred(obj)},
            )
        )

    @admin.display(description="first response")
    def first_response(self, obj):
        if not obj.first_response_at:
            return "not yet"
        return f"{short_duration(obj.first_response_at - obj.created_at)} after opening"

    @admin.display(description="resolution")
    def resolution(self, obj):
        if not obj.resolved_at:
            return "not resolved"
        return f"{short_duration(obj.resolved_at - obj.created_at)} after opening"

    @admin.display(description="conversation")
    def conversation(self, obj):
        messages_ = obj.messages.select_related("author", "inbound").prefetch_related("attachments")
        return mark_safe(
            render_to_string(
                "admin/tickets/ticket/_conversation.html", {"ticket": obj, "items": messages_}
            )
        )

    @admin.display(description="changes")
    def history(self, obj):
        return mark_safe(
            render_to_string(
                "admin/tickets/ticket/_history.html",
                {"events": obj.events.select_related("actor")},
            )
        )

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        services.staff_update(
            obj,
            actor=request.user,
            status=data.get("status"),
            reply=data.get("reply", "").strip(),
            internal=data.get("reply_kind") == "internal",
            files=attachments.for_form("", data.get("files") or []),
            **{name: data[name] for name in workflow.TRIAGE_FIELDS if name in data},
        )

    # Files: served to staff who may view the ticket; images may show inline (thumbnails).
    def get_urls(self):
        urls = super().get_urls()
        file_view = self.admin_site.admin_view(self.file_view)
        return [
            path("<int:ticket_pk>/files/<int:pk>/", file_view, name="tickets_ticket_file"),
            *urls,
        ]

    @method_decorator(csp_override({"default-src": [CSP.NONE], "sandbox": True}))
    def file_view(self, request, ticket_pk, pk):
        if not self.has_view_permission(request):
            raise PermissionDenied
        attachment = get_object_or_404(Attachment, pk=pk, ticket_id=ticket_pk)
        return attachments.response(attachment, inline=request.GET.get("inline") == "1")

    # Bulk actions.
    @staticmethod
    def _chosen(request, name):
        """The value chosen beside the action menu, or None."""
        field = TicketActionForm().fields[name]
        try:
            return field.clean(request.POST.get(name, "")) or None
        except forms.ValidationError:
            return None

    def _bulk(self, request, queryset, done, **values):
        changed, refused = bulk.change(queryset, actor=request.user, **values)
        self.message_user(request, f"{plural(changed, 'ticket')} {done}.", messages.SUCCESS)
        for ticket, why in refused:
            self.message_user(request, f"{ticket.reference}: {why}", messages.WARNING)

    @admin.action(description="Assign to me", permissions=["change"])
    def assign_to_me(self, request, queryset):
        self._bulk(request, queryset, f"assigned to {_name(request.user)}", assignee=request.user)

    @admin.action(description="Assign to the chosen assignee", permissions=["change"])
    def assign_to_chosen(self, request, queryset):
        person = self._chosen(request, "assignee")
        if not person:
            self.message_user(request, "Choose an assignee beside the action.", messages.ERROR)
            return
        self._bulk(request, queryset, f"assigned to {_name(person)}", assignee=person)

    @admin.action(description="Set the chosen priority", permissions=["change"])
    def set_priority(self, request, queryset):
        priority = self._chosen(request, "priority")
        if not priority:
            self.message_user(request, "Choose a priority beside the action.", messages.ERROR)
            return
        self._bulk(request, queryset, f"set to {Priority(priority).label}", priority=priority)

    @admin.action(description="Set the chosen status", permissions=["change"])
    def set_status(self, request, queryset):
        status = self._chosen(request, "status")
        if not status:
            self.message_user(request, "Choose a status beside the action.", messages.ERROR)
            return
        self._bulk(request, queryset, f"set to {TicketStatus(status).label}", status=status)

    @admin.action(description="Merge duplicates…", permissions=["change"])
    def merge(self, request, queryset):
        """Asks first: which ticket is kept (the oldest by default), then merges."""
        tickets = list(queryset.order_by("created_at", "pk"))
        if request.POST.get("confirm") == "yes":
            keep = next((t for t in tickets if str(t.pk) == request.POST.get("keep")), None)
            try:
                kept = merging.merge(tickets, actor=request.user, keep=keep)
            except merging.MergeRefused as refusal:
                self.message_user(request, str(refusal), messages.ERROR)
                return None
            self.message_user(
                request, f"Merged the selected tickets into {kept.reference}.", messages.SUCCESS
            )
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": "Merge tickets",
            "opts": self.model._meta,
            "tickets": tickets,
            "problem": merging.why_not(tickets),
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/tickets/ticket/merge_confirm.html", context)


def _name(user):
    return user.get_full_name() or user.get_username()
