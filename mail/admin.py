"""Inbound emails: everything that reached us, what became of it, and the raw message
(superusers only, private links redacted)."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.csp import CSP
from django.utils.decorators import method_decorator
from django.utils.html import format_html
from django.utils.http import content_disposition_header
from django.views.decorators.csp import csp_override

from core.web.admin_columns import moment_column
from mail import inbound
from mail.inbound.parse import redacted_raw
from mail.models import InboundEmail


@admin.register(InboundEmail)
class InboundEmailAdmin(admin.ModelAdmin):
    list_display = [
        "received_at_shown",
        "sender",
        "subject",
        "source",
        "state",
        "outcome",
        "owner_link",
    ]
    received_at_shown = moment_column("received_at", "received")
    list_filter = ["state", "outcome", "source"]
    search_fields = ["sender", "subject"]
    date_hierarchy = "received_at"
    readonly_fields = [
        "received_at",
        "source",
        "sender",
        "subject",
        "message_id",
        "state",
        "outcome",
        "detail",
        "owner_link",
        "verdicts",
        "provider_verdicts",
        "network",
        "acknowledged",
        "size",
        "raw_download",
        "processed_at",
        "full_text",
    ]
    fields = readonly_fields
    actions = ["process_again"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False  # read-only; "process again" is an action with its own check

    def get_fields(self, request, obj=None):
        """The raw message is for superusers only (redacted even so)."""
        fields = super().get_fields(request, obj)
        return fields if request.user.is_superuser else [f for f in fields if f != "raw_download"]

    def get_readonly_fields(self, request, obj=None):
        return self.get_fields(request, obj)

    @admin.display(description="part of")
    def owner_link(self, obj):
        """What the email became part of (a ticket), linked to its admin page."""
        owner = obj.owner
        if owner is None:
            return "—"
        opts = owner._meta
        url = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[owner.pk])
        return format_html('<a href="{}">{}</a>', url, owner)

    @admin.display(description="raw message")
    def raw_download(self, obj):
        url = reverse("admin:mail_inboundemail_raw", args=[obj.pk])
        return format_html(
            '<a href="{}" download>message-{}.eml</a> ({} bytes)', url, obj.pk, obj.size
        )

    def get_urls(self):
        raw = self.admin_site.admin_view(self.raw_view)
        return [path("<int:pk>/raw/", raw, name="mail_inboundemail_raw"), *super().get_urls()]

    @method_decorator(csp_override({"default-src": [CSP.NONE], "sandbox": True}))
    def raw_view(self, request, pk):
        """The message as it came, for superusers, with private links' tokens redacted (a
        customer's reply quoting our email holds their ticket's link)."""
        if not request.user.is_superuser:
            raise PermissionDenied
        email = get_object_or_404(InboundEmail, pk=pk)
        with email.raw.open("rb") as stored:
            raw = redacted_raw(stored.read())
        if raw is None:
            return HttpResponse(
                "This message is beyond the limits of what is parsed (parts, nesting or time), "
                "so it cannot be checked for private links and is not offered for download.",
                status=409,
                content_type="text/plain; charset=utf-8",
            )
        response = HttpResponse(raw, content_type="message/rfc822")
        response["Content-Disposition"] = content_disposition_header(
            True, f"message-{email.pk}.eml"
        )
        response["Cache-Control"] = "private, no-store"
        return response

    @admin.action(description="Process again (failed or waiting emails)", permissions=["view"])
    def process_again(self, request, queryset):
        retry = queryset.filter(state__in=[InboundEmail.State.RECEIVED, InboundEmail.State.FAILED])
        outcomes = [inbound.process(pk) for pk in retry.values_list("pk", flat=True)]
        failed = outcomes.count("failed")
        self.message_user(
            request,
            f"{len(outcomes) - failed} processed, {failed} failed again.",
            messages.SUCCESS if not failed else messages.WARNING,
        )
