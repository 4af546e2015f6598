"""The support queue: the Django admin, arranged for triage."""

import zoneinfo
from datetime import UTC, timedelta

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ActionForm
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Count, F, Q
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from helpcenter.admin_lookups import SafeLookupsMixin
from tickets import emails, services
from tickets.models import (
    OutboundEmail,
    Priority,
    SLAState,
    SuggestionOpen,
    Ticket,
    TicketStatus,
)

UTC_NAMES = {"UTC", "ETC/UTC", "GMT", "ETC/GMT", "ZULU", "UCT", "ETC/UCT", "UNIVERSAL"}


def short_duration(delta):
    if delta is None:
        return "—"
    minutes = int(delta.total_seconds() // 60)
    if minutes < 60:
        return f"{max(minutes, 0)} min"
    if minutes < 60 * 48:
        return f"{minutes // 60} h"
    return f"{minutes // (60 * 24)} d"


SLA_BADGES = {
    SLAState.BREACHED: ("sla sla--breached", "⚠"),
    SLAState.AT_RISK: ("sla sla--at-risk", "◔"),
    SLAState.ON_TRACK: ("sla sla--on-track", "✓"),
    SLAState.PAUSED: ("sla sla--paused", "‖"),
    SLAState.DONE: ("sla sla--done", "—"),
}


def staff_users():
    """People who can work tickets: superusers and whoever holds "change ticket"."""
    can_work = Q(is_superuser=True)
    can_work |= Q(groups__permissions__codename="change_ticket")
    can_work |= Q(user_permissions__codename="change_ticket")
    users = get_user_model().objects.filter(can_work, is_staff=True, is_active=True)
    return users.distinct().order_by("username")


class AssignmentFilter(admin.SimpleListFilter):
    title = "assignee"
    parameter_name = "assigned"

    def lookups(self, request, model_admin):
        people = [(str(u.pk), u.get_username()) for u in staff_users()]
        return [("mine", "Assigned to me"), ("unassigned", "Unassigned"), *people]

    def queryset(self, request, queryset):
        value = self.value()
        if value == "mine":
            return queryset.filter(assignee=request.user)
        if value == "unassigned":
            return queryset.filter(assignee__isnull=True)
        if value and value.isdigit():
            return queryset.filter(assignee_id=int(value))
        return queryset


class TicketActionForm(ActionForm):
    """Values for the bulk actions, shown beside the action menu."""

    assignee = forms.ModelChoiceField(
        queryset=staff_users(), required=False, label="Assignee", empty_label="(assignee)"
    )
    priority = forms.TypedChoiceField(
        choices=[("", "(priority)"), *Priority.choices], required=False, coerce=int
    )
    status = forms.ChoiceField(choices=[("", "(status)"), *TicketStatus.choices], required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = staff_users()


TRIAGE_FIELDS = ("status", "priority", "assignee", "category")


class TicketAdminForm(forms.ModelForm):
    reply_kind = forms.ChoiceField(
        label="Send as",
        choices=[
            ("public", "Public reply (emailed to the customer)"),
            ("internal", "Internal note (staff only)"),
        ],
        widget=forms.RadioSelect,
        initial="public",
        required=False,
    )
    reply = forms.CharField(
        label="Reply or note",
        required=False,
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 6, "cols": 80}),
    )

    assignee = forms.ModelChoiceField(
        queryset=staff_users(), required=False, empty_label="Unassigned"
    )
    # The version the agent saw; a customer reply in the meantime must not be overwritten.
    seen_version = forms.CharField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Ticket
        fields = list(TRIAGE_FIELDS)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["seen_version"].initial = self.instance.updated_at.isoformat()

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk:
            stored = (
                Ticket.objects.filter(pk=self.instance.pk)
                .values("updated_at", *TRIAGE_FIELDS)
                .first()
            )
            if stored and cleaned.get("seen_version") != stored["updated_at"].isoformat():
                # The page comes back with the ticket as it is now (its status, priority,
                # assignee and category, and this version) and the agent's text, so saving
                # again, after reading what changed, can undo nothing unseen.
                self.data = self.data.copy()
                self.data[self.add_prefix("seen_version")] = stored["updated_at"].isoformat()
                for name in TRIAGE_FIELDS:
                    value = stored[name]
                    self.data[self.add_prefix(name)] = "" if value is None else str(value)
                raise forms.ValidationError(
                    "This ticket changed while you had it open (the customer may have "
                    "written): the page now shows it as it is. Your text is kept below: read "
                    "what changed, set the status again if needed, then save.",
                    code="stale",
                )
        return cleaned


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
    list_filter = ["status", "priority", "category", AssignmentFilter]
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
        ("Reply", {"fields": ["reply_kind", "reply", "seen_version"]}),
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
        # Waiting on support first, then most urgent, then longest waiting.
        return [F("stage").asc(), "-priority", F("waiting_since").asc(nulls_last=True), "pk"]

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
        due = obj.sla_due_at()
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
        messages_ = obj.messages.select_related("author")
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
        stored = Ticket.objects.get(pk=obj.pk)
        services.staff_update(
            obj,
            actor=request.user,
            before=services.snapshot(stored),
            old_status=stored.status,
            reply=form.cleaned_data.get("reply", "").strip(),
            internal=form.cleaned_data.get("reply_kind") == "internal",
        )

    # Bulk actions.
    @staticmethod
    def _chosen(request, name):
        """The value chosen beside the action menu, or None."""
        field = TicketActionForm().fields[name]
        try:
            return field.clean(request.POST.get(name, "")) or None
        except forms.ValidationError:
            return None

    def _bulk(self, request, queryset, change, done):
        count = 0
        with transaction.atomic():
            for ticket in queryset.select_for_update(of=("self",)):
                before, old_status = services.snapshot(ticket), ticket.status
                change(ticket)
                services.apply_status_clocks(ticket, old_status)
                ticket.save()
                if services.record_changes(ticket, before, request.user):
                    count += 1
                services.tell_customer_if_resolved(ticket, old_status)
        self.message_user(request, f"{count} ticket(s) {done}.", messages.SUCCESS)

    @admin.action(description="Assign to me", permissions=["change"])
    def assign_to_me(self, request, queryset):
        def change(ticket):
            ticket.assignee = request.user
            if ticket.status == TicketStatus.NEW:
                ticket.status = TicketStatus.OPEN

        self._bulk(request, queryset, change, f"assigned to {request.user.get_username()}")

    @admin.action(description="Assign to the chosen assignee", permissions=["change"])
    def assign_to_chosen(self, request, queryset):
        person = self._chosen(request, "assignee")
        if not person:
            self.message_user(request, "Choose an assignee beside the action.", messages.ERROR)
            return

        def change(ticket):
            ticket.assignee = person
            if ticket.status == TicketStatus.NEW:
                ticket.status = TicketStatus.OPEN

        self._bulk(request, queryset, change, f"assigned to {person.get_username()}")

    @admin.action(description="Set the chosen priority", permissions=["change"])
    def set_priority(self, request, queryset):
        priority = self._chosen(request, "priority")
        if not priority:
            self.message_user(request, "Choose a priority beside the action.", messages.ERROR)
            return
        self._bulk(
            request,
            queryset,
            lambda t: setattr(t, "priority", priority),
            f"set to {Priority(priority).label}",
        )

    @admin.action(description="Set the chosen status", permissions=["change"])
    def set_status(self, request, queryset):
        status = self._chosen(request, "status")
        if not status:
            self.message_user(request, "Choose a status beside the action.", messages.ERROR)
            return
        self._bulk(
            request,
            queryset,
            lambda t: setattr(t, "status", status),
            f"set to {TicketStatus(status).label}",
        )

    @admin.action(description="Merge duplicates into the oldest", permissions=["change"])
    def merge(self, request, queryset):
        try:
            keep = services.merge(list(queryset), actor=request.user)
        except services.MergeRefused as refusal:
            self.message_user(request, str(refusal), messages.ERROR)
            return
        self.message_user(
            request, f"Merged the selected tickets into {keep.reference}.", messages.SUCCESS
        )


