"""Macros, edited by agents: shared ones everyone uses, and personal ones only their owner sees."""

from django import forms
from django.contrib import admin

from core.people import staff_name
from core.web.admin_columns import when
from tickets.admin.forms import StaffChoiceField, staff_users
from tickets.macros import describe
from tickets.models import Macro


class MacroForm(forms.ModelForm):
    personal = forms.BooleanField(
        label="Only for me", required=False, help_text="Unticked: shared with every agent."
    )
    set_assignee = StaffChoiceField(
        queryset=staff_users(), required=False, label="Set assignee", empty_label="(no change)"
    )

    class Meta:
        model = Macro
        fields = [
            "title",
            "body",
            "set_status",
            "set_priority",
            "set_category",
            "set_assignee",
            "add_tags",
            "remove_tags",
            "internal_note",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["set_assignee"].queryset = staff_users()
        self.fields["personal"].initial = bool(self.instance.owner_id)


@admin.register(Macro)
class MacroAdmin(admin.ModelAdmin):
    form = MacroForm
    list_display = ["title", "audience", "actions_summary", "usage_count", "last_used"]
    search_fields = ["title", "body"]
    readonly_fields = ["usage_count", "last_used"]
    fieldsets = [
        (None, {"fields": ["title", "body", "personal"]}),
        (
            "On send",
            {
                "fields": [
                    "set_status",
                    "set_priority",
                    "set_category",
                    "set_assignee",
                    "add_tags",
                    "remove_tags",
                    "internal_note",
                ],
                "description": "The status goes through the ticket's workflow: a move it "
                "does not allow is refused on the ticket page.",
            },
        ),
        ("Use", {"fields": ["usage_count", "last_used"]}),
    ]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .usable_by(request.user)
            .select_related("owner", "set_assignee")
        )

    @admin.display(description="for")
    def audience(self, obj):
        return f"Only {staff_name(obj.owner)}" if obj.owner_id else "Everyone"

    @admin.display(description="on send")
    def actions_summary(self, obj):
        return ", ".join(describe(obj)) or "—"

    @admin.display(description="last used", ordering="last_used_at")
    def last_used(self, obj):
        return when(obj.last_used_at)

    def save_model(self, request, obj, form, change):
        if form.cleaned_data.get("personal"):
            obj.owner = obj.owner or request.user
        else:
            obj.owner = None
        super().save_model(request, obj, form, change)
