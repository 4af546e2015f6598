"""Triggers in the admin: a rule's conditions and actions as rows, each checked when saved
(and the whole rule: an action, and a condition on time for a rule run by the clock), how
often it fired, and a dry run over the last 30 days' tickets."""

from datetime import timedelta

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Max, Q
from django.forms.models import BaseInlineFormSet
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html

from core.web.admin_columns import when
from tickets import triggers
from tickets.admin.forms import StaffChoiceField, plain_widget, staff_users
from tickets.models import Trigger, TriggerAction, TriggerCondition
from tickets.models.triggers import check_rule

DRY_RUN_SHOWN = 200


class RuleFormSet(BaseInlineFormSet):
    """The rows of one kind (conditions or actions) that stay after the save."""

    def kept(self):
        """The valid rows not marked for deletion (a row with an error says so itself; its
        cleaned data lacks the fields that failed)."""
        return [
            form.cleaned_data
            for form in self.forms
            if form.cleaned_data and not form.errors and not form.cleaned_data.get("DELETE")
        ]


class ConditionFormSet(RuleFormSet):
    def clean(self):
        super().clean()
        self.instance._conditions = [row["field"] for row in self.kept()]


class ActionFormSet(RuleFormSet):
    def clean(self):
        super().clean()
        conditions = getattr(self.instance, "_conditions", [])
        problems = check_rule(self.instance.runs_on, conditions, self.kept())
        if problems:
            raise ValidationError(problems)


class ByName:
    """A rule's row shows a choice by its name (Urgent, not 4), as it is typed."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["value"] = self.instance.value_label()


class ConditionForm(ByName, forms.ModelForm):
    class Meta:
        model = TriggerCondition
        fields = ["field", "operator", "value", "organization", "group", "custom_field"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("organization", "group", "custom_field"):
            self.fields[name].widget = plain_widget(self.fields[name].widget)


class ConditionInline(admin.StackedInline):
    model = TriggerCondition
    form = ConditionForm
    formset = ConditionFormSet
    extra = 1
    fieldsets = [
        (
            None,
            {"fields": [("field", "operator", "value"), ("organization", "group", "custom_field")]},
        )
    ]


class ActionForm(ByName, forms.ModelForm):
    assignee = StaffChoiceField(queryset=staff_users(), required=False, empty_label="—")

    class Meta:
        model = TriggerAction
        fields = ["action", "value", "text", "group", "assignee", "custom_field"]
        widgets = {"text": forms.Textarea(attrs={"rows": 3, "cols": 60})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = staff_users()
        for name in ("group", "custom_field"):
            self.fields[name].widget = plain_widget(self.fields[name].widget)


class ActionInline(admin.StackedInline):
    model = TriggerAction
    form = ActionForm
    formset = ActionFormSet
    extra = 1
    fieldsets = [
        (None, {"fields": [("action", "value"), "text", ("group", "assignee", "custom_field")]})
    ]


@admin.register(Trigger)
class TriggerAdmin(admin.ModelAdmin):
    list_display = ["name", "runs_on", "active", "position", "fired_30_days", "last_fired"]
    list_display_links = ["name"]
    list_filter = ["runs_on", "active"]
    search_fields = ["name", "description"]
    inlines = [ConditionInline, ActionInline]
    fieldsets = [
        (None, {"fields": ["name", "description", "runs_on", "match", "active", "position"]}),
    ]

    def get_queryset(self, request):
        since = timezone.now() - timedelta(days=30)
        return (
            super()
            .get_queryset(request)
            .annotate(
                recent=Count("firings", filter=Q(firings__fired_at__gte=since)),
                last=Max("firings__fired_at"),
            )
        )

    @admin.display(description="fired (30 days)", ordering="recent")
    def fired_30_days(self, obj):
        return obj.recent

    @admin.display(description="last fired", ordering="last")
    def last_fired(self, obj):
        return when(obj.last)

    def get_urls(self):
        dry_run = self.admin_site.admin_view(self.dry_run_view)
        return [
            path("<int:pk>/dry-run/", dry_run, name="tickets_trigger_dry_run"),
            *super().get_urls(),
        ]

    def render_change_form(self, request, context, add=False, change=False, **kwargs):
        original = context.get("original")
        if original is not None and original.pk:
            url = reverse("admin:tickets_trigger_dry_run", args=[original.pk])
            context["dry_run_link"] = format_html(
                '<a href="{}">Dry run: which tickets of the last {} days it matches</a>',
                url,
                triggers.DRY_RUN_DAYS,
            )
        return super().render_change_form(request, context, add, change, **kwargs)

    def dry_run_view(self, request, pk):
        """Which recent tickets the saved rule would match; nothing is changed."""
        rule = get_object_or_404(Trigger, pk=pk)
        if not self.has_view_permission(request, rule):
            raise PermissionDenied
        matched, seen = triggers.dry_run(rule)
        context = {
            **self.admin_site.each_context(request),
            "title": f"Dry run of “{rule.name}”",
            "opts": self.opts,
            "rule": rule,
            "conditions": list(
                rule.conditions.select_related("organization", "group", "custom_field")
            ),
            "matched": matched[:DRY_RUN_SHOWN],
            "matched_count": len(matched),
            "seen": seen,
            "days": triggers.DRY_RUN_DAYS,
            "limit": triggers.DRY_RUN_LIMIT,
        }
        return TemplateResponse(request, "admin/tickets/trigger/dry_run.html", context)