@admin.register(OutboundEmail)
class OutboundEmailAdmin(SafeLookupsMixin, admin.ModelAdmin):
    list_display = ["created_at", "kind", "to", "subject", "state", "attempts", "last_error"]
    list_filter = ["state", "kind"]
    search_fields = ["to", "subject", "ticket__reference"]
    readonly_fields = [
        "ticket",
        "kind",
        "to",
        "subject",
        "body_redacted",
        "state",
        "attempts",
        "last_error",
        "created_at",
        "next_attempt_at",
        "sent_at",
    ]
    fields = readonly_fields
    actions = ["retry_now"]

    def has_add_permission(self, request):
        return False

    @admin.display(description="body")
    def body_redacted(self, obj):
        """Staff never see a customer's private link: it would let them act as the customer."""
        return emails.redact_links(obj.body)

    @admin.action(description="Retry sending now", permissions=["change"])
    def retry_now(self, request, queryset):
        done = [OutboundEmail.State.SENT, OutboundEmail.State.BOUNCED]
        pks = list(queryset.exclude(state__in=done).values_list("pk", flat=True))
        OutboundEmail.objects.filter(pk__in=pks).update(
            state=OutboundEmail.State.PENDING, attempts=0, next_attempt_at=timezone.now()
        )
        outcomes = [emails.deliver(pk) for pk in pks]
        self.message_user(
            request,
            f"{outcomes.count('sent')} sent, {outcomes.count('failed')} failed again.",
            messages.SUCCESS if "failed" not in outcomes else messages.WARNING,
        )


@admin.register(SuggestionOpen)
class SuggestionOpenAdmin(admin.ModelAdmin):
    list_display = ["created_at", "title", "url", "ticket"]
    search_fields = ["title", "url"]
    readonly_fields = ["intake", "url", "title", "ticket", "created_at"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "deflection": deflection_report()}
        return super().changelist_view(request, extra_context)


def deflection_report(days=30):
    """Of the forms where a suggestion was opened, how many sent no ticket (deflected).
    Forms opened in the last hour are left out: their ticket may still come."""
    now = timezone.now()
    window = SuggestionOpen.objects.filter(
        created_at__gte=now - timedelta(days=days),
        created_at__lt=now - timedelta(hours=1),
    )
    forms_ = window.values("intake").annotate(
        tickets=Count("ticket", filter=Q(ticket__isnull=False))
    )
    total = forms_.count()
    deflected = sum(1 for f in forms_ if f["tickets"] == 0)
    recent = SuggestionOpen.objects.filter(created_at__gte=now - timedelta(hours=1))
    return {
        "days": days,
        "pending": recent.values("intake").distinct().count(),
        "forms": total,
        "deflected": deflected,
        "rate": round(100 * deflected / total) if total else None,
    }
