"""Subscribers (never their webhook secret), what was sent to them, and what failed."""

from django.contrib import admin, messages
from django.urls import reverse
from django.utils.html import format_html

from status import delivery, subscriptions
from status.models import Delivery, Notification, Subscriber


class ConfirmedFilter(admin.SimpleListFilter):
    title = "confirmed"
    parameter_name = "confirmed"

    def lookups(self, request, model_admin):
        return [("yes", "Confirmed"), ("no", "Waiting for confirmation")]

    def queryset(self, request, queryset):
        if self.value() in ("yes", "no"):
            return queryset.filter(confirmed_at__isnull=self.value() == "no")
        return queryset


@admin.register(Subscriber)
class SubscriberAdmin(admin.ModelAdmin):
    list_display = ["__str__", "channel", "email", "confirmed_at", "disabled_at", "created_at"]
    list_filter = ["channel", ConfirmedFilter, ("disabled_at", admin.EmptyFieldListFilter)]
    search_fields = ["email", "url"]
    fields = [
        "channel",
        "email",
        "url",
        "components",
        "component_updates",
        "created_at",
        "confirmed_at",
        "disabled_at",
        "disabled_reason",
    ]
    readonly_fields = [
        "channel",
        "email",
        "url",
        "created_at",
        "confirmed_at",
        "disabled_at",
        "disabled_reason",
    ]
    filter_horizontal = ["components"]
    actions = ["enable_again"]

    def has_add_permission(self, request):
        return False  # subscribers subscribe themselves: double opt-in is their consent

    @admin.action(description="Deliver to the selected webhooks again", permissions=["change"])
    def enable_again(self, request, queryset):
        for subscriber in queryset.filter(disabled_at__isnull=False):
            subscriptions.enable(subscriber)
        self.message_user(request, "Deliveries start again with the next notification.")


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["created_at", "event", "subject", "recipients", "outcome"]
    list_filter = ["event"]
    search_fields = ["subject"]
    readonly_fields = [
        "event",
        "incident",
        "subject",
        "text",
        "chat_text",
        "payload",
        "created_at",
        "fanned_out_at",
        "recipients",
        "outcome",
    ]
    fields = readonly_fields

    def has_add_permission(self, request):
        return False

    @admin.display(description="Deliveries")
    def outcome(self, notification):
        url = reverse("admin:status_delivery_changelist") + f"?notification={notification.pk}"
        return format_html('<a href="{}">{}</a>', url, notification.summary())


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    list_display = [
        "created_at",
        "purpose",
        "subscriber",
        "notification",
        "state",
        "attempts",
        "response_status",
        "last_attempt_at",
        "last_error",
    ]
    list_filter = ["state", "purpose", "notification__event"]
    link_lookups = ["notification"]  # a notification's deliveries (NotificationAdmin.outcome)
    list_select_related = ["subscriber", "notification"]
    search_fields = ["subscriber__email", "subscriber__url", "notification__subject"]
    readonly_fields = [
        "subscriber",
        "notification",
        "purpose",
        "state",
        "attempts",
        "created_at",
        "last_attempt_at",
        "next_attempt_at",
        "sent_at",
        "response_status",
        "last_error",
    ]
    fields = readonly_fields
    actions = ["retry_now"]

    def has_add_permission(self, request):
        return False

    @admin.action(description="Retry sending now", permissions=["change"])
    def retry_now(self, request, queryset):
        outcome = delivery.retry_now(list(queryset.values_list("pk", flat=True)))
        self.message_user(
            request,
            f"{outcome['sent']} sent, {outcome['failed']} failed again.",
            messages.SUCCESS if not outcome["failed"] else messages.WARNING,
        )
