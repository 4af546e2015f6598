"""Outgoing webhooks in the admin: endpoints (the secret shown once, when added), and the
delivery log with what each receiver answered and "Send again"."""

from django import forms
from django.conf import settings
from django.contrib import admin, messages

from api.models import EVENTS, WebhookDelivery, WebhookEndpoint
from api.webhooks import delivery
from core import safehttp


class WebhookEndpointForm(forms.ModelForm):
    events = forms.MultipleChoiceField(
        choices=list(EVENTS.items()), widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = WebhookEndpoint
        fields = ["url", "description", "events", "include_internal"]

    def clean_url(self):
        url = self.cleaned_data["url"]
        try:
            safehttp.resolve(url, allow_private=settings.STATUS_WEBHOOK_ALLOW_PRIVATE)
        except safehttp.UnsafeURL as error:
            raise forms.ValidationError(str(error)) from None
        return url


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(admin.ModelAdmin):
    form = WebhookEndpointForm
    list_display = ["__str__", "url", "created_by", "failures_in_a_row", "disabled_at"]
    list_filter = [("disabled_at", admin.EmptyFieldListFilter)]
    search_fields = ["url", "description"]
    readonly_fields = [
        "created_by",
        "created_at",
        "failures_in_a_row",
        "disabled_at",
        "disabled_reason",
    ]
    actions = ["enable_again"]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)
        if not change:
            self.message_user(
                request,
                f"The signing secret: {obj.signing_secret} — copy it now, it is not shown again.",
                messages.WARNING,
            )

    @admin.action(description="Enable the selected endpoints again", permissions=["change"])
    def enable_again(self, request, queryset):
        for endpoint in queryset:
            delivery.enable(endpoint)
        self.message_user(request, "Deliveries start again with the next event.")


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(admin.ModelAdmin):
    list_display = ["event", "endpoint", "state", "attempts", "response_status", "last_attempt_at"]
    list_filter = ["state", "event__type"]
    list_select_related = ["event", "endpoint"]
    search_fields = ["event__code", "endpoint__url"]
    fields = [
        "event",
        "endpoint",
        "state",
        "attempts",
        "last_attempt_at",
        "next_attempt_at",
        "sent_at",
        "response_status",
        "response_excerpt",
        "last_error",
        "payload",
    ]
    readonly_fields = fields
    actions = ["send_again"]

    def has_add_permission(self, request):
        return False

    @admin.display(description="what was sent")
    def payload(self, obj):
        return delivery.body(obj.event).decode()

    @admin.action(description="Send again", permissions=["change"])
    def send_again(self, request, queryset):
        outcome = delivery.send_again(list(queryset.values_list("pk", flat=True)))
        self.message_user(request, f"Sent {outcome['sent']}; failed {outcome['failed']}.")
