"""The queue's bulk actions, through the same workflow as one ticket (tickets.bulk): the
values beside the action menu, and one method per action."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ActionForm
from django.template.response import TemplateResponse

from core.people import staff_name
from core.text import plural
from tickets import bulk, merging
from tickets.admin.forms import (
    ListedChoiceField,
    QuickSelect,
    StaffChoiceField,
    staff_users,
    suggest_tags,
)
from tickets.models import AgentGroup, Priority, TicketStatus, parse_tags


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
    group = ListedChoiceField(
        queryset=AgentGroup.objects.all(), required=False, empty_label="(group)"
    )
    tags = forms.CharField(
        label="Tags",
        required=False,
        max_length=300,
        widget=forms.TextInput(attrs={"placeholder": "(tags)"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = staff_users()
        suggest_tags(self.fields["tags"].widget)


class QueueActions:
    """TicketAdmin's bulk actions."""

    actions = [
        "assign_to_me",
        "assign_to_chosen",
        "set_priority",
        "set_status",
        "set_group",
        "add_tags",
        "remove_tags",
        "merge",
    ]

    @staticmethod
    def _chosen(request, name):
        """The value chosen beside the action menu, or None."""
        field = TicketActionForm().fields[name]
        try:
            return field.clean(request.POST.get(name, "")) or None
        except forms.ValidationError:
            return None

    def _bulk(self, request, queryset, done, **values):
        selected = queryset.count()
        changed, refused = bulk.change(queryset, actor=request.user, **values)
        already = selected - changed - len(refused)
        if not changed and not refused:
            # Green "0 tickets assigned" would read as done; nothing was.
            selection = "selected ticket was" if selected == 1 else "selected tickets were"
            count = "the" if selected == 1 else f"the {selected}"
            self.message_user(
                request, f"Nothing changed: {count} {selection} already {done}.", messages.WARNING
            )
        elif changed:
            tail = f"; {already} already {'was' if already == 1 else 'were'}" if already else ""
            self.message_user(
                request, f"{plural(changed, 'ticket')} {done}{tail}.", messages.SUCCESS
            )
        for ticket, why in refused:
            self.message_user(request, f"{ticket.reference}: {why}", messages.WARNING)

    @admin.action(description="Assign to me", permissions=["change"])
    def assign_to_me(self, request, queryset):
        name = staff_name(request.user)
        self._bulk(request, queryset, f"assigned to {name}", assignee=request.user)

    @admin.action(description="Assign to the chosen assignee", permissions=["change"])
    def assign_to_chosen(self, request, queryset):
        person = self._chosen(request, "assignee")
        if not person:
            self.message_user(request, "Choose an assignee beside the action.", messages.ERROR)
            return
        self._bulk(request, queryset, f"assigned to {staff_name(person)}", assignee=person)

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

    @admin.action(description="Move to the chosen group", permissions=["change"])
    def set_group(self, request, queryset):
        group = self._chosen(request, "group")
        if not group:
            self.message_user(request, "Choose a group beside the action.", messages.ERROR)
            return
        self._bulk(request, queryset, f"moved to {group.name}", group=group)

    def _tags(self, request):
        names = parse_tags(self._chosen(request, "tags") or "")
        if not names:
            self.message_user(request, "Type the tags beside the action.", messages.ERROR)
        return names

    @admin.action(description="Add the tags typed", permissions=["change"])
    def add_tags(self, request, queryset):
        if names := self._tags(request):
            self._bulk(request, queryset, f"tagged {' '.join(names)}", add_tags=names)

    @admin.action(description="Remove the tags typed", permissions=["change"])
    def remove_tags(self, request, queryset):
        if names := self._tags(request):
            done = f"no longer tagged {' '.join(names)}"
            self._bulk(request, queryset, done, remove_tags=names)

    @admin.action(description="Merge duplicates…", permissions=["change"])
    def merge(self, request, queryset):
        """Asks first: which ticket is kept (the oldest by default), then merges."""
        tickets = list(queryset.order_by("created_at", "pk"))
        if request.POST.get("confirm") == "yes":
            keep = next((t for t in tickets if str(t.pk) == request.POST.get("keep")), None)
            notify = request.POST.get("notify") == "on"
            try:
                kept = merging.merge(tickets, actor=request.user, keep=keep, notify=notify)
            except merging.MergeRefused as refusal:
                self.message_user(request, str(refusal), messages.ERROR)
                return None
            told = " The customer is told by email where the conversation continues."
            pending = (
                f" {kept.reference} stays Pending customer." if kept.status == "pending" else ""
            )
            self.message_user(
                request,
                f"Merged the selected tickets into {kept.reference}.{pending}"
                f"{told if notify else ''}",
                messages.SUCCESS,
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
