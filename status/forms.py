"""The public subscription forms: an email address, or a webhook."""

from django import forms
from django.conf import settings

from core import safehttp
from core.addresses import validate_address_key
from status.models import Channel, Component


class ComponentChoiceField(forms.ModelMultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def __init__(self, **kwargs):
        super().__init__(
            queryset=Component.objects.order_by("position", "name"),
            to_field_name="code",  # the public id: what a form posts is never a raw pk
            required=False,
            label="Components",
            help_text="Untick what you do not want to hear about. With all of them ticked "
            "(or none), you also hear about components added later.",
            **kwargs,
        )


class PreferencesForm(forms.Form):
    components = ComponentChoiceField()
    component_updates = forms.BooleanField(
        required=False,
        label="Also tell me when a component's status changes outside an incident",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound and not self.initial.get("components"):
            # Every component ticked: the subscription hears about everything.
            self.initial["components"] = list(Component.objects.values_list("code", flat=True))

    def clean_components(self):
        """All of them is "everything", components added later included (stored as none)."""
        chosen = self.cleaned_data["components"]
        if chosen and len(chosen) == Component.objects.count():
            return Component.objects.none()
        return chosen

    def component_groups(self):
        """The checkboxes as the status page shows the components: [(group or None,
        [checkbox])]."""
        boxes = {str(box.data["value"]): box for box in self["components"]}
        return [
            (group, [boxes[c.code] for c in components if c.code in boxes])
            for group, components in Component.objects.order_by("position", "name").tree()
        ]


class EmailSubscribeForm(PreferencesForm):
    email = forms.EmailField(
        label="Email address", max_length=254, validators=[validate_address_key]
    )
    field_order = ["email", "components", "component_updates"]


class WebhookSubscribeForm(PreferencesForm):
    CHANNELS = [
        (Channel.WEBHOOK, "JSON webhook (Statuspage's format, signed)"),
        (Channel.CHAT, "Chat message (Slack, Mattermost, Discord, Teams)"),
    ]

    url = forms.URLField(
        label="Webhook URL",
        max_length=2000,
        assume_scheme="https",
        help_text="An https:// address on the public internet that accepts a POST.",
    )
    channel = forms.ChoiceField(label="What to send", choices=CHANNELS, widget=forms.RadioSelect)
    email = forms.EmailField(
        label="Email address for confirmation and failure notices",
        max_length=254,
        validators=[validate_address_key],
    )
    field_order = ["url", "channel", "email", "components", "component_updates"]

    def clean_url(self):
        url = self.cleaned_data["url"]
        try:
            safehttp.resolve(url, allow_private=settings.STATUS_WEBHOOK_ALLOW_PRIVATE)
        except safehttp.UnsafeURL as error:
            raise forms.ValidationError(str(error), code="unsafe") from None
        return url
