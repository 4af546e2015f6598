"""Slack in the admin: the channels (their webhook checked by the SSRF guard, what each
receives), and the log of what was posted, with "Post again"."""

from django.contrib import admin
from django.utils.html import format_html

from slack import delivery
from slack.models import SlackChannel, SlackMessage


@admin.register(SlackChannel)
class SlackChannelAdmin(admin.ModelAdmin):
    list_display = ["name", "active", "urgent", "sla", "replies", "webhook_host"]
    list_filter = ["active"]
    search_fields = ["name"]
    filter_horizontal = ["groups", "views"]
    fieldsets = [
        (None, {"fields": ["name", "webhook_url", "active"]}),
        ("What it receives", {"fields": ["urgent", "sla", "replies", "groups", "views"]}),
    ]

    @admin.display(description="webhook")
    def webhook_host(self, obj):
        # The URL is the channel's secret: the list shows where it goes, not the whole.
        return format_html("{}/…", obj.webhook_url.split("/")[2] if "//" in obj.webhook_url else "")


@admin.register(SlackMessage)
class SlackMessageAdmin(admin.ModelAdmin):
    list_display = ["created_at", "event", "channel", "ticket", "state", "attempts"]
    list_filter = ["state", "event", "channel"]
    list_select_related = ["channel", "ticket"]
    date_hierarchy = "created_at"
    fields = [
        "event",
        "channel",
        "ticket",
        "state",
        "attempts",
        "created_at",
        "last_attempt_at",
        "next_attempt_at",
        "sent_at",
        "response_status",
        "last_error",
        "message",
    ]
    readonly_fields = fields
    actions = ["post_again"]

    def has_add_permission(self, request):
        return False

    @admin.action(description="Post the selected messages again", permissions=["change"])
    def post_again(self, request, queryset):
        outcome = delivery.send_again(list(queryset.values_list("pk", flat=True)))
        self.message_user(request, f"Posted {outcome['sent']}, failed {outcome['failed']}.")
