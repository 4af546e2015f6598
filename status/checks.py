"""`manage.py check --deploy`: status settings that must not reach production."""

from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.security, deploy=True)
def webhooks_to_private_addresses(app_configs, **kwargs):
    if not settings.STATUS_WEBHOOK_ALLOW_PRIVATE:
        return []
    return [
        Warning(
            "STATUS_WEBHOOK_ALLOW_PRIVATE is on: status webhooks may be sent to loopback, "
            "private and link-local addresses (cloud metadata included), so anyone who "
            "registers a webhook can make this server send requests inside its network.",
            hint="Unset STATUS_WEBHOOK_ALLOW_PRIVATE; it is for tests and local development.",
            id="status.W001",
        )
    ]
