"""Outbound emails: what was sent, what failed, what bounced."""

from django.contrib import admin, messages
from django.utils import timezone

from core.redaction import redact_private_links
from core.web.admin_columns import moment_column
from tickets import emails
from tickets.models import (
    OutboundEmail,
)


@admin.register(OutboundEmail)
class OutboundEmailAdmin(admin.ModelAdmin):
    list_display = ["created_at_shown", "kind", "to", "subject", "state", "attempts", "last_error"]
    created_at_shown = moment_column("created_at", "created")
    list_filter = ["state", "kind"]
    search_fields = ["to", "subject", "ticket__reference"]
    readonly_fields = [
        "ticket",
        "kind",
        "to",
        "subject",
        "body_redacted",
        "state",
        "attempts",
        "last_error",
        "created_at",
        "next_attempt_at",
        "sent_at",
    ]
    fields = readonly_fields
    actions = ["retry_now"]

    def has_add_permission(self, request):
        return False

    @admin.display(description="body")
    def body_redacted(self, obj):
        """Staff never see a customer's private link: it would let them act as the customer."""
        return redact_private_links(obj.body)

    @admin.action(description="Retry sending now", permissions=["change"])
    def retry_now(self, request, queryset):
        done = [OutboundEmail.State.SENT, OutboundEmail.State.BOUNCED]
        pks = list(queryset.exclude(state__in=done).values_list("pk", flat=True))
        OutboundEmail.objects.filter(pk__in=pks).update(
            state=OutboundEmail.State.PENDING, attempts=0, next_attempt_at=timezone.now()
        )
        outcomes = [emails.deliver(pk) for pk in pks]
        self.message_user(
            request,
            f"{outcomes.count('sent')} sent, {outcomes.count('failed')} failed again.",
            messages.SUCCESS if "failed" not in outcomes else messages.WARNING,
        )
