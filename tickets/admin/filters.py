"""The queue's filters. Each reads its parameter through tickets.queueviews, which saved
views, their counts and "Send and next" read too: one definition of each filter."""

from django.contrib import admin
from django.db.models import Count, Q

from core.parsing import row_id
from core.people import staff_name
from tickets import customfields, queueviews
from tickets.admin.forms import staff_users
from tickets.models import (
    UNFINISHED,
    AgentGroup,
    CustomField,
    FieldKind,
    Organization,
    Tag,
    TicketStatus,
)


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
        if queueviews.searches_every_status(request.GET):
            return queryset
        return queryset.filter(queueviews.status_q(self.value()))

    def choices(self, changelist):
        searching = queueviews.searches_every_status(changelist.params)
        current = self.value() or ("all" if searching else "unfinished")
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


class GroupFilter(admin.SimpleListFilter):
    title = "group"
    parameter_name = "group"

    def lookups(self, request, model_admin):
        groups = [(str(g.pk), g.name) for g in AgentGroup.objects.all()]
        return [("mine", "My groups"), ("none", "No group"), *groups]

    def queryset(self, request, queryset):
        return queryset.filter(queueviews.group_q(self.value(), request.user))


class TagFilter(admin.SimpleListFilter):
    """The most used tags (any other by its address, ?tag=name, or the search box)."""

    title = "tag"
    parameter_name = "tag"

    def lookups(self, request, model_admin):
        tags = [(tag.name, tag.name) for tag in Tag.objects.most_used(30)]
        chosen = (self.value() or "")[:50]
        if chosen and chosen not in dict(tags):
            tags.append((chosen, chosen))
        return tags

    def queryset(self, request, queryset):
        return queryset.filter(queueviews.tag_q(self.value()))


class OrganizationFilter(admin.SimpleListFilter):
    """The organizations with the most unfinished tickets (any other by its address)."""

    title = "organization"
    parameter_name = "organization"

    def lookups(self, request, model_admin):
        unfinished = Count("tickets", filter=Q(tickets__status__in=UNFINISHED))
        busiest = Organization.objects.annotate(unfinished=unfinished).filter(unfinished__gt=0)
        choices = [(str(o.pk), o.name) for o in busiest.order_by("-unfinished", "name")[:30]]
        chosen = row_id(self.value())
        if chosen is not None and str(chosen) not in dict(choices):
            other = Organization.objects.filter(pk=chosen).first()
            if other is not None:
                choices.append((str(chosen), other.name))
        return choices

    def queryset(self, request, queryset):
        return queryset.filter(queueviews.organization_q(self.value()))


class CustomFieldFilter(admin.SimpleListFilter):
    """One per dropdown or checkbox field (made by `custom_field_filters`)."""

    definition = None

    def lookups(self, request, model_admin):
        if self.definition.kind == FieldKind.CHECKBOX:
            return [("true", "Yes"), ("false", "No")]
        return [(choice, choice) for choice in self.definition.choice_list()]

    def queryset(self, request, queryset):
        value = (self.value() or "").replace("\x00", "")[:500]
        if not value:
            return queryset
        return queryset.filter(customfields.value_q(self.definition.key, value))


def custom_field_filters():
    """A filter class per dropdown and checkbox field, as they are defined now."""
    return [
        type(
            f"CustomFieldFilter_{definition.pk}",
            (CustomFieldFilter,),
            {
                "definition": definition,
                "title": definition.label,
                "parameter_name": customfields.name_for(definition),
            },
        )
        for definition in CustomField.objects.filterable()
    ]
