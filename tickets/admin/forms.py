"""The queue's filters, the bulk-action values and the ticket page's form."""

from django import forms
from django.contrib import admin
from django.contrib.admin.helpers import ActionForm
from django.contrib.auth import get_user_model
from django.db.models import Q

from tickets.forms import files_field
from tickets.models import (
    Priority,
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
    return users.distinct().order_by("username")


class StatusFilter(admin.SimpleListFilter):
    """Unfinished tickets (New, Open, Pending) unless another status, or all, is chosen:
    the queue opens on the work still to do."""

    title = "status"
    parameter_name = "status__exact"

    def lookups(self, request, model_admin):
        return [("unfinished", "Not finished"), *TicketStatus.choices, ("all", "All")]

    def queryset(self, request, queryset):
        value = self.value()
        if value in (None, "unfinished"):
            return queryset.unfinished()
        if value in TicketStatus.values:
            return queryset.filter(status=value)
        return queryset

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
        people = [(str(u.pk), u.get_full_name() or u.get_username()) for u in staff_users()]
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

    files = files_field("Attach files")

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
            # Only the moves the workflow allows from the stored status.
            current = TicketStatus(self.initial.get("status", self.instance.status))
            moves = {current, *Ticket.allowed_moves(current)}
            self.fields["status"].choices = [c for c in TicketStatus.choices if c[0] in moves]

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
        if cleaned.get("files") and not (cleaned.get("reply") or "").strip():
            self.add_error("reply", "Write a reply or note to go with the files.")
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
