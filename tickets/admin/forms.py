"""What the support admin's pages share: how durations and people are written (moments and
names: core.web.admin_columns, core.people),
and selects rendered without a template per option. The queue's filters are in
tickets.admin.filters, its bulk actions in tickets.admin.actions, the ticket page's form in
tickets.admin.ticket_form."""

from django import forms
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.db.models import Exists, OuterRef, Q
from django.forms.models import ModelChoiceIterator
from django.forms.utils import flatatt
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from core.people import staff_name
from core.times import machine_time
from core.web.admin_columns import when
from tickets import sla
from tickets.models import SLAState

UTC_NAMES = {"UTC", "ETC/UTC", "GMT", "ETC/GMT", "ZULU", "UCT", "ETC/UCT", "UNIVERSAL"}


def short_duration(delta):
    return "—" if delta is None else sla.short_span(delta)


SLA_BADGES = {
    SLAState.BREACHED: ("sla sla--breached", "⚠"),
    SLAState.AT_RISK: ("sla sla--at-risk", "◔"),
    SLAState.ON_TRACK: ("sla sla--on-track", "✓"),
    SLAState.PAUSED: ("sla sla--paused", "‖"),
    SLAState.DONE: ("sla sla--done", "—"),
}


def sla_badge(ticket, now=None):
    """The ticket's service-level state, and while a clock runs its countdown ("due in 25
    min", the exact moment in its title) kept current by static/js/countdown.js."""
    now = now or timezone.now()
    state = ticket.sla_state(now)
    css, icon = SLA_BADGES[state]
    badge = format_html(
        '<span class="{}"><span aria-hidden="true">{}</span> {}</span>',
        css,
        icon,
        SLAState(state).label,
    )
    due = ticket.sla_due_at
    if due is None or state in (SLAState.PAUSED, SLAState.DONE):
        return badge
    late = " sla-countdown--late" if due <= now else ""
    return format_html(
        '{}<time class="sla-countdown{}" datetime="{}" title="{} {}" data-countdown>{}</time>',
        badge,
        late,
        machine_time(due),
        "Was due" if late else "Due",
        when(due),
        sla.countdown(due, now),
    )


def staff_users():
    """People who can work tickets: superusers and whoever holds "change ticket" (through a
    group or their own). EXISTS, not joins: joining every group's permissions made a row per
    person and permission to sort and make distinct again (4,600 rows for 100 agents)."""
    change = Permission.objects.filter(codename="change_ticket")
    can_work = Q(is_superuser=True)
    can_work |= Exists(change.filter(group__user=OuterRef("pk")))
    can_work |= Exists(change.filter(user=OuterRef("pk")))
    users = get_user_model().objects.filter(can_work, is_staff=True, is_active=True)
    return users.order_by("first_name", "last_name", "username")


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


class ListedChoices(ModelChoiceIterator):
    """The choices read in one query. Django reads them with QuerySet.iterator(), which on
    PostgreSQL opens a server-side cursor: DECLARE, FETCH and CLOSE for a list of people or
    groups read whole anyway (the queue's bulk-action form: 11 → 6 ms, bench-queue)."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for obj in self.queryset:
            yield self.choice(obj)


class ListedChoiceField(forms.ModelChoiceField):
    """A short list of rows (groups, people) as a QuickSelect, read in one query."""

    iterator = ListedChoices
    widget = QuickSelect


class StaffChoiceField(ListedChoiceField):
    """People by their names, as colleagues know them (the login name only without one)."""

    def label_from_instance(self, obj):
        return staff_name(obj)


def suggest_tags(widget):
    """While a tag is typed, the datalist's options complete it (htmx; without JavaScript
    the datalist offers the most used tags)."""
    widget.attrs.update(
        {
            "list": "tag-suggestions",
            "autocomplete": "off",
            "hx-get": reverse("admin:tickets_ticket_tags"),
            "hx-trigger": "input changed delay:200ms",
            "hx-target": "#tag-suggestions",
            "hx-swap": "innerHTML",
        }
    )


class LabelledTabularInline(admin.TabularInline):
    """Django's tabular inline with a name for each cell's field (it labels only its column
    headers) and text in its otherwise empty headers (axe: label, empty-table-header)."""

    template = "admin/kb/edit_inline/tabular.html"

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if field is not None:
            field.widget = plain_widget(field.widget)
            name = f"{self.model._meta.verbose_name}: {db_field.verbose_name}"
            field.widget.attrs["aria-label"] = name.capitalize()
        return field


def plain_widget(widget):
    """A select without the add/change/delete/view icons beside it (a row stays narrow)."""
    return getattr(widget, "widget", widget) if hasattr(widget, "can_add_related") else widget
