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
            help_text="Tick none to hear about every component, including ones added later.",
            **kwargs,
        )


class PreferencesForm(forms.Form):
    components = ComponentChoiceField()
    component_updates = forms.BooleanField(
        required=False,
        label="Also tell me when a component's status changes outside an incident",
    )


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
