"""Agent groups in the admin: members, and how a ticket arriving in the group is assigned."""

from django import forms
from django.contrib import admin
from django.db.models import Count, Q

from core.people import staff_name
from core.web.admin_lookups import HeldIdsMultipleChoiceField
from tickets.admin.fields import queue_link
from tickets.admin.forms import staff_users
from tickets.models import UNFINISHED, AgentGroup


class MemberChoices(HeldIdsMultipleChoiceField):
    def label_from_instance(self, obj):
        return staff_name(obj)


class AgentGroupForm(forms.ModelForm):
    members = MemberChoices(
        queryset=staff_users(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="People who can work tickets.",
    )

    class Meta:
        model = AgentGroup
        fields = ["name", "description", "members", "assignment"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["members"].queryset = staff_users()


@admin.register(AgentGroup)
class AgentGroupAdmin(admin.ModelAdmin):
    form = AgentGroupForm
    list_display = ["name", "member_count", "assignment", "unfinished_tickets"]
    search_fields = ["name"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                member_total=Count("members", distinct=True),
                unfinished=Count(
                    "tickets", filter=Q(tickets__status__in=UNFINISHED), distinct=True
                ),
            )
        )

    @admin.display(description="members", ordering="member_total")
    def member_count(self, obj):
        return obj.member_total

    @admin.display(description="unfinished tickets", ordering="unfinished")
    def unfinished_tickets(self, obj):
        return queue_link({"group": obj.pk}, obj.unfinished)
