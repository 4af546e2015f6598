"""The support queue: the Django admin, arranged for triage."""

import zoneinfo
from datetime import UTC

from django.contrib import admin, messages
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.urls import path
from django.utils import timezone
from django.utils.csp import CSP
from django.utils.decorators import method_decorator
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.views.decorators.csp import csp_override

from core.people import staff_name
from core.web.admin_columns import when
from tickets import attachments, fulltext, presence, queueviews, services
from tickets.admin.actions import QueueActions, TicketActionForm
from tickets.admin.export import CsvExport
from tickets.admin.filters import (
    AssignmentFilter,
    GroupFilter,
    OrganizationFilter,
    StatusFilter,
    TagFilter,
    custom_field_filters,
)
from tickets.admin.forms import UTC_NAMES, short_duration, sla_badge
from tickets.admin.search import QueueSearch
from tickets.admin.ticket_create import TicketCreate
from tickets.admin.ticket_form import TicketAdminForm
from tickets.admin.ticket_page import TicketPageViews
from tickets.models import (
    Attachment,
    Macro,
    Priority,
    Ticket,
    workflow,
)


@admin.register(Ticket)
class TicketAdmin(
    QueueSearch, TicketCreate, QueueActions, TicketPageViews, CsvExport, admin.ModelAdmin
):
    form = TicketAdminForm
    action_form = TicketActionForm
    # SLA state first; at 1280 px with the sidebar open every column fits (admin-tickets.css).
    list_display = [
        "sla",
        "reference",
        "subject_and_requester",
        "status",
        "priority_label",
        "assignee_name",
        "age",
        "waiting",
    ]
    list_display_links = ["reference", "subject_and_requester"]
    list_filter = [
        StatusFilter,
        "priority",
        "category",
        GroupFilter,
        AssignmentFilter,
        TagFilter,
        OrganizationFilter,
    ]
    search_fields = list(queueviews.SEARCH_FIELDS)
    # The support reports' links (insights.support.links): periods, channel, missed targets.
    link_lookups = [
        f"{column}__date__{bound}"
        for column in ("created_at", "resolved_at", "first_response_at")
        for bound in ("gte", "lte")
    ] + ["channel", "response_breached", "resolution_breached"]
    list_per_page = 50
    # The filtered count is shown; the count of every ticket ever is one more scan per page.
    show_full_result_count = False
    readonly_fields = [
        "details",
        "opened",
        "first_response",
        "resolution",
        "sla",
        "conversation",
        "history",
    ]
    fieldsets = [
        (None, {"fields": ["details"]}),
        ("Conversation", {"fields": ["conversation"]}),
        # The reply box comes between these two (change_form.html, _reply_box.html).
        (
            "Triage",
            {"fields": ["status", "priority", "group", "assignee", "category", "seen_version"]},
        ),
        ("Times", {"fields": ["opened", "first_response", "resolution", "sla"]}),
        ("History", {"fields": ["history"], "classes": ["collapse"]}),
    ]
    view_on_site = False  # the customer's private page is theirs; staff answer here

    class Media:
        css = {"all": ["css/admin-tickets.css"]}
        js = ["js/agent.js", "js/countdown.js"]

    def get_queryset(self, request):
        # list_select_related is skipped once a queryset selects related rows: all here.
        queryset = super().get_queryset(request).triage_order()
        queryset = queryset.select_related("assignee", "group", "organization__plan")
        return queryset.prefetch_related("tags")

    def get_list_filter(self, request):
        # The dropdown and checkbox custom fields, as defined now.
        return [*self.list_filter, *custom_field_filters()]

    # Columns.
    def action_checkbox(self, obj):
        """Django's checkbox, written without a template per row (bench-queue)."""
        return format_html(
            '<input type="checkbox" name="{}" value="{}" class="action-select" '
            'aria-label="Select this object for an action - {}">',
            admin.helpers.ACTION_CHECKBOX_NAME,
            obj.pk,
            str(obj),
        )

    @admin.display(description="requester", ordering="email")
    def requester(self, obj):
        if obj.name:
            return format_html(
                '<span title="{} &lt;{}&gt;">{} &lt;{}&gt;</span>',
                obj.name,
                obj.email,
                obj.name,
                obj.email,
            )
        return format_html('<span title="{}">{}</span>', obj.email, obj.email)

    @admin.display(description="subject", ordering="subject")
    def subject_and_requester(self, obj):
        """The subject on at most two lines, the requester under it on one (the queue
        fits 1280 px with the sidebar open)."""
        who = f"{obj.name} <{obj.email}>" if obj.name else obj.email
        if obj.organization_id:
            who = f"{who} · {obj.organization.name}"
        tags = format_html_join(
            "", '<span class="queue-tag">{}</span>', ((tag.name,) for tag in obj.tags.all())
        )
        return format_html(
            '<span class="queue-subject">{}</span><span class="queue-requester" title="{}">{}'
            "</span>{}{}",
            obj.subject,
            who,
            who,
            format_html('<span class="queue-tags">{}</span>', tags) if tags else "",
            fulltext.snippet_html(getattr(obj, "search_snippet", None)),
        )

    @admin.display(description="priority", ordering="priority")
    def priority_label(self, obj):
        return Priority(obj.priority).label

    @admin.display(description="assignee", ordering="assignee__first_name")
    def assignee_name(self, obj):
        name = staff_name(obj.assignee) if obj.assignee else "—"
        if obj.group_id:
            return format_html('{}<span class="queue-group">{}</span>', name, obj.group.name)
        return name

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
        return sla_badge(obj)

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

    @admin.display(description="opened")
    def opened(self, obj):
        return when(obj.created_at)

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

    # The ticket page: the reply box, its buttons, the side panel.
    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        return type(form.__name__, (form,), {"agent": request.user})

    def render_change_form(self, request, context, add=False, change=False, **kwargs):
        ticket = context.get("original")
        if ticket is not None:
            form = context["adminform"].form
            if not form.is_bound:
                context["draft_macro"] = self.apply_draft(request, ticket, form)
            elif form.has_error(NON_FIELD_ERRORS, "stale"):
                # One notice naming who changed what, not "Please correct the error below."
                context["stale_notice"] = next(
                    e.message for e in form.non_field_errors().as_data() if e.code == "stale"
                )
                context["errors"] = []
            # "HC-000001 · subject", in the heading and the tab, not "Change ticket".
            context["title"] = f"{ticket.reference} · {ticket.subject}"
            context["subtitle"] = None
            context.update(
                **self.side_panel(request, ticket),
                **self.tag_context(),
                form=form,
                macros=Macro.objects.usable_by(request.user),
                can_reply=ticket.merged_into_id is None,
            )
        return super().render_change_form(request, context, add, change, **kwargs)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        if request.method == "POST" and "_send_next" in request.POST and object_id:
            # The next ticket as the queue stood when the agent pressed the button.
            filters = request.GET.get("_changelist_filters", "")
            request.queue_next = queueviews.next_ticket(request.user, filters, int(object_id))
        return super().changeform_view(request, object_id, form_url, extra_context)

    def save_model(self, request, obj, form, change):
        if not change:
            return self.open_ticket(request, obj, form)  # "New ticket" (TicketCreate)
        data = form.cleaned_data
        reply = data.get("reply", "").strip()
        add_tags, remove_tags = form.tag_changes()
        services.staff_update(
            obj,
            actor=request.user,
            status=data.get("status"),
            reply=reply,
            internal=form.is_internal,
            files=attachments.for_form("", data.get("files") or []),
            macro=data.get("applied_macro") if reply else None,
            remember_audience=True,
            add_tags=add_tags,
            remove_tags=remove_tags,
            field_values=form.field_values(),
            **{name: data[name] for name in workflow.TRIAGE_FIELDS if name in data},
        )
        if reply:
            presence.replied(obj.pk, request.user)  # "Sam just replied", for the others here

    def response_change(self, request, obj):
        sent = request.POST.get("reply", "").strip()
        internal = request.POST.get("reply_kind") == "internal"
        what = ("Note added to" if internal else "Sent to the customer on") if sent else "Saved"
        if "_send_next" in request.POST:
            next_pk = getattr(request, "queue_next", None)
            if next_pk is None:
                self.message_user(
                    request,
                    f"{what} {obj.reference}. That was the last ticket of this view.",
                    messages.SUCCESS,
                )
                return HttpResponseRedirect(self._queue_url(request))
            self.message_user(request, f"{what} {obj.reference}; here is the next ticket.")
            return HttpResponseRedirect(self._next_url(request, next_pk))
        if "_send_resolve" in request.POST:
            self.message_user(request, f"{what} {obj.reference}, and resolved it.")
            return HttpResponseRedirect(self._queue_url(request))
        if "_send" in request.POST or sent:
            # Back on the ticket, at the message just sent (the end of the conversation).
            self.message_user(request, f"{what} {obj.reference}.")
            message = obj.messages.filter(author=request.user).order_by("-pk").first()
            anchor = f"#message-{message.pk}" if sent and message else ""
            return HttpResponseRedirect(self._back_to(request, obj) + anchor)
        return super().response_change(request, obj)

    # The queue: saved views with counts, and the "N new tickets" notice.
    def changelist_view(self, request, extra_context=None):
        query = request.GET.urlencode()
        context = {
            "title": "Tickets",  # not "Select ticket to change"
            "queue_views": queueviews.views_for(request.user, query),
            "queue_query": queueviews.normal_query(query),
            "loaded_at": timezone.now().isoformat(),
            **self.tag_context(),
            **(extra_context or {}),
        }
        return super().changelist_view(request, context)

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
