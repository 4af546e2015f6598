"""The incident and maintenance forms: post an update in one step, setting each affected
component's status on its own."""

from django import forms
from django.core.exceptions import ValidationError
from django.template.loader import render_to_string
from django.utils.translation import ngettext

from status.models import (
    CLOSED_STATUSES,
    Component,
    ComponentStatus,
    IncidentStatus,
    MaintenanceStatus,
    Subscriber,
)

LEAVE = ("", "Leave as it is")


class ComponentStatusesWidget(forms.Widget):
    """One labelled select per component; the value is {component pk (str): status}."""

    template_name = "admin/status/component_statuses.html"

    def __init__(self, components=(), attrs=None):
        super().__init__(attrs)
        self.components = list(components)

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        value = value or {}
        base_id = context["widget"]["attrs"].get("id", f"id_{name}")
        context["rows"] = [
            {
                "component": component,
                "name": f"{name}_{component.pk}",
                "id": f"{base_id}_{component.pk}",
                "value": value.get(str(component.pk), ""),
                "current": ComponentStatus(component.status).label,
            }
            for component in self.components
        ]
        context["choices"] = [LEAVE, *ComponentStatus.choices]
        return context

    def render(self, name, value, attrs=None, renderer=None):
        # The project's template engine (templates/), not the form renderer's app dirs.
        return render_to_string(self.template_name, self.get_context(name, value, attrs))

    def value_from_datadict(self, data, files, name):
        return {
            str(c.pk): data.get(f"{name}_{c.pk}", "")
            for c in self.components
            if data.get(f"{name}_{c.pk}")
        }

    def value_omitted_from_data(self, data, files, name):
        return False

    def id_for_label(self, id_):
        return f"{id_}_{self.components[0].pk}" if self.components and id_ else id_


class ComponentStatusesField(forms.Field):
    def __init__(self, **kwargs):
        super().__init__(required=False, **kwargs)

    def set_components(self, components):
        self.components = {str(c.pk): c for c in components}
        self.widget = ComponentStatusesWidget(components)

    def clean(self, value):
        result = {}
        for pk, status in (value or {}).items():
            if pk not in self.components or status not in ComponentStatus.values:
                raise ValidationError("Choose a status from the list for each component.")
            result[self.components[pk]] = status
        return result


class PostUpdateForm(forms.ModelForm):
    STATUS_CHOICES = IncidentStatus.choices

    update_status = forms.ChoiceField(label="New status", choices=())
    update_body = forms.CharField(
        label="Update message",
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        help_text="Posted to the status page, the API and the feeds with the new status.",
    )
    update_components = ComponentStatusesField(
        label="Set component statuses",
        help_text="Each component on its own; one set here becomes an affected component.",
    )
    update_notify = forms.BooleanField(label="Notify subscribers", required=False, initial=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["update_status"].choices = self.STATUS_CHOICES
        self.fields["update_components"].set_components(
            [c for _, children in Component.objects.tree() for c in children]
        )
        active = Subscriber.objects.active().count()
        self.fields["update_notify"].help_text = (
            "Email, webhook and chat subscribers hear of this update "
            + ngettext("(%(n)d active subscription).", "(%(n)d active subscriptions).", active)
            % {"n": active}
        )
        if self.instance.pk:
            self.fields["update_status"].initial = self.instance.status
        else:
            self.fields["update_body"].required = True

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk and not cleaned.get("update_body"):
            changed = cleaned.get("update_status") != self.instance.status
            if changed or cleaned.get("update_components"):
                self.add_error("update_body", "Say what changed: write an update message.")
        return cleaned


class IncidentForm(PostUpdateForm):
    publish_postmortem = forms.BooleanField(
        label="Publish the postmortem",
        required=False,
        help_text="Shown on the incident's page; subscribers are told when it is first "
        "published (if “Notify subscribers” is ticked).",
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("publish_postmortem"):
            status = cleaned.get("update_status") if cleaned.get("update_body") else None
            if (status or self.instance.status) not in CLOSED_STATUSES:
                self.add_error("publish_postmortem", "Resolve the incident first.")
            if not (cleaned.get("postmortem_body") or "").strip():
                self.add_error("postmortem_body", "Write the postmortem first.")
        return cleaned


class MaintenanceForm(PostUpdateForm):
    STATUS_CHOICES = MaintenanceStatus.choices

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("scheduled_for"), cleaned.get("scheduled_until")
        if not start or not end:
            raise forms.ValidationError("A maintenance needs a start and an end.")
        if end <= start:
            self.add_error("scheduled_until", "The end must be after the start.")
        return cleaned
