"""The queue's filters, the bulk-action values and the ticket page's form."""

from django import forms
from django.contrib import admin
from django.contrib.admin.helpers import ActionForm
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from core.people import staff_name
from tickets import queueviews
from tickets.forms import files_field
from tickets.models import (
    AgentPreference,
    Macro,
    Priority,
    ReplyKind,
    SLAState,
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
    return users.distinct().order_by("first_name", "last_name", "username")


class QuickSelect(forms.Select):
    """A select rendered in Python: the same HTML as Django's, without a template per option
    (with 100 agents, a select of people cost ~30 ms a page in templates; bench-queue)."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            (
                (
                    option["value"],
                    mark_safe(" selected") if option["selected"] else "",
                    option["label"],
                )
                for _group, group_options, _index in widget["optgroups"]
                for option in group_options
            ),
        )
        return format_html(
            '<select name="{}"{}>{}</select>', widget["name"], flatatt(widget["attrs"]), options
        )


class StaffChoiceField(forms.ModelChoiceField):
    """People by their names, as colleagues know them (the login name only without one)."""

    widget = QuickSelect

    def label_from_instance(self, obj):
        return staff_name(obj)


class StatusFilter(admin.SimpleListFilter):
    """Unfinished tickets (New, Open, Pending) unless another status, or all, is chosen:
    the queue opens on the work still to do."""

    title = "status"
    parameter_name = "status__exact"

    def lookups(self, request, model_admin):
        return [
            ("unfinished", "Not finished"),
            ("waiting", "Waiting on support"),
            *TicketStatus.choices,
            ("all", "All"),
        ]

    def queryset(self, request, queryset):
        return queryset.filter(queueviews.status_q(self.value()))

    def choices(self, changelist):
        current = self.value() or "unfinished"
        for value, label in self.lookup_choices:
            yield {
                "selected": current == value,
                "query_string": changelist.get_query_string({self.parameter_name: value}),
                "display": label,
            }


class AssignmentFilter(admin.SimpleListFilter):
    title = "assignee"
    parameter_name = "assigned"

    def lookups(self, request, model_admin):
        people = [(str(u.pk), staff_name(u)) for u in staff_users()]
        return [("mine", "Assigned to me"), ("unassigned", "Unassigned"), *people]

    def queryset(self, request, queryset):
        return queryset.filter(queueviews.assigned_q(self.value(), request.user))


class TicketActionForm(ActionForm):
    """Values for the bulk actions, shown beside the action menu."""

    action = forms.ChoiceField(label="Action:", widget=QuickSelect)
    assignee = StaffChoiceField(
        queryset=staff_users(), required=False, label="Assignee", empty_label="(assignee)"
    )
    priority = forms.TypedChoiceField(
        choices=[("", "(priority)"), *Priority.choices],
        required=False,
        coerce=int,
        widget=QuickSelect,
    )
    status = forms.ChoiceField(
        choices=[("", "(status)"), *TicketStatus.choices], required=False, widget=QuickSelect
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = staff_users()


TRIAGE_FIELDS = ("status", "priority", "assignee", "category")


# The buttons that send what is in the reply box; "Save" alone only saves the triage fields.
SEND_BUTTONS = ("_send", "_send_next", "_send_resolve")


class TicketAdminForm(forms.ModelForm):
    # Set per request by TicketAdmin.get_form: whose reply box this is.
    agent = None

    reply_kind = forms.ChoiceField(
        label="Audience",
        choices=[
            (ReplyKind.PUBLIC, "Reply to customer (emailed to them)"),
            (ReplyKind.INTERNAL, "Internal note (staff only, never emailed)"),
        ],
        widget=forms.RadioSelect,
        initial=ReplyKind.PUBLIC,
        required=False,
    )
    reply = forms.CharField(
        label="Message",
        required=False,
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 8, "cols": 80}),
    )
    files = files_field("Attach files")
    # The macro whose text is in the box: its note is added and its use counted on send.
    applied_macro = forms.ModelChoiceField(
        queryset=Macro.objects.none(), required=False, widget=forms.HiddenInput
    )

    assignee = StaffChoiceField(queryset=staff_users(), required=False, empty_label="Unassigned")
    # The version the agent saw; a customer reply in the meantime must not be overwritten.
    seen_version = forms.CharField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Ticket
        fields = list(TRIAGE_FIELDS)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.agent is not None:
            self.fields["reply_kind"].initial = AgentPreference.reply_kind_for(self.agent)
            self.fields["applied_macro"].queryset = Macro.objects.usable_by(self.agent)
        if self.instance.pk:
            self.fields["seen_version"].initial = self.instance.updated_at.isoformat()
            # Only the moves the workflow allows from the stored status.
            current = TicketStatus(self.initial.get("status", self.instance.status))
            moves = {current, *Ticket.allowed_moves(current)}
            self.fields["status"].choices = [c for c in TicketStatus.choices if c[0] in moves]

    @property
    def sending(self):
        return any(name in self.data for name in SEND_BUTTONS)

    @property
    def is_internal(self):
        return self.cleaned_data.get("reply_kind") == ReplyKind.INTERNAL

    def clean_status(self):
        status = self.cleaned_data["status"]
        stored = Ticket.objects.filter(pk=self.instance.pk).values_list("status", flat=True)
        current = stored.first() or status
        if status != current and status not in Ticket.allowed_moves(current):
            raise forms.ValidationError(
                f"A {TicketStatus(current).label.lower()} ticket cannot become "
                f"{TicketStatus(status).label.lower()}.",
                code="illegal_transition",
            )
        return status

    def clean(self):
        cleaned = super().clean()
        empty = not (cleaned.get("reply") or "").strip()
        if self.sending and empty and "reply" not in self.errors:
            if cleaned.get("reply_kind") == ReplyKind.INTERNAL:
                self.add_error("reply", "Write the note before adding it.")
            else:
                self.add_error(
                    "reply",
                    "Write the reply before sending it: an empty message is never sent to "
                    "the customer. To change only the ticket, use Save changes.",
                )
        elif cleaned.get("files") and empty:
            self.add_error("reply", "Write a reply or note to go with the files.")
        if not empty and self.instance.merged_into_id:
            self.add_error(
                None,
                f"This ticket was merged into {self.instance.merged_into.reference}: reply there.",
            )
        if self.data.get("_send_resolve") is not None:
            cleaned["status"] = TicketStatus.RESOLVED
            self.clean_resolve_move(cleaned)
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

    def clean_resolve_move(self, cleaned):
        stored = Ticket.objects.filter(pk=self.instance.pk).values_list("status", flat=True)
        current = stored.first()
        resolved = TicketStatus.RESOLVED
        if current and current != resolved and resolved not in Ticket.allowed_moves(current):
            label = TicketStatus(current).label.lower()
            self.add_error("status", f"A {label} ticket cannot be resolved.")
