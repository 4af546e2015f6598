"""The ticket page's form: the reply box, the triage fields, tags and custom fields, and
the checks made before anything is saved (an empty reply, a move the workflow refuses, a
field required to resolve, a ticket changed while it was open)."""

from django import forms

from tickets import activity, customfields
from tickets.admin.forms import StaffChoiceField, staff_users, suggest_tags
from tickets.forms import files_field
from tickets.models import (
    AgentGroup,
    AgentPreference,
    CustomField,
    Macro,
    ReplyKind,
    Ticket,
    TicketStatus,
    parse_tags,
)
from tickets.models.groups import assignment_problem
from tickets.models.workflow import TRIAGE_FIELDS, missing_message

# The side panel's fields: the status, then what triage sets beside it.
PANEL_FIELDS = ("status", *TRIAGE_FIELDS)


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
    group = forms.ModelChoiceField(
        queryset=AgentGroup.objects.all(),
        required=False,
        empty_label="No group",
        help_text="The assignee must be one of its members; nobody assigned, the group's "
        "rule may assign one.",
    )
    # Tags: the ticket's own, ticked (untick to remove), and new ones typed.
    current_tags = forms.MultipleChoiceField(
        label="Tags", required=False, widget=forms.CheckboxSelectMultiple
    )
    add_tags = forms.CharField(
        label="Add tags",
        required=False,
        max_length=300,
        help_text="Separated by spaces or commas.",
    )
    # The version the agent saw; a customer reply in the meantime must not be overwritten.
    seen_version = forms.CharField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Ticket
        fields = list(PANEL_FIELDS)

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
            names = self.instance.tag_names()
            self.fields["current_tags"].choices = [(name, name) for name in names]
            self.fields["current_tags"].initial = names
        suggest_tags(self.fields["add_tags"].widget)
        stored = self.instance.field_values_by_key() if self.instance.pk else {}
        customfields.add_fields(self, CustomField.objects.active(), initial=stored)

    def tag_changes(self):
        """(tags to add, tags to remove) as the agent left the boxes."""
        shown = {name for name, _ in self.fields["current_tags"].choices}
        kept = set(self.cleaned_data.get("current_tags") or [])
        added = parse_tags(self.cleaned_data.get("add_tags", ""))
        return added, sorted(shown - kept - set(added))

    def field_values(self):
        return customfields.values_from(self)

    def custom_fields(self):
        return customfields.bound_fields(self)

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
        self.clean_stale(cleaned)
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
        self.clean_required_to_resolve(cleaned)
        problem = assignment_problem(cleaned.get("group"), cleaned.get("assignee"))
        if problem and "assignee" not in self.errors:
            self.add_error("assignee", problem)
        return cleaned

    def clean_stale(self, cleaned):
        """A save from a page older than the ticket: one notice naming who changed what,
        instead of errors about values the page no longer matches ("Select a valid
        choice"). The page comes back with the ticket as it is now (its status, priority,
        assignee and category, and this version) and the agent's text, so saving again,
        after reading what changed, can undo nothing unseen."""
        if not self.instance.pk:
            return
        stored = (
            Ticket.objects.filter(pk=self.instance.pk).values("updated_at", *PANEL_FIELDS).first()
        )
        seen = self.data.get(self.add_prefix("seen_version"))
        if not stored or seen == stored["updated_at"].isoformat():
            return
        self.data = self.data.copy()
        self.data[self.add_prefix("seen_version")] = stored["updated_at"].isoformat()
        for name in PANEL_FIELDS:
            value = stored[name]
            self.data[self.add_prefix(name)] = "" if value is None else str(value)
            self._errors.pop(name, None)  # measured against a ticket that has moved on
        since = activity.seen_moment(seen)
        changes = activity.changes_since(self.instance, since) if since else []
        what = f": {'; '.join(changes)}" if changes else " (the customer may have written)"
        raise forms.ValidationError(
            f"This ticket changed while you had it open{what}. The page now shows it as it "
            "is, and your text is kept below: read what changed, set the status again if "
            "needed, then save.",
            code="stale",
        )

    def clean_required_to_resolve(self, cleaned):
        """Resolving needs the fields required to resolve: each missing one is named."""
        if cleaned.get("status") != TicketStatus.RESOLVED or not self.instance.pk:
            return
        if self.instance.status == TicketStatus.RESOLVED:
            return
        missing = self.instance.missing_to_resolve(self.field_values())
        if not missing:
            return
        self.add_error("status", missing_message(missing))
        by_label = {f.label: f.name for f in self.custom_fields()}
        for label in missing:
            if by_label.get(label) and by_label[label] not in self.errors:
                self.add_error(by_label[label], "Required to resolve the ticket.")

    def clean_resolve_move(self, cleaned):
        stored = Ticket.objects.filter(pk=self.instance.pk).values_list("status", flat=True)
        current = stored.first()
        resolved = TicketStatus.RESOLVED
        if current and current != resolved and resolved not in Ticket.allowed_moves(current):
            label = TicketStatus(current).label.lower()
            self.add_error("status", f"A {label} ticket cannot be resolved.")
